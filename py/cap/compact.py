"""A participant's answers as a short code: for a QR code (one or several) or a "lien de réponse".

What a code carries: the questionnaire (id and version: the values are read by position), the
assessment's id and last change, the session it answers, the respondent's role and name, the
structure's name and profile, every answer's value (`1`–`4`, `na`, `dk`) and its comment and
justification cut to `TEXT_LIMIT` characters. Nothing else (no plan, targets or indicators).

The packet (bytes):

    version (1 byte) · flags (1 byte: 1 = body deflated) · CRC32 of what follows (4 bytes, big-endian) · body

and the body (deflated with zlib when that makes it shorter):

    str questionnaire id · str questionnaire version · id (0 | 1 + 16 bytes of a UUID | 2 + str)
    varint seconds since 2020-01-01 (0: unknown) · str session · str respondent name · str structure name
    varint role (0: none, else 1 + its index in `q.roles`) · varint profile bit set (types, then activities)
    3 bits per criterion in questionnaire order (0 none, 1–4, 5 na, 6 dk), padded to a byte
    varint count · per text: varint (criterion index × 2 + 0 comment | 1 justification) · str text

(`str` = varint byte length + UTF-8.) Two ways to write it as text:

- a link code: the packet in base64url without padding (`synthese.html#reponse=<code>`);
- QR parts: `CAP1:<k>/<n>:<id>:<base45 slice>` (RFC 9285's base45 fits the QR alphanumeric
  mode), `<id>` being the packet's CRC in hex, so parts can be read in any order and parts of two
  participants never mix.
"""

from __future__ import annotations

import base64
import binascii
import re
import uuid
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from .errors import AssessmentError
from .formats import FORMAT_VERSION, read_assessment
from .model import Questionnaire

CODE_VERSION = 1
TEXT_LIMIT = 140  # characters kept of a comment or a justification (the last one is "…" when cut)
NAME_LIMIT = 80  # respondent's and structure's names
SESSION_LIMIT = 40
PART_CHARS = 480  # characters of one QR part: QR version 13 at error correction level M
PART_PREFIX = "CAP"
MAX_PACKET = 64_000  # bytes of a packet, inflated body included: beyond, not a participant's code
EPOCH = datetime(2020, 1, 1, tzinfo=UTC)
VALUES: tuple[Any, ...] = (None, 1, 2, 3, 4, "na", "dk")
B45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
B45_INDEX = {c: n for n, c in enumerate(B45)}
PART_RE = re.compile(r"^CAP(\d+):(\d{1,3})/(\d{1,3}):([0-9A-F]{8}):(.*)$", re.DOTALL)
LINK_RE = re.compile(r"^[A-Za-z0-9_-]+$")


def _error(problem: str, code: str) -> AssessmentError:
    return AssessmentError(problem, code=code)


# -- base45 (RFC 9285) -----------------------------------------------------------------------------

def b45encode(data: bytes) -> str:
    out: list[str] = []
    for i in range(0, len(data) - 1, 2):
        n = data[i] * 256 + data[i + 1]
        n, c = divmod(n, 45)
        e, d = divmod(n, 45)
        out += (B45[c], B45[d], B45[e])
    if len(data) % 2:
        d, c = divmod(data[-1], 45)
        out += (B45[c], B45[d])
    return "".join(out)


def b45decode(text: str) -> bytes:
    bad = _error("Code illisible : il contient des caractères qui ne viennent pas d'un code CAP.", "code_format")
    if len(text) % 3 == 1:
        raise bad
    try:
        digits = [B45_INDEX[c] for c in text]
    except KeyError:
        raise bad from None
    out = bytearray()
    for i in range(0, len(digits), 3):
        chunk = digits[i:i + 3]
        n = sum(v * 45**k for k, v in enumerate(chunk))
        if len(chunk) == 3:
            if n > 0xFFFF:
                raise bad
            out += n.to_bytes(2, "big")
        else:
            if n > 0xFF:
                raise bad
            out.append(n)
    return bytes(out)


# -- bytes ---------------------------------------------------------------------------------------

class _Writer:
    def __init__(self) -> None:
        self.buf = bytearray()

    def varint(self, n: int) -> None:
        while True:
            byte, n = n & 0x7F, n >> 7
            self.buf.append(byte | (0x80 if n else 0))
            if not n:
                return

    def text(self, s: str) -> None:
        raw = s.encode("utf-8")
        self.varint(len(raw))
        self.buf += raw


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def take(self, n: int) -> bytes:
        if n < 0 or self.pos + n > len(self.data):
            raise _error("Code incomplet : il manque une partie de ses données.", "code_format")
        chunk = self.data[self.pos:self.pos + n]
        self.pos += n
        return chunk

    def varint(self) -> int:
        n = shift = 0
        while True:
            byte = self.take(1)[0]
            n |= (byte & 0x7F) << shift
            if not byte & 0x80:
                return n
            shift += 7
            if shift > 63:
                raise _error("Code illisible : un nombre y est mal écrit.", "code_format")

    def text(self) -> str:
        raw = self.take(self.varint())
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise _error("Code illisible : un texte y est mal écrit.", "code_format") from None


def _cut(text: Any, limit: int) -> str:
    text = text if isinstance(text, str) else ""
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _seconds(stamp: Any) -> int:
    if not isinstance(stamp, str) or not stamp:
        return 0
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return 0
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0, int((moment - EPOCH).total_seconds()))


def _stamp(seconds: int) -> str:
    return (EPOCH + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")


# -- what a code carries ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Encoded:
    packet: bytes
    cut: tuple[str, ...]  # criteria whose comment or justification was cut

    @property
    def link(self) -> str:
        return base64.urlsafe_b64encode(self.packet).decode("ascii").rstrip("=")

    def parts(self, part_chars: int = PART_CHARS) -> list[str]:
        """The packet as QR texts of at most `part_chars` characters each (base45 slices)."""
        ident = self.packet[2:6].hex().upper()
        room = max(3, part_chars - len(f"{PART_PREFIX}{CODE_VERSION}:999/999:{ident}:"))
        size = room // 3 * 2  # bytes per part: 2 bytes → 3 characters
        slices = [self.packet[i:i + size] for i in range(0, len(self.packet), size)] or [b""]
        n = len(slices)
        if n > 999:
            raise _error("Réponses trop longues pour des QR codes : exportez le fichier.", "code_too_big")
        return [f"{PART_PREFIX}{CODE_VERSION}:{k}/{n}:{ident}:{b45encode(s)}" for k, s in enumerate(slices, start=1)]


def encode(q: Questionnaire, a: dict[str, Any], session: str = "") -> Encoded:
    """An assessment (as the page keeps it) → its packet. `session`: the session it answers."""
    w = _Writer()
    w.text(q.id)
    w.text(q.version)
    aid = a.get("id") if isinstance(a.get("id"), str) else ""
    try:
        as_uuid = uuid.UUID(aid) if aid else None
    except ValueError:
        as_uuid = None
    if as_uuid is not None and str(as_uuid) == aid.lower():
        w.buf.append(1)
        w.buf += as_uuid.bytes
    elif aid:
        w.buf.append(2)
        w.text(aid[:100])
    else:
        w.buf.append(0)
    w.varint(_seconds(a.get("updated")))
    respondent = a.get("respondent") if isinstance(a.get("respondent"), dict) else {}
    structure = a.get("structure") if isinstance(a.get("structure"), dict) else {}
    w.text(_cut(session, SESSION_LIMIT))
    w.text(_cut(respondent.get("name"), NAME_LIMIT))
    w.text(_cut(structure.get("name"), NAME_LIMIT))
    roles = [r.id for r in q.roles]
    role = respondent.get("role")
    w.varint(roles.index(role) + 1 if role in roles else 0)
    profile = [t.id for t in q.structure_types + q.activities]
    ticked = set(q.profile_of(structure))
    w.varint(sum(1 << n for n, pid in enumerate(profile) if pid in ticked))
    answers = a.get("answers") if isinstance(a.get("answers"), dict) else {}
    bits = 0
    texts: list[tuple[int, str]] = []
    cut: list[str] = []
    for n, c in enumerate(q.criteria):
        entry = answers.get(c.id)
        if not isinstance(entry, dict):
            continue
        value = entry.get("value")
        if value in VALUES[1:] and type(value) in (int, str):
            bits |= VALUES.index(value) << (3 * n)
        for kind, key in enumerate(("comment", "justification")):
            text = entry.get(key)
            if isinstance(text, str) and text:
                texts.append((n * 2 + kind, _cut(text, TEXT_LIMIT)))
                if len(text) > TEXT_LIMIT and c.id not in cut:
                    cut.append(c.id)
    w.buf += bits.to_bytes((3 * len(q.criteria) + 7) // 8, "little")
    w.varint(len(texts))
    for key, text in texts:
        w.varint(key)
        w.text(text)
    body = bytes(w.buf)
    packed = zlib.compress(body, 9, wbits=-15)
    flags, stored = (1, packed) if len(packed) < len(body) else (0, body)
    head = bytes([CODE_VERSION, flags])
    crc = zlib.crc32(head + stored).to_bytes(4, "big")
    return Encoded(head + crc + stored, tuple(cut))


@dataclass(frozen=True)
class Decoded:
    assessment: dict[str, Any]
    session: str


def _unpack(packet: bytes, q: Questionnaire) -> Decoded:
    if len(packet) < 6:
        raise _error("Code incomplet : il est trop court pour être un code de réponses CAP.", "code_format")
    if packet[0] != CODE_VERSION:
        raise _error(f"Code de version {packet[0]} : cette page lit les codes de version {CODE_VERSION}. "
                     "Mettez la page à jour, ou demandez le fichier de réponses.", "code_version")
    if zlib.crc32(packet[:2] + packet[6:]).to_bytes(4, "big") != packet[2:6]:
        raise _error("Code abîmé : sa somme de contrôle ne correspond pas (un caractère manque ou a changé). "
                     "Rien n'a été ajouté ; demandez au participant de renvoyer son lien ou son QR code.",
                     "code_checksum")
    body = packet[6:]
    if packet[1] & 1:
        inflater = zlib.decompressobj(wbits=-15)
        try:
            body = inflater.decompress(body, MAX_PACKET)
        except zlib.error:
            raise _error("Code illisible : ses données compressées sont abîmées.", "code_format") from None
        if inflater.unconsumed_tail:
            raise _error("Code trop volumineux pour être un code de réponses CAP.", "code_too_big")
    r = _Reader(body)
    qid, version = r.text(), r.text()
    if qid != q.id or version != q.version:
        raise _error(f"Ce code a été fait avec le référentiel « {qid} » {version} ; cette page utilise "
                     f"{q.version}. Demandez au participant son fichier de réponses (export JSON) : il sera mis à "
                     "jour à l'ouverture.",
                     "code_questionnaire")
    kind = r.take(1)[0]
    aid = str(uuid.UUID(bytes=r.take(16))) if kind == 1 else r.text() if kind == 2 else ""
    seconds = r.varint()
    session, name, structure_name = r.text(), r.text(), r.text()
    role_n = r.varint()
    profile_bits = r.varint()
    roles = [x.id for x in q.roles]
    if role_n > len(roles):
        raise _error("Code illisible : le rôle indiqué n'existe pas dans ce référentiel.", "code_format")
    n_criteria = len(q.criteria)
    bits = int.from_bytes(r.take((3 * n_criteria + 7) // 8), "little")
    answers: dict[str, dict[str, Any]] = {}
    for n, c in enumerate(q.criteria):
        v = (bits >> (3 * n)) & 7
        if v >= len(VALUES):
            raise _error("Code illisible : une réponse y a une valeur inconnue.", "code_format")
        if v:
            answers[c.id] = {"value": VALUES[v]}
    for _ in range(r.varint()):
        key = r.varint()
        text = r.text()
        if key // 2 >= n_criteria:
            raise _error("Code illisible : un commentaire y renvoie à un critère inconnu.", "code_format")
        answers.setdefault(q.criteria[key // 2].id, {})["comment" if key % 2 == 0 else "justification"] = text
    if r.pos != len(body):
        raise _error("Code illisible : des données en trop suivent les réponses.", "code_format")
    profile = list(q.structure_types + q.activities)
    type_ids = {t.id for t in q.structure_types}
    ticked = [t.id for n, t in enumerate(profile) if profile_bits >> n & 1]
    stamp = _stamp(seconds) if seconds else None
    a: dict[str, Any] = {
        "format": "cap-evaluation", "format_version": FORMAT_VERSION,
        "questionnaire": {"id": qid, "version": version},
        "id": aid or f"code-{packet[2:6].hex()}", "kind": "individual",
        "structure": {"name": structure_name, "types": [t for t in ticked if t in type_ids],
                      "activities": [t for t in ticked if t not in type_ids]},
        "respondent": {"name": name, "role": roles[role_n - 1] if role_n else None},
        "answers": answers,
    }
    if stamp:
        a["created"] = a["updated"] = stamp
    checked, _ = read_assessment(a, q)
    return Decoded(checked, session)


def unpack_link(text: str, q: Questionnaire) -> Decoded:
    """A link code, or a whole link holding `#reponse=<code>` → the participant's answers."""
    text = text.strip()
    if "reponse=" in text:
        text = text.split("reponse=", 1)[1].split("&", 1)[0]
    if not text or not LINK_RE.match(text) or len(text) > MAX_PACKET * 2:
        raise _error("Lien de réponse illisible : il est vide, coupé ou contient des caractères inattendus. "
                     "Rien n'a été ajouté ; demandez au participant de le renvoyer.", "code_format")
    try:
        packet = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise _error("Lien de réponse illisible : il semble coupé. Rien n'a été ajouté ; demandez au participant "
                     "de le renvoyer.", "code_format") from None
    return _unpack(packet, q)


@dataclass(frozen=True)
class Parts:
    """QR texts read so far: complete (`decoded`) or waiting for `missing` parts."""
    total: int
    have: tuple[int, ...]
    decoded: Decoded | None


def gather(texts: list[str], q: Questionnaire) -> Parts:
    """QR texts in any order (repeats allowed) → the answers once every part of one code is there.

    All parts must belong to one code: a part of another code (another participant) is refused, so
    that the page can tell the user to finish one code first.
    """
    found: dict[int, bytes] = {}
    total = 0
    ident = ""
    for raw in texts:
        m = PART_RE.match(raw.strip() if isinstance(raw, str) else "")
        if not m:
            raise _error("Ce QR code n'est pas un code de réponses CAP.", "code_format")
        version, k, n, part_id, chunk = int(m[1]), int(m[2]), int(m[3]), m[4], m[5]
        if version != CODE_VERSION:
            raise _error(f"Code de version {version} : cette page lit les codes de version {CODE_VERSION}. "
                         "Mettez la page à jour, ou demandez le fichier de réponses.", "code_version")
        if not 1 <= k <= n:
            raise _error(f"QR code mal numéroté ({k}/{n}).", "code_format")
        if ident and (part_id != ident or n != total):
            raise _error("Ce QR code vient d'un autre participant (ou d'un autre envoi) que les précédents : "
                         "finissez de lire le premier code, ou recommencez la lecture.", "code_parts")
        ident, total = part_id, n
        found[k] = b45decode(chunk)
    if not total:
        raise _error("Aucun QR code lu.", "code_format")
    have = tuple(sorted(found))
    if len(found) < total:
        return Parts(total, have, None)
    packet = b"".join(found[k] for k in range(1, total + 1))
    if packet[2:6].hex().upper() != ident:
        raise _error("Code abîmé : ses parties ne vont pas ensemble. Rien n'a été ajouté ; recommencez la lecture.",
                     "code_checksum")
    return Parts(total, have, _unpack(packet, q))


def portable(q: Questionnaire, a: dict[str, Any]) -> dict[str, Any]:
    """What a code keeps of an assessment (texts not cut): `decode(encode(a))` equals this, read back."""
    known = {c.id for c in q.criteria}
    answers = {}
    for cid, entry in (a.get("answers") or {}).items():
        if cid in known and isinstance(entry, dict):
            kept = {k: entry[k] for k in ("value", "comment", "justification") if entry.get(k) not in (None, "")}
            if kept:
                answers[cid] = kept
    respondent = a.get("respondent") or {}
    structure = a.get("structure") or {}
    ticked = set(q.profile_of(structure))
    return {"id": a.get("id"), "respondent": {"name": respondent.get("name") or "", "role": respondent.get("role")},
            "structure": {"name": structure.get("name") or "",
                          "types": [t.id for t in q.structure_types if t.id in ticked],
                          "activities": [t.id for t in q.activities if t.id in ticked]},
            "answers": answers}

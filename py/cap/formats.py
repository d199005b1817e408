"""The `cap-evaluation` file format: read (untrusted input), migrate, normalise, write.

A file is checked field by field; what cannot be read raises `AssessmentError` with a French
message and the path of the field. Answers to ids the questionnaire does not know are kept
under `unknown_answers` and reported, never dropped silently.

Two migrations happen on reading, both reported by `read_and_migrate` as a short French summary:
the format's (version 1 had one structure `type`; version 2 has `types` and `activities`) and the
referential's (the questionnaire's `id_changes` since the version the file was made with: answers
follow renamed and merged criteria, new, split, merged and reworded ones are flagged in `review`).
"""

from __future__ import annotations

import json
import math
import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from itertools import accumulate
from typing import Any

from . import FORMAT, FORMAT_VERSION
from .errors import AssessmentError
from .model import LEGACY_TYPES, Questionnaire

MAX_BYTES = 2_000_000
MAX_ANSWERS = 2000
MAX_PLAN = 500
MAX_SHORT = 200
MAX_LONG = 5000
VALUES = (1, 2, 3, 4, "na", "dk")
STATUSES = ("todo", "doing", "done", "dropped")
FINAL_STATUSES = ("done", "doing", "dropped", "postponed")  # an earlier plan's action, after the review
KINDS = ("individual", "consolidated")
MAX_ID = 60
MAX_DEPTH = 64  # nesting levels of the whole file (an assessment needs 5)
MAX_EXTRA_DEPTH = 16  # levels inside one unknown top-level field kept as-is
MAX_EXTRA_BYTES = 100_000  # unknown top-level fields kept as-is, all together, as JSON text
MAX_EXTRA_KEYS = 50
MAX_INT = 2**53 - 1  # what a browser counts exactly (Number.MAX_SAFE_INTEGER)
MAX_INDICATOR = 1e9
MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$", re.ASCII)
# ISO 8601 as written by now_iso() and the page (toISOString without milliseconds), or a day.
STAMP_RE = re.compile(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?)?", re.ASCII)
SURROGATE_RE = re.compile("[\ud800-\udfff]")
KNOWN_KEYS = {"format", "format_version", "questionnaire", "id", "kind", "created", "updated", "structure",
              "respondent", "answers", "targets", "importance", "indicators", "plan", "participants",
              "stats", "unknown_answers", "exported", "region", "review", "previous"}
MAX_PROFILE = 30  # types and activities of one structure
# `review` flags: what the user should do about a criterion after a referential update.
REVIEW_KINDS = {"added": "à répondre", "split": "à répondre", "merged": "à revoir", "reworded": "à revoir"}
VERSION_RE = re.compile(r"^\d{4}\.\d+$", re.ASCII)


def _profile_from_type(structure: dict[str, Any], changes: list[dict[str, Any]]) -> dict[str, Any]:
    """A format 1 `structure` ({name, type}) as format 2 ({name, types, activities}), noting the change.

    SAP and OF were types and are activities since the referential 2027.1 (see `LEGACY_TYPES`);
    any other type becomes a list of one. Lists already there (a page that wrote them) are kept.
    """
    out = {k: v for k, v in structure.items() if k != "type"}
    old = structure.get("type")
    if "types" in structure or "activities" in structure or not isinstance(old, str) or not old:
        out.setdefault("types", [])
        out.setdefault("activities", [])
        return out
    if old in LEGACY_TYPES:
        label, types, activities = LEGACY_TYPES[old]
        out["types"], out["activities"] = list(types), list(activities)
        if old == "SAP":
            note = (f"Le type « {label} » est devenu une activité : précisez le mode (prestataire, mandataire ou "
                    "mise à disposition) et cochez le vrai type de votre structure.")
        else:
            note = (f"Le type « {label} » est devenu une activité ; votre structure est classée « Autre structure "
                    "de l'ESS » : cochez son vrai type.")
        changes.append({"kind": "profile", "old": old, "new": ", ".join(types + activities), "note": note})
    else:
        out["types"], out["activities"] = [old], []
        changes.append({"kind": "profile", "old": old, "new": old,
                        "note": "Le profil de la structure accepte désormais plusieurs types et des activités "
                                "(services à la personne, formation) : complétez-le si besoin."})
    return out


def _v1_to_v2(data: dict[str, Any], changes: list[dict[str, Any]]) -> dict[str, Any]:
    """Format 1 → 2: the structure's single `type` becomes the lists `types` and `activities`."""
    structure = data.get("structure")
    if isinstance(structure, dict):
        data = {**data, "structure": _profile_from_type(structure, changes)}
    return {**data, "format_version": 2}


# Earlier format versions and how to bring them to the next one; each notes what it changed
# for the user (`{kind, old, new, note}`) in the list it is given.
MIGRATIONS: dict[int, Callable[[dict[str, Any], list[dict[str, Any]]], dict[str, Any]]] = {1: _v1_to_v2}


def version_key(version: Any) -> tuple[int, ...] | None:
    """'2027.1' → (2027, 1), to compare referential versions; None for anything else."""
    if not isinstance(version, str) or not VERSION_RE.match(version):
        return None
    return tuple(int(part) for part in version.split("."))


def clear_review(assessment: dict[str, Any], criterion: str) -> dict[str, Any]:
    """Remove the `review` flag of one criterion (the user answered it again); drop an empty map."""
    review = assessment.get("review")
    if isinstance(review, dict):
        review.pop(criterion, None)
        if not review:
            del assessment["review"]
    return assessment


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def new_assessment(q: Questionnaire, profile: Any = (), name: str = "",
                   kind: str = "individual") -> dict[str, Any]:
    """An empty assessment; `profile`: type and activity ids (one id alone is accepted)."""
    stamp = now_iso()
    ids = [profile] if isinstance(profile, str) else list(profile or ())
    activities = {a.id for a in q.activities}
    return {
        "format": FORMAT, "format_version": FORMAT_VERSION,
        "questionnaire": {"id": q.id, "version": q.version},
        "id": str(uuid.uuid4()), "kind": kind, "created": stamp, "updated": stamp,
        "structure": {"name": name, "types": [i for i in ids if i not in activities],
                      "activities": [i for i in ids if i in activities]},
        "respondent": {"name": "", "role": None},
        "answers": {}, "targets": {}, "importance": {}, "indicators": {}, "plan": [],
    }


def _size_text(size: int) -> str:
    """50000000 → '50,0 Mo' (French decimal comma, thin space between thousands)."""
    return f"{size / 1_000_000:,.1f}".replace(",", "\u202f").replace(".", ",") + " Mo"


# -- nesting, before any parsing -------------------------------------------------------------------
# Python's JSON parser recurses once per level of nesting. CPython stops it with a RecursionError;
# in Pyodide the WebAssembly stack may overflow first, a fatal error that kills the engine. So the
# depth is measured on the raw text, with bulk byte operations only (a 2 MB file costs a few ms).

_STRUCTURE = b'"[]{}'
_NOT_STRUCTURE = bytes(c for c in range(256) if c not in _STRUCTURE)
_UNIFY = bytes.maketrans(b"{}", b"[]")
_SIGN = bytes.maketrans(b"[]", b"\x01\xff")
_RUNS = re.compile(rb"\[+|\]+")


def nesting_depth(text: str | bytes, limit: int | None = None) -> int:
    """How deeply the JSON text nests arrays and objects (brackets inside strings do not count).

    Exact for valid JSON; for a broken text, at least the depth the parser would reach before
    failing. With `limit`, may stop early and return `limit + 1` as soon as the depth exceeds it.
    """
    b = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else bytes(text)
    if b"\\" in b:  # escapes live in strings only: drop them, left to right, as the parser reads them
        b = b.replace(b"\\\\", b"").replace(b'\\"', b"")
    b = b.translate(_UNIFY, _NOT_STRUCTURE)  # quotes and brackets only, one kind of bracket
    b = b.replace(b'""', b"")  # empty strings and strings with no bracket between them
    if b'"' in b:  # what is left between quotes is inside strings
        b = b"".join(b.split(b'"')[::2])
    removed = 0  # each round removes the innermost pairs, one level everywhere
    peaks = 0
    while b:
        if limit is not None and b"[" * max(1, limit + 1 - removed) in b:
            return limit + 1
        shorter = b.replace(b"[]", b"")
        peaks = (len(b) - len(shorter)) // 2
        if len(shorter) > len(b) * 3 // 4:
            break  # few pairs removed: count what is left in one pass instead
        b, removed = shorter, removed + 1
    if not b:
        return removed
    if peaks * 10 < len(b):  # long runs of one bracket: add up run lengths (fewer steps than bytes)
        lengths = list(map(len, _RUNS.findall(b)))
        if b[:1] == b"]":
            lengths.insert(0, 0)
        lengths[1::2] = [-n for n in lengths[1::2]]
        return removed + max(0, max(accumulate(lengths)))
    return removed + max(0, max(accumulate(memoryview(b.translate(_SIGN)).cast("b"))))


# -- values: what JSON may hold, checked once for the whole file -----------------------------------

def _field(path: tuple[str | int, ...]) -> str:
    """('answers', 'ID-1', 'value') → 'answers.ID-1.value'; list indexes as [n]; printable even when
    a key holds a lone surrogate (shown as a \\u escape)."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            part = SURROGATE_RE.sub(lambda m: f"\\u{ord(m.group()):04x}", part[:MAX_ID])
            out += ("." if out else "") + part
    return out


def _scalar_problem(value: Any) -> str | None:
    """What is wrong with a JSON scalar that nothing after the reader could use, or None."""
    t = type(value)
    if t is str:
        found = SURROGATE_RE.search(value)
        if found:
            return (f"Caractère invalide (U+{ord(found.group()):04X}, une moitié de caractère isolée) : le texte a été "
                    "abîmé ; corrigez-le ou retirez-le")
        return None
    if t is int:
        return None if -MAX_INT <= value <= MAX_INT else f"Nombre hors limites ({MAX_INT} au plus en valeur absolue)"
    if t is float:
        return None if math.isfinite(value) else f"Nombre invalide ({value!r}) : un nombre fini est attendu"
    if value is None or t is bool:
        return None
    return f"Type inattendu ({t.__name__}) : seuls des textes, nombres, listes et objets JSON sont possibles"


def check_values(data: Any, strings: bool = True, max_depth: int = MAX_DEPTH) -> None:
    """Refuse, naming the field, what JSON can hold but nothing after the reader can use: lone
    surrogates in texts and keys (UTF-8 cannot write them; skipped when `strings` is false),
    non-finite or huge numbers, nesting deeper than `max_depth`, and (for a dict built in
    Python) keys or values that are not JSON."""
    search = SURROGATE_RE.search
    stack: list[tuple[Any, tuple[str | int, ...], int]] = [(data, (), 1)]
    while stack:
        value, path, depth = stack.pop()
        if type(value) is dict:
            if not all(type(key) is str for key in value):
                raise AssessmentError("Clé non textuelle dans un objet", _field(path) or None, code="types")
            items: Any = value.items()
        elif type(value) is list:
            items = enumerate(value)
        else:
            problem = _scalar_problem(value)
            if problem and (strings or type(value) is not str):
                raise AssessmentError(problem, _field(path) or None, code="types")
            continue
        if depth > max_depth:
            raise AssessmentError(f"Données trop imbriquées ({max_depth} niveaux au plus)", _field(path[:1]) or None,
                                  code="too_deep")
        for key, item in items:
            t = type(item)
            if t is str:
                bad = strings and search(item) is not None
            elif t is dict or t is list:
                bad = False
                stack.append((item, (*path, key), depth + 1))
            elif t is int:
                bad = not -MAX_INT <= item <= MAX_INT
            elif t is float:
                bad = not math.isfinite(item)
            else:
                bad = not (item is None or t is bool)
            if strings and type(key) is str and search(key):
                raise AssessmentError(_scalar_problem(key) or "", _field((*path, key)), code="types")
            if bad:
                raise AssessmentError(_scalar_problem(item) or "", _field((*path, key)), code="types")


# What, in a file's bytes, may hold a value the check above refuses; when none of it is there,
# the parsed value needs no walk (most files): a lone surrogate (raw, as UTF-8 with surrogatepass,
# or as a \uD800–\uDFFF escape), an integer of 16 digits or more (beyond 2**53). Non-finite
# numbers (NaN, Infinity, 1e400) are seen by the parser's hooks (see parse_text).
_RAW_SURROGATE = re.compile(rb"\xed[\xa0-\xbf]")
_ESCAPED_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")
_DIGITS = bytes(ord("0") if 48 <= c <= 57 else ord(" ") for c in range(256))


def _may_hold_strange_values(raw: bytes) -> tuple[bool, bool]:
    """(may hold a lone surrogate, may hold a huge integer), from the file's bytes."""
    strings = bool(_RAW_SURROGATE.search(raw) or (b"\\u" in raw and _ESCAPED_SURROGATE.search(raw)))
    return strings, b"0" * 16 in raw.translate(_DIGITS)


def parse_text(text: str | bytes, size: int | None = None) -> dict[str, Any]:
    """Turn a file's text into a JSON object, or raise a French `AssessmentError`.

    `size` is the file's real size in bytes when the caller read only its beginning (the page
    reads at most MAX_BYTES + 1 bytes of a picked file): the message then gives the real figure.
    What json.loads accepts but the reader cannot keep is refused here too, naming the field.
    """
    raw = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else bytes(text)
    real = max(len(raw), size if type(size) is int else 0)
    if real > MAX_BYTES:
        raise AssessmentError(
            f"Le fichier est trop volumineux ({_size_text(real)}) : une évaluation CAP pèse "
            f"moins de {MAX_BYTES // 1_000_000} Mo. Vérifiez que vous avez choisi le bon fichier.", code="too_big")
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise AssessmentError("Le fichier n'est pas un texte lisible (encodage UTF-8 attendu) : "
                                  "ce n'est pas une évaluation CAP.", code="not_json") from exc
    text = text.lstrip("\ufeff")
    if nesting_depth(raw, MAX_DEPTH) > MAX_DEPTH:
        raise AssessmentError(f"Le fichier est trop imbriqué pour être une évaluation CAP (plus de {MAX_DEPTH} "
                              "niveaux de listes ou d'objets).", code="too_deep")
    not_finite: list[str] = []

    def number(literal: str) -> float:
        value = float(literal)
        if not math.isfinite(value):  # 1e400
            not_finite.append(literal)
        return value

    def constant(literal: str) -> float:  # NaN, Infinity, -Infinity: refused below, naming the field
        not_finite.append(literal)
        return float(literal)

    try:
        data = json.loads(text, parse_float=number, parse_constant=constant)
    except RecursionError as exc:  # not expected after the depth check: one more guard
        raise AssessmentError("Le fichier est trop imbriqué pour être une évaluation CAP.", code="too_deep") from exc
    except json.JSONDecodeError as exc:
        raise AssessmentError("Le fichier n'est pas au format JSON : ce n'est pas une évaluation exportée "
                              "par CAP en ligne.", code="not_json") from exc
    except ValueError as exc:  # an integer of more than 4300 digits
        raise AssessmentError("Le fichier contient un nombre démesuré (des milliers de chiffres) : ce n'est pas "
                              "une évaluation CAP.", code="types") from exc
    if not isinstance(data, dict):
        raise AssessmentError("Le fichier JSON ne contient pas une évaluation CAP.", code="foreign")
    strings, numbers = _may_hold_strange_values(raw)
    if strings or numbers or not_finite:
        check_values(data, strings=strings)
    return data


def _stamp(value: str, field: str) -> str:
    """A date or timestamp, ISO 8601: '2026-11-28' or '2026-11-28T10:30:00Z' (what the page writes)."""
    if value:
        try:
            ok = bool(STAMP_RE.fullmatch(value)) and bool(datetime.fromisoformat(value.replace("Z", "+00:00")))
        except ValueError:
            ok = False
        if not ok:
            raise AssessmentError(f"Date invalide : {value[:40]!r} (date AAAA-MM-JJ ou horodatage ISO 8601 attendu, "
                                  "par exemple 2026-11-28T10:30:00Z)", field, code="types")
    return value


def _depth(value: Any, stop: int) -> int:
    """Nesting depth of a parsed value (a scalar is 0), counting no further than `stop` + 1."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        deepest = max(deepest, depth)
        if deepest > stop:
            break
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return deepest


def _integral(value: Any) -> Any:
    """2.0 → 2: a level written as a float by another tool is the same level (2.5 stays, to be refused)."""
    if type(value) is float and value.is_integer() and abs(value) <= MAX_INT:
        return int(value)
    return value


def _join(first: str, second: str, limit: int = MAX_LONG) -> str:
    """Two texts one after the other; cut (with …) only if together they pass the limit."""
    text = "\n".join(t for t in (first.strip(), second.strip()) if t)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _merge_answers(new: dict[str, Any] | None, old: dict[str, Any], old_id: str) -> dict[str, Any]:
    """The answer of a criterion that absorbed `old_id`: the lower of the two levels (na, dk and
    no answer are no level: the level there is wins; with none, the new criterion's answer, else
    the old one's); comments and justifications joined, the old one named."""
    new = new or {"value": None}
    levels = [a["value"] for a in (new, old) if type(a.get("value")) is int]
    if levels:
        value: Any = min(levels)
    else:
        value = new.get("value") if new.get("value") is not None else old.get("value")
    out: dict[str, Any] = {"value": value}
    for key in ("comment", "justification"):
        text = _join(new.get(key, ""), f"[{old_id}] {old[key]}" if old.get(key) else "")
        if text:
            out[key] = text
    return out


class _Reader:
    def __init__(self, q: Questionnaire) -> None:
        self.q = q
        self.warnings: list[str] = []
        self.changes: list[dict[str, Any]] = []  # what the migrations changed, for the summary
        self.review: dict[str, str] = {}  # criterion → REVIEW_KINDS key, set by this reading
        self.moved: dict[str, str] = {}  # gone id → the id its answer, target, importance and plan went to
        self.file_version = ""  # the referential version the file names
        self.file_format = FORMAT_VERSION
        self.profile: tuple[str, ...] = ()

    def type_error(self, field: str, expected: str, value: Any) -> AssessmentError:
        found = {dict: "un objet", list: "une liste", str: "un texte", bool: "un booléen",
                 type(None): "rien (null)"}.get(type(value), "un nombre")
        return AssessmentError(f"Type inattendu : {expected} attendu ; trouvé : {found}", field, code="types")

    def text(self, obj: dict[str, Any], key: str, field: str, limit: int = MAX_SHORT, default: str = "") -> str:
        value = obj.get(key, default)
        if value is None:
            return default
        if not isinstance(value, str):
            raise self.type_error(field, "un texte", value)
        if len(value) > limit:
            raise AssessmentError(f"Texte trop long ({len(value)} caractères, {limit} au plus)", field, code="types")
        return value

    def obj(self, data: dict[str, Any], key: str, field: str) -> dict[str, Any]:
        value = data.get(key, {})
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.type_error(field, "un objet", value)
        return value

    def read(self, data: dict[str, Any]) -> dict[str, Any]:
        self.check_header(data)
        self.file_format = data["format_version"]
        data = self.migrate(data)
        out: dict[str, Any] = self.extras(data)
        out.update({"format": FORMAT, "format_version": FORMAT_VERSION})
        qref = self.obj(data, "questionnaire", "questionnaire")
        self.file_version = self.text(qref, "version", "questionnaire.version", 20)
        out["questionnaire"] = {"id": self.q.id, "version": self.file_version}
        read_from = self.text(qref, "read_from", "questionnaire.read_from", 20)
        if read_from:
            out["questionnaire"]["read_from"] = read_from
        out["id"] = self.text(data, "id", "id", 100) or str(uuid.uuid4())
        kind = data.get("kind", "individual")
        if kind not in KINDS:
            raise AssessmentError(f"Genre d'évaluation inconnu : {str(kind)[:40]!r} (individual ou consolidated attendu)",
                                  "kind", code="types")
        out["kind"] = kind
        out["created"] = _stamp(self.text(data, "created", "created", 40), "created") or now_iso()
        out["updated"] = _stamp(self.text(data, "updated", "updated", 40), "updated") or out["created"]
        if "exported" in data:
            out["exported"] = _stamp(self.text(data, "exported", "exported", 40), "exported")
        out["structure"] = self.structure(data)
        self.profile = self.q.profile_of(out["structure"])
        respondent = self.obj(data, "respondent", "respondent")
        role = self.text(respondent, "role", "respondent.role") or None
        out["respondent"] = {"name": self.text(respondent, "name", "respondent.name"), "role": role or None}
        out["answers"], out["unknown_answers"] = self.answers(data)
        out["targets"] = self.levels_map(data, "targets", (1, 2, 3, 4))
        out["importance"] = self.levels_map(data, "importance", (1, 2, 3))
        out["indicators"] = self.indicators(data)
        out["plan"] = self.plan(data)
        review = self.read_review(data)
        review.update(self.review)
        if review:
            out["review"] = {cid: review[cid] for cid in sorted(review, key=lambda c: self.q.order[c])}
        if data.get("previous") is not None:
            out["previous"] = self.previous(data)
        if kind == "consolidated":
            out["participants"] = self.participants(data)
            stats = data.get("stats", {})
            if not isinstance(stats, dict):
                raise self.type_error("stats", "un objet", stats)
            out["stats"] = stats
        if not out["unknown_answers"]:
            del out["unknown_answers"]
        return out

    def extras(self, data: dict[str, Any]) -> dict[str, Any]:
        """Top-level fields this version does not know (a later version may): kept as-is, within bounds."""
        out = {k: v for k, v in data.items() if k not in KNOWN_KEYS}
        if len(out) > MAX_EXTRA_KEYS:
            raise AssessmentError(f"Trop de champs inconnus ({len(out)}, {MAX_EXTRA_KEYS} au plus).", code="too_big")
        size = 0
        for key in sorted(out):
            if len(key) > MAX_ID:
                raise AssessmentError("Nom de champ inconnu trop long", _field((key,)), code="types")
            if _depth(out[key], MAX_EXTRA_DEPTH) > MAX_EXTRA_DEPTH:
                raise AssessmentError(f"Champ inconnu trop imbriqué pour être conservé ({MAX_EXTRA_DEPTH} niveaux au "
                                      "plus)", key, code="too_deep")
            size += len(json.dumps(out[key], ensure_ascii=False))
            if size > MAX_EXTRA_BYTES:
                raise AssessmentError(f"Champs inconnus trop volumineux pour être conservés ({MAX_EXTRA_BYTES // 1000} "
                                      "ko au plus en tout)", key, code="too_big")
            self.warnings.append(f"Champ inconnu conservé tel quel : « {key} ».")
        return out

    def check_header(self, data: dict[str, Any]) -> None:
        if data.get("format") != FORMAT:
            raise AssessmentError("Ce fichier n'est pas une évaluation CAP en ligne (format « cap-evaluation » "
                                  "attendu).", "format", code="foreign")
        version = data.get("format_version")
        if type(version) is not int:
            raise AssessmentError("Version du format absente ou illisible.", "format_version", code="types")
        if version > FORMAT_VERSION:
            raise AssessmentError(f"Ce fichier vient d'une version plus récente de CAP en ligne (format {version}) : "
                                  "mettez la page à jour (rechargez-la) puis réessayez.", "format_version", code="newer")
        if version < 1:
            raise AssessmentError(f"Version du format inconnue : {version}.", "format_version", code="types")
        qref = data.get("questionnaire")
        if not isinstance(qref, dict) or not isinstance(qref.get("id"), str):
            raise AssessmentError("Le fichier ne dit pas avec quel questionnaire il a été rempli.", "questionnaire",
                                  code="types")
        if qref["id"] != self.q.id:
            raise AssessmentError(f"Ce fichier a été rempli avec un autre questionnaire (« {qref['id'][:60]} ») que "
                                  f"celui de ce site (« {self.q.id} »).", "questionnaire.id", code="questionnaire")

    def migrate(self, data: dict[str, Any]) -> dict[str, Any]:
        version = data["format_version"]
        while version < FORMAT_VERSION:
            data = MIGRATIONS[version](data, self.changes)
            version += 1
        return data

    def structure(self, data: dict[str, Any]) -> dict[str, Any]:
        """{name, types, activities, region?}; a single `type` (written by an older page) becomes the lists."""
        structure = self.obj(data, "structure", "structure")
        if "type" in structure and "types" not in structure and "activities" not in structure:
            self.text(structure, "type", "structure.type", MAX_ID)
            structure = _profile_from_type(structure, self.changes)
        out: dict[str, Any] = {"name": self.text(structure, "name", "structure.name")}
        known = self.q.profile_ids
        unknown = []
        for key in ("types", "activities"):
            raw = structure.get(key) or []
            field = f"structure.{key}"
            if not isinstance(raw, list):
                raise self.type_error(field, "une liste d'identifiants", raw)
            if len(raw) > MAX_PROFILE:
                raise AssessmentError(f"Trop d'éléments ({len(raw)}, {MAX_PROFILE} au plus)", field, code="too_big")
            ids: list[str] = []
            for n, item in enumerate(raw):
                if not isinstance(item, str) or not item or len(item) > MAX_ID:
                    raise self.type_error(f"{field}[{n}]", "un identifiant (texte court)", item)
                if item not in ids:
                    ids.append(item)
                if item not in known:
                    unknown.append(item)
            out[key] = ids
        if unknown:
            listed = ", ".join(f"« {u[:40]} »" for u in unknown[:5])
            self.warnings.append(f"Type ou activité inconnu de ce questionnaire, gardé sans effet : {listed}.")
        if "region" in structure:
            out["region"] = self.text(structure, "region", "structure.region")
        return out

    def read_review(self, data: dict[str, Any]) -> dict[str, str]:
        """Flags left by an earlier update and not cleared yet; those of unknown criteria are dropped."""
        raw = self.obj(data, "review", "review")
        out = {}
        for cid, kind in raw.items():
            if kind not in REVIEW_KINDS:
                raise AssessmentError(f"Marque de révision inconnue : {str(kind)[:20]!r} (attendu : "
                                      + ", ".join(REVIEW_KINDS) + ")", _field(("review", cid)), code="types")
            cid = self.moved.get(cid, cid)
            if cid in self.q.criterion_by_id:
                out[cid] = kind
        return out

    def pending_changes(self) -> list[tuple[Any, bool]]:
        """The questionnaire's id changes to apply, in version order, each with whether the file
        is older than it.

        Renamed, merged and removed ids apply by id (a gone id is never reused), whatever the file's
        version says. Flags (added, split, reworded, and merged when only the new id was answered)
        need to know the file is older than the change: it names a referential version before it.
        """
        mine, current = version_key(self.file_version), version_key(self.q.version)
        out = []
        for n, change in enumerate(self.q.id_changes):
            key = version_key(change.version) or ()
            older = mine is not None and mine < key and (current is None or key <= current)
            if older or change.kind in ("renamed", "merged", "removed"):
                out.append((key, n, change, older))
        return [(change, older) for _, _, change, older in sorted(out, key=lambda item: (item[0], item[1]))]

    def applies_or_answered(self, cid: str, work: dict[str, Any], profile: tuple[str, ...]) -> bool:
        criterion = self.q.criterion_by_id.get(cid)
        return criterion is not None and (criterion.applies(profile) or (work.get(cid) or {}).get("value") is not None)

    def follow_changes(self, work: dict[str, Any], unknown: dict[str, Any], profile: tuple[str, ...],
                       from_aside: set[str]) -> list[str]:
        """Apply `id_changes` to the answers by id (`work`), in place; return the "old → new" moves.

        An answer already kept aside by an earlier reading (`from_aside`) that goes aside again is
        not a change to report."""
        moved = []
        for change, older in self.pending_changes():
            old, new, kind = change.old, change.new, change.kind
            record = {"kind": kind, "old": old or None, "new": new or None, "note": change.note}
            if kind in ("renamed", "merged", "removed"):
                for gone, to in list(self.moved.items()):  # a chain: A → B, then B → C
                    if to == old:
                        self.moved[gone] = new
                if old:
                    self.moved[old] = new
            if kind == "renamed":
                if old in work:
                    if new in work:
                        unknown[old] = work.pop(old)
                    else:
                        work[new] = work.pop(old)
                        moved.append(f"{old} → {new}")
                        self.changes.append(record)
            elif kind == "removed":
                if old in work:
                    unknown[old] = work.pop(old)
                    if old not in from_aside:
                        self.changes.append(record)
            elif kind == "merged":
                if old in work:
                    work[new] = _merge_answers(work.get(new), work.pop(old), old)
                    self.review[new] = "merged"
                    self.changes.append(record)
                elif older and (work.get(new) or {}).get("value") is not None:  # its scope grew: to check
                    self.review[new] = "merged"
                    self.changes.append(record)
            elif kind in ("added", "split"):
                if self.applies_or_answered(new, work, profile) and (work.get(new) or {}).get("value") is None:
                    self.review.setdefault(new, kind)
                    self.changes.append(record)
            elif kind == "reworded":
                if (work.get(old) or {}).get("value") is not None:
                    self.review.setdefault(old, "reworded")
                    self.changes.append(record)
        return moved

    def entry(self, cid: str, ans: Any, field: str) -> dict[str, Any]:
        """One answer {value, comment, justification, agreed}, checked; an integral float level is an int."""
        if len(cid) > MAX_ID:
            raise AssessmentError("Identifiant de critère trop long", field, code="types")
        if not isinstance(ans, dict):
            raise self.type_error(field, "un objet {value, comment}", ans)
        value = _integral(ans.get("value"))
        if isinstance(value, bool) or value not in (*VALUES, None) or type(value) is float:
            raise AssessmentError(f"Réponse invalide : {str(value)[:20]!r} (1, 2, 3, 4, \"na\", \"dk\" ou null "
                                  "attendu)", f"{field}.value", code="types")
        clean: dict[str, Any] = {"value": value}
        for key, limit in (("comment", MAX_LONG), ("justification", MAX_LONG)):
            text = self.text(ans, key, f"{field}.{key}", limit)
            if text:
                clean[key] = text
        agreed = ans.get("agreed")
        if agreed is not None and not isinstance(agreed, bool):
            raise self.type_error(f"{field}.agreed", "un booléen", agreed)
        if agreed:
            clean["agreed"] = True
        return clean

    def answers(self, data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        """Answers to the questionnaire's criteria, and those kept aside (`unknown_answers`).

        A file read once and exported again already has `unknown_answers`: they are checked like
        answers and kept; one whose criterion the questionnaire knows (again) goes back to the
        answers. The same id in both: the one in `answers` wins, and the user is told.
        """
        raw = self.obj(data, "answers", "answers")
        aside = self.obj(data, "unknown_answers", "unknown_answers")
        for key, entries in (("answers", raw), ("unknown_answers", aside)):
            if len(entries) > MAX_ANSWERS:
                raise AssessmentError(f"Trop de réponses ({len(entries)}, {MAX_ANSWERS} au plus).", key, code="too_big")
        cleaned = [(cid, self.entry(cid, ans, _field(("answers", cid)))) for cid, ans in raw.items()]
        cleaned += [(cid, self.entry(cid, ans, _field(("unknown_answers", cid)))) for cid, ans in aside.items()]
        clashes = [cid for cid in aside if cid in raw]
        if clashes:
            cleaned = [item for n, item in enumerate(cleaned) if n < len(raw) or item[0] not in raw]
            self.warnings.append("Réponses en double (dans « answers » et « unknown_answers ») : celles de « answers » "
                                 "sont gardées, les autres écartées : " + ", ".join(sorted(clashes)[:10]) + ".")
        work = dict(cleaned)
        from_aside = {cid for cid, _ in cleaned[len(raw):]}
        unknown: dict[str, Any] = {}
        moved = self.follow_changes(work, unknown, self.profile, from_aside)
        known: dict[str, Any] = {}
        restored = []
        for cid, clean in work.items():
            criterion = self.q.criterion_by_id.get(cid)
            if criterion is None:
                unknown[cid] = clean
                continue
            if cid in from_aside:
                restored.append(cid)
            if clean["value"] == "na" and criterion.core:
                self.warnings.append(f"{cid} : « non concerné » n'est pas possible sur un critère essentiel ; "
                                     "la réponse est remise à « sans réponse » (la justification est gardée en commentaire).")
                note = clean.pop("justification", "")
                clean["value"] = None
                if note:
                    clean["comment"] = _join(clean.get("comment", ""), note)
            known[cid] = clean
        known = {cid: known[cid] for cid in sorted(known, key=lambda c: self.q.order[c])}
        self.review = {self.moved.get(cid, cid): kind for cid, kind in self.review.items()}
        self.review = {cid: kind for cid, kind in self.review.items() if cid in self.q.criterion_by_id}
        if moved:
            self.warnings.append("Critères renommés depuis la version du fichier : " + ", ".join(moved) + ".")
        if restored:
            self.warnings.append("Réponses mises à part par une version précédente, reprises car ce questionnaire "
                                 "connaît leur critère : " + ", ".join(restored) + ".")
        if unknown:
            ids = ", ".join(sorted(unknown)[:10]) + (" …" if len(unknown) > 10 else "")
            self.warnings.append(f"{len(unknown)} réponse(s) à des critères que ce questionnaire ne connaît pas "
                                 f"sont conservées à part, sans être comptées : {ids}.")
        return known, unknown

    def levels_map(self, data: dict[str, Any], key: str, allowed: tuple[int, ...]) -> dict[str, int]:
        raw = self.obj(data, key, key)
        out = {}
        for cid, value in raw.items():
            value = _integral(value)
            if type(value) is not int or value not in allowed:
                raise AssessmentError(f"Valeur invalide : {str(value)[:20]!r} (de {allowed[0]} à {allowed[-1]} attendu)",
                                      _field((key, cid)), code="types")
            out[cid] = value
        for old, new in self.moved.items():  # targets and importance follow renamed and merged criteria
            if old in out:
                value = out.pop(old)
                if new and new not in out and new not in raw:
                    out[new] = value
        return {cid: value for cid, value in out.items() if cid in self.q.criterion_by_id}

    def indicators(self, data: dict[str, Any]) -> dict[str, float]:
        raw = self.obj(data, "indicators", "indicators")
        out: dict[str, float] = {}
        for key, value in raw.items():
            field = _field(("indicators", key))
            if len(key) > MAX_ID:
                raise AssessmentError("Identifiant d'indicateur trop long", field, code="types")
            if value is None:
                continue
            if (isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value)
                    or not 0 <= value <= MAX_INDICATOR):
                raise AssessmentError(f"Valeur d'indicateur invalide : {str(value)[:20]!r} (nombre positif attendu, "
                                      "un milliard au plus)", field, code="types")
            out[key] = value
        return out

    def plan_list(self, raw: Any, field: str) -> list[Any]:
        """A plan (this one or an earlier campaign's): a list of at most MAX_PLAN actions."""
        if not isinstance(raw, list):
            raise self.type_error(field, "une liste", raw)
        if len(raw) > MAX_PLAN:
            raise AssessmentError(f"Plan trop long ({len(raw)} actions, {MAX_PLAN} au plus).", field, code="too_big")
        return raw

    def plan_item(self, item: Any, field: str, statuses: tuple[str, ...], default: str) -> dict[str, Any]:
        """The fields every action has, this plan's or an earlier campaign's, checked the same way:
        `{id, criterion, action, owner, status, due}` (`due` is "" when absent); a renamed or merged
        criterion's action follows it."""
        if not isinstance(item, dict):
            raise self.type_error(field, "un objet", item)
        status = item.get("status", default)
        if status not in statuses:
            what = "Statut" if statuses == STATUSES else "Statut final"
            raise AssessmentError(f"{what} inconnu : {str(status)[:20]!r} ({', '.join(statuses[:-1])} ou "
                                  f"{statuses[-1]} attendu)", f"{field}.status", code="types")
        due = self.text(item, "due", f"{field}.due", 7)
        if due and not MONTH_RE.match(due):
            raise AssessmentError(f"Échéance invalide : {due!r} (mois AAAA-MM attendu)", f"{field}.due", code="types")
        criterion = self.text(item, "criterion", f"{field}.criterion", MAX_ID) or None
        if criterion and self.moved.get(criterion):  # renamed or merged: the action follows
            criterion = self.moved[criterion]
        return {"id": self.text(item, "id", f"{field}.id", 100) or str(uuid.uuid4()), "criterion": criterion,
                "action": self.text(item, "action", f"{field}.action", MAX_LONG),
                "owner": self.text(item, "owner", f"{field}.owner"), "status": status, "due": due}

    def plan(self, data: dict[str, Any]) -> list[dict[str, Any]]:
        raw = data.get("plan", [])
        if raw is None:
            return []
        items = []
        for n, item in enumerate(self.plan_list(raw, "plan")):
            field = f"plan[{n}]"
            clean = self.plan_item(item, field, STATUSES, "todo")
            offers = item.get("offers", [])
            if not isinstance(offers, list) or not all(isinstance(o, str) and len(o) <= 60 for o in offers):
                raise self.type_error(f"{field}.offers", "une liste d'identifiants d'offres", offers)
            clean["offers"] = offers
            situation = self.text(item, "situation", f"{field}.situation", MAX_LONG)
            if situation:
                clean["situation"] = situation
            if "done_on" in item:
                clean["done_on"] = _stamp(self.text(item, "done_on", f"{field}.done_on", 40), f"{field}.done_on")
            items.append(clean)
        return items

    def previous(self, data: dict[str, Any]) -> dict[str, Any]:
        """Where a new campaign comes from (`campaign.new_campaign`): the earlier assessment's id, date
        and kind, its answer values per criterion, its plan with each action's final status."""
        raw = self.obj(data, "previous", "previous")
        out: dict[str, Any] = {"id": self.text(raw, "id", "previous.id", 100),
                               "date": _stamp(self.text(raw, "date", "previous.date", 40), "previous.date")}
        kind = raw.get("kind", "individual")
        if kind not in KINDS:
            raise AssessmentError(f"Genre d'évaluation inconnu : {str(kind)[:40]!r} (individual ou consolidated "
                                  "attendu)", "previous.kind", code="types")
        out["kind"] = kind
        answers = self.obj(raw, "answers", "previous.answers")
        if len(answers) > MAX_ANSWERS:
            raise AssessmentError(f"Trop de réponses ({len(answers)}, {MAX_ANSWERS} au plus).", "previous.answers",
                                  code="too_big")
        values: dict[str, Any] = {}
        for cid, value in answers.items():
            value = _integral(value)
            if len(cid) > MAX_ID or isinstance(value, bool) or value not in VALUES or type(value) is float:
                raise AssessmentError(f"Réponse de l'évaluation précédente invalide : {str(value)[:20]!r} (1, 2, 3, 4, "
                                      "\"na\" ou \"dk\" attendu)", _field(("previous", "answers", cid)), code="types")
            cid = self.moved.get(cid, cid)  # a renamed criterion: last year's answer follows it
            if cid in self.q.criterion_by_id and cid not in values:
                values[cid] = value
        out["answers"] = {cid: values[cid] for cid in sorted(values, key=lambda c: self.q.order[c])}
        out["plan"] = []
        for n, item in enumerate(self.plan_list(raw.get("plan", []), "previous.plan")):
            field = f"previous.plan[{n}]"
            clean = self.plan_item(item, field, FINAL_STATUSES, "postponed")
            if not clean["due"]:
                del clean["due"]
            was = item.get("was")
            if was is not None:
                if was not in STATUSES:
                    raise AssessmentError(f"Statut inconnu : {str(was)[:20]!r}", f"{field}.was", code="types")
                clean["was"] = was
            out["plan"].append(clean)
        reviewed = raw.get("reviewed")
        if reviewed is not None and not isinstance(reviewed, bool):
            raise self.type_error("previous.reviewed", "un booléen", reviewed)
        if reviewed:
            out["reviewed"] = True
        return out

    def participants(self, data: dict[str, Any]) -> list[dict[str, Any]]:
        raw = data.get("participants", [])
        if not isinstance(raw, list) or len(raw) > 500:
            raise self.type_error("participants", "une liste", raw)
        out = []
        for n, p in enumerate(raw):
            if not isinstance(p, dict):
                raise self.type_error(f"participants[{n}]", "un objet", p)
            out.append({"label": self.text(p, "label", f"participants[{n}].label"),
                        "role": self.text(p, "role", f"participants[{n}].role") or None,
                        "name": self.text(p, "name", f"participants[{n}].name")})
        return out


def read_and_migrate(data: dict[str, Any] | str | bytes, q: Questionnaire,
                     size: int | None = None) -> tuple[dict[str, Any], list[str], dict[str, Any] | None]:
    """`read_assessment`, plus what the reading changed in an older file, or None when nothing did.

    The migration is `{"from_version", "to_version", "from_format", "to_format", "summary",
    "changes", "review"}`: `summary` is a short French text for the user, `changes` the
    `{kind, old, new, note}` that touched this file (the questionnaire's `id_changes`, and
    `kind: "profile"` for the structure type that became a list), `review` the criteria flagged
    by this reading ({id: "added" | "split" | "merged" | "reworded"}).
    """
    try:
        if isinstance(data, dict):
            check_values(data)
        elif isinstance(data, (str, bytes)):
            data = parse_text(data, size)
        else:
            raise AssessmentError("Le fichier ne contient pas une évaluation CAP.", code="foreign")
        reader = _Reader(q)
        result = reader.read(data)
    except AssessmentError:
        raise
    except RecursionError as exc:  # absurdly nested input that escaped the checks
        raise AssessmentError("Le fichier est trop imbriqué pour être une évaluation CAP.", code="too_deep") from exc
    except Exception as exc:  # a case the checks above missed: still a French message, never a crash
        raise AssessmentError(f"Fichier illisible : son contenu n'a pas pu être vérifié ({type(exc).__name__}).",
                              code="unreadable") from exc
    qref = result["questionnaire"]
    older = False
    if qref["version"] != q.version:
        if qref["version"]:
            reader.warnings.insert(0, f"Évaluation faite avec la version {qref['version']} du questionnaire ; ce site "
                                      f"utilise la version {q.version}.")
            qref.setdefault("read_from", qref["version"])  # the earliest version the answers were given with
            mine, current = version_key(qref["version"]), version_key(q.version)
            older = mine is None or current is None or mine < current
        qref["version"] = q.version
    migration = None
    older = older or (not reader.file_version and bool(reader.changes))
    if older or reader.changes:
        migration = {"from_version": reader.file_version or None, "to_version": q.version,
                     "from_format": reader.file_format, "to_format": FORMAT_VERSION,
                     "summary": migration_summary(reader.file_version, q.version, reader.changes, reader.review, older),
                     "changes": reader.changes, "review": dict(reader.review)}
    return result, reader.warnings, migration


def read_assessment(data: dict[str, Any] | str | bytes, q: Questionnaire,
                    size: int | None = None) -> tuple[dict[str, Any], list[str]]:
    """Check and normalise an assessment; return it with the French warnings worth showing.

    Raises `AssessmentError` (never another exception) for anything that is not a readable
    assessment. `size`: the file's real size in bytes, when only its beginning was read.
    An older file is brought up to date (see `read_and_migrate`, which also says what changed).
    """
    result, warnings, _ = read_and_migrate(data, q, size)
    return result, warnings


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def migration_summary(from_version: str, to_version: str, changes: list[dict[str, Any]], review: dict[str, str],
                      older: bool = True) -> str:
    """The short French text a user reads after opening an older file."""
    kinds = [c["kind"] for c in changes]
    flags = list(review.values())
    parts = []
    merged = flags.count("merged")
    new = flags.count("added") + flags.count("split")
    reworded = flags.count("reworded")
    renamed = kinds.count("renamed")
    removed = kinds.count("removed")
    if merged:
        parts.append(_count(merged, "critère fusionné", "critères fusionnés") + " (à revoir)")
    if new:
        parts.append(_count(new, "nouveau critère", "nouveaux critères") + " (à répondre)")
    if reworded:
        parts.append(_count(reworded, "critère reformulé", "critères reformulés") + " (à revoir)")
    if renamed:
        parts.append(_count(renamed, "critère renommé", "critères renommés") + " (réponse reprise)")
    if removed:
        parts.append(_count(removed, "critère retiré", "critères retirés") + " (réponse conservée à part)")
    lines = []
    if older:
        if from_version:
            lines.append(f"Votre fichier a été créé avec le référentiel {from_version}.")
        else:
            lines.append("Votre fichier ne dit pas avec quelle version du référentiel il a été créé.")
        lines.append(f"Il a été mis à jour vers {to_version} : " + ", ".join(parts) + "." if parts else
                     f"Il a été mis à jour vers {to_version} ; aucune de vos réponses n'est touchée.")
    elif parts:
        lines.append("Votre fichier a été mis à jour : " + ", ".join(parts) + ".")
    lines.extend(c["note"] for c in changes if c["kind"] == "profile")
    return " ".join(lines)


def dump(assessment: dict[str, Any]) -> str:
    """The file's text: stable key order, UTF-8 friendly, readable in an editor."""
    return json.dumps(assessment, ensure_ascii=False, indent=2)

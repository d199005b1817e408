"""The `cap-evaluation` file format: read (untrusted input), migrate, normalise, write.

A file is checked field by field; what cannot be read raises `AssessmentError` with a French
message and the path of the field. Answers to ids the questionnaire does not know are kept
under `unknown_answers` and reported, never dropped silently.
"""

from __future__ import annotations

import json
import math
import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from . import FORMAT, FORMAT_VERSION
from .errors import AssessmentError
from .model import Questionnaire

MAX_BYTES = 2_000_000
MAX_ANSWERS = 2000
MAX_PLAN = 500
MAX_SHORT = 200
MAX_LONG = 5000
VALUES = (1, 2, 3, 4, "na", "dk")
STATUSES = ("todo", "doing", "done", "dropped")
KINDS = ("individual", "consolidated")
MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
KNOWN_KEYS = {"format", "format_version", "questionnaire", "id", "kind", "created", "updated", "structure",
              "respondent", "answers", "targets", "importance", "indicators", "plan", "participants",
              "stats", "unknown_answers", "exported", "region"}

# Earlier format versions and how to bring them to the next one. Version 1 is the first
# published format, so nothing is registered yet; a future version 2 adds `1: _v1_to_v2`.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def new_assessment(q: Questionnaire, structure_type: str | None = None, name: str = "",
                   kind: str = "individual") -> dict[str, Any]:
    stamp = now_iso()
    return {
        "format": FORMAT, "format_version": FORMAT_VERSION,
        "questionnaire": {"id": q.id, "version": q.version},
        "id": str(uuid.uuid4()), "kind": kind, "created": stamp, "updated": stamp,
        "structure": {"name": name, "type": structure_type}, "respondent": {"name": "", "role": None},
        "answers": {}, "targets": {}, "importance": {}, "indicators": {}, "plan": [],
    }


def parse_text(text: str | bytes) -> dict[str, Any]:
    """Turn a file's text into a JSON object, or raise a French `AssessmentError`."""
    size = len(text.encode("utf-8")) if isinstance(text, str) else len(text)
    if size > MAX_BYTES:
        raise AssessmentError(
            f"Le fichier est trop volumineux ({size / 1_000_000:.1f} Mo) : une évaluation CAP pèse "
            f"moins de {MAX_BYTES // 1_000_000} Mo. Vérifiez que vous avez choisi le bon fichier.", code="too_big")
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise AssessmentError("Le fichier n'est pas un texte lisible (encodage UTF-8 attendu) : "
                                  "ce n'est pas une évaluation CAP.", code="not_json") from exc
    try:
        data = json.loads(text.lstrip("\ufeff"))
    except (json.JSONDecodeError, RecursionError) as exc:
        raise AssessmentError("Le fichier n'est pas au format JSON : ce n'est pas une évaluation exportée "
                              "par CAP en ligne.", code="not_json") from exc
    if not isinstance(data, dict):
        raise AssessmentError("Le fichier JSON ne contient pas une évaluation CAP.", code="foreign")
    return data


class _Reader:
    def __init__(self, q: Questionnaire) -> None:
        self.q = q
        self.warnings: list[str] = []

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
        data = self.migrate(data)
        out: dict[str, Any] = {k: v for k, v in data.items() if k not in KNOWN_KEYS}
        for extra in sorted(out):
            self.warnings.append(f"Champ inconnu conservé tel quel : « {extra} ».")
        out.update({"format": FORMAT, "format_version": FORMAT_VERSION})
        qref = self.obj(data, "questionnaire", "questionnaire")
        out["questionnaire"] = {"id": self.q.id, "version": self.text(qref, "version", "questionnaire.version", 20)}
        out["id"] = self.text(data, "id", "id", 100) or str(uuid.uuid4())
        kind = data.get("kind", "individual")
        if kind not in KINDS:
            raise AssessmentError(f"Genre d'évaluation inconnu : {str(kind)[:40]!r} (individual ou consolidated attendu)",
                                  "kind", code="types")
        out["kind"] = kind
        out["created"] = self.text(data, "created", "created", 40) or now_iso()
        out["updated"] = self.text(data, "updated", "updated", 40) or out["created"]
        if "exported" in data:
            out["exported"] = self.text(data, "exported", "exported", 40)
        structure = self.obj(data, "structure", "structure")
        stype = structure.get("type")
        if stype is not None and not isinstance(stype, str):
            raise self.type_error("structure.type", "un texte", stype)
        if stype and stype not in {t.id for t in self.q.structure_types}:
            self.warnings.append(f"Type de structure inconnu « {stype[:40]} » : tous les critères sont pris en compte.")
        out["structure"] = {"name": self.text(structure, "name", "structure.name"), "type": stype or None}
        if "region" in structure:
            out["structure"]["region"] = self.text(structure, "region", "structure.region")
        respondent = self.obj(data, "respondent", "respondent")
        role = respondent.get("role")
        if role is not None and not isinstance(role, str):
            raise self.type_error("respondent.role", "un texte", role)
        out["respondent"] = {"name": self.text(respondent, "name", "respondent.name"), "role": role or None}
        out["answers"], out["unknown_answers"] = self.answers(data)
        out["targets"] = self.levels_map(data, "targets", (1, 2, 3, 4))
        out["importance"] = self.levels_map(data, "importance", (1, 2, 3))
        out["indicators"] = self.indicators(data)
        out["plan"] = self.plan(data)
        if kind == "consolidated":
            out["participants"] = self.participants(data)
            stats = data.get("stats", {})
            if not isinstance(stats, dict):
                raise self.type_error("stats", "un objet", stats)
            out["stats"] = stats
        if not out["unknown_answers"]:
            del out["unknown_answers"]
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
            data = MIGRATIONS[version](data)
            version += 1
        return data

    def renamed(self) -> dict[str, str]:
        """Old id → new id ('' when removed), from the questionnaire's history."""
        return {c.old: c.new for c in self.q.id_changes}

    def answers(self, data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        raw = self.obj(data, "answers", "answers")
        if len(raw) > MAX_ANSWERS:
            raise AssessmentError(f"Trop de réponses ({len(raw)}, {MAX_ANSWERS} au plus).", "answers", code="too_big")
        renamed = self.renamed()
        known, unknown = {}, {}
        moved = []
        for cid, ans in raw.items():
            field = f"answers.{cid[:60]}"
            if len(cid) > 60:
                raise AssessmentError("Identifiant de critère trop long", field, code="types")
            if not isinstance(ans, dict):
                raise self.type_error(field, "un objet {value, comment}", ans)
            value = ans.get("value")
            if isinstance(value, bool) or value not in (*VALUES, None):
                raise AssessmentError(f"Réponse invalide : {str(value)[:20]!r} (1, 2, 3, 4, \"na\", \"dk\" ou null "
                                      "attendu)", f"{field}.value", code="types")
            clean: dict[str, Any] = {"value": value}
            for key, limit in (("comment", MAX_LONG), ("justification", MAX_LONG)):
                text = self.text(ans, key, f"{field}.{key}", limit)
                if text:
                    clean[key] = text
            if cid in renamed:
                new = renamed[cid]
                if new and new not in raw:
                    moved.append(f"{cid} → {new}")
                    cid = new
                else:
                    unknown[cid] = clean
                    continue
            criterion = self.q.criterion_by_id.get(cid)
            if criterion is None:
                unknown[cid] = clean
                continue
            if value == "na" and criterion.core:
                self.warnings.append(f"{cid} : « non concerné » n'est pas possible sur un critère essentiel ; "
                                     "la réponse est remise à « sans réponse » (la justification est gardée en commentaire).")
                note = clean.pop("justification", "")
                clean["value"] = None
                if note:
                    clean["comment"] = (clean.get("comment", "") + "\n" + note).strip()
            known[cid] = clean
        if moved:
            self.warnings.append("Critères renommés depuis la version du fichier : " + ", ".join(moved) + ".")
        if unknown:
            ids = ", ".join(sorted(unknown)[:10]) + (" …" if len(unknown) > 10 else "")
            self.warnings.append(f"{len(unknown)} réponse(s) à des critères que ce questionnaire ne connaît pas "
                                 f"sont conservées à part, sans être comptées : {ids}.")
        return known, unknown

    def levels_map(self, data: dict[str, Any], key: str, allowed: tuple[int, ...]) -> dict[str, int]:
        raw = self.obj(data, key, key)
        out = {}
        for cid, value in raw.items():
            if type(value) is not int or value not in allowed:
                raise AssessmentError(f"Valeur invalide : {str(value)[:20]!r} (de {allowed[0]} à {allowed[-1]} attendu)",
                                      f"{key}.{cid[:60]}", code="types")
            if cid in self.q.criterion_by_id:
                out[cid] = value
        return out

    def indicators(self, data: dict[str, Any]) -> dict[str, float]:
        raw = self.obj(data, "indicators", "indicators")
        out: dict[str, float] = {}
        for key, value in raw.items():
            field = f"indicators.{key[:60]}"
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
                raise AssessmentError(f"Valeur d'indicateur invalide : {str(value)[:20]!r} (nombre positif attendu)",
                                      field, code="types")
            out[key[:60]] = value
        return out

    def plan(self, data: dict[str, Any]) -> list[dict[str, Any]]:
        raw = data.get("plan", [])
        if raw is None:
            return []
        if not isinstance(raw, list):
            raise self.type_error("plan", "une liste", raw)
        if len(raw) > MAX_PLAN:
            raise AssessmentError(f"Plan trop long ({len(raw)} actions, {MAX_PLAN} au plus).", "plan", code="too_big")
        items = []
        for n, item in enumerate(raw):
            field = f"plan[{n}]"
            if not isinstance(item, dict):
                raise self.type_error(field, "un objet", item)
            status = item.get("status", "todo")
            if status not in STATUSES:
                raise AssessmentError(f"Statut inconnu : {str(status)[:20]!r}", f"{field}.status", code="types")
            due = self.text(item, "due", f"{field}.due", 7)
            if due and not MONTH_RE.match(due):
                raise AssessmentError(f"Échéance invalide : {due!r} (mois AAAA-MM attendu)", f"{field}.due", code="types")
            criterion = item.get("criterion")
            if criterion is not None and not isinstance(criterion, str):
                raise self.type_error(f"{field}.criterion", "un texte", criterion)
            offers = item.get("offers", [])
            if not isinstance(offers, list) or not all(isinstance(o, str) and len(o) <= 60 for o in offers):
                raise self.type_error(f"{field}.offers", "une liste d'identifiants d'offres", offers)
            clean = {
                "id": self.text(item, "id", f"{field}.id", 100) or str(uuid.uuid4()),
                "criterion": criterion,
                "action": self.text(item, "action", f"{field}.action", MAX_LONG),
                "owner": self.text(item, "owner", f"{field}.owner"),
                "due": due, "status": status, "offers": offers,
            }
            if "done_on" in item:
                clean["done_on"] = self.text(item, "done_on", f"{field}.done_on", 40)
            items.append(clean)
        return items

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


def read_assessment(data: dict[str, Any] | str | bytes, q: Questionnaire) -> tuple[dict[str, Any], list[str]]:
    """Check and normalise an assessment; return it with the French warnings worth showing."""
    if not isinstance(data, dict):
        data = parse_text(data)
    reader = _Reader(q)
    try:
        result = reader.read(data)
    except RecursionError as exc:  # absurdly nested input
        raise AssessmentError("Le fichier est trop imbriqué pour être une évaluation CAP.", code="types") from exc
    qversion = result["questionnaire"]["version"]
    if qversion and qversion != q.version:
        reader.warnings.insert(0, f"Évaluation faite avec la version {qversion[:20]} du questionnaire ; ce site utilise "
                                  f"la version {q.version}.")
        result["questionnaire"]["version"] = q.version
    return result, reader.warnings


def dump(assessment: dict[str, Any]) -> str:
    """The file's text: stable key order, UTF-8 friendly, readable in an editor."""
    return json.dumps(assessment, ensure_ascii=False, indent=2)

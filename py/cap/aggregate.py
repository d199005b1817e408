"""Network statistics from many (anonymised) assessments, and the anonymised export itself."""

from __future__ import annotations

import math
import statistics
from typing import Any

from . import FORMAT, FORMAT_VERSION
from .errors import AssessmentError
from .model import LEGACY_TYPES, Questionnaire
from .score import score

ANONYMOUS_KIND = "anonymous"
MAX_IDS = 2000  # pillars, themes or criteria in one export (formats.MAX_ANSWERS)
MAX_ID = 60
MAX_REGION = 60
MAX_PROFILE = 30
VALUES = (1, 2, 3, 4, "na", "dk")
ROUNDING = 1e-6  # a mean of 100s may come out a hair above 100


def anonymise(q: Questionnaire, assessment: dict[str, Any], region: str = "") -> dict[str, Any]:
    """Only the structure's types and activities, optional region, date, questionnaire version, scores
    and criterion values (no name, no comment, no plan)."""
    s = score(q, assessment)
    profile = q.profile_of(assessment.get("structure"))
    activities = {a.id for a in q.activities}
    return {
        "format": FORMAT, "format_version": FORMAT_VERSION, "kind": ANONYMOUS_KIND,
        "questionnaire": {"id": q.id, "version": q.version},
        "structure": {"types": [i for i in profile if i not in activities],
                      "activities": [i for i in profile if i in activities], "region": region[:60]},
        "date": str(assessment.get("updated") or "")[:10],
        "scores": {"overall": s["overall"]["percent"],
                   "pillars": {k: v["percent"] for k, v in s["pillars"].items()},
                   "themes": {k: v["percent"] for k, v in s["themes"].items()}},
        "values": {cid: e["value"] for cid, e in s["criteria"].items() if e["value"] in VALUES},
    }


ANONYMOUS_KEYS = {"format", "format_version", "kind", "questionnaire", "structure", "date", "scores", "values"}


def _found(value: Any) -> str:
    if isinstance(value, bool):
        return "un booléen"
    if isinstance(value, (int, float)):
        return repr(value)[:20]
    names = {dict: "un objet", list: "une liste", str: "un texte", type(None): "rien (null)"}
    return names.get(type(value), "autre chose")


def _bad(field: str, expected: str, value: Any) -> AssessmentError:
    return AssessmentError(f"Export anonymisé invalide : {expected} attendu ; trouvé : {_found(value)}", field,
                           code="types")


def _object(data: dict[str, Any], key: str, field: str, keys: set[str]) -> dict[str, Any]:
    """A required sub-object holding only `keys` (an empty set: any keys, checked by the caller)."""
    value = data.get(key)
    if not isinstance(value, dict):
        raise _bad(field, "un objet", value)
    if keys:
        for extra in sorted(set(value) - keys):
            raise AssessmentError("Export anonymisé invalide : champ inconnu", f"{field}.{extra[:MAX_ID]}",
                                  code="types")
    return value


def _text(data: dict[str, Any], key: str, field: str, limit: int, required: bool = True) -> str | None:
    value = data.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise _bad(field, "un texte", value)
    if len(value) > limit:
        raise AssessmentError(f"Export anonymisé invalide : texte trop long ({len(value)} caractères, {limit} au plus)",
                              field, code="types")
    return value


def _percent(value: Any, field: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or not -ROUNDING <= value <= 100 + ROUNDING:
        raise _bad(field, "un pourcentage de 0 à 100 (ou null)", value)
    return min(100.0, max(0.0, float(value)))


def _percents(scores: dict[str, Any], key: str) -> dict[str, float | None]:
    raw = _object(scores, key, f"scores.{key}", set())
    if len(raw) > MAX_IDS:
        raise AssessmentError(f"Export anonymisé invalide : trop d'identifiants ({len(raw)})", f"scores.{key}",
                              code="too_big")
    out = {}
    for item_id, value in raw.items():
        if len(item_id) > MAX_ID:
            raise AssessmentError("Export anonymisé invalide : identifiant trop long",
                                  f"scores.{key}.{item_id[:MAX_ID]}", code="types")
        out[item_id] = _percent(value, f"scores.{key}.{item_id}")
    return out


def read_anonymous(data: dict[str, Any], q: Questionnaire) -> dict[str, Any]:
    """Check an anonymised export (untrusted input) field by field, as `anonymise` writes it.

    Returns a clean copy; raises `AssessmentError` naming the field, in French. Percents must be
    finite and within 0–100 (or null), levels 1–4, "na" or "dk", texts bounded, keys known.
    """
    if not isinstance(data, dict):
        raise _bad("", "un objet JSON", data)
    for extra in sorted(set(data) - ANONYMOUS_KEYS):
        raise AssessmentError("Export anonymisé invalide : champ inconnu", extra[:MAX_ID], code="types")
    if data.get("format") != FORMAT:
        raise AssessmentError(f"Ce fichier n'est pas un export de CAP en ligne (format « {FORMAT} » attendu).",
                              "format", code="foreign")
    version = data.get("format_version")
    if type(version) is not int or version < 1:
        raise _bad("format_version", "un numéro de version entier", version)
    if version > FORMAT_VERSION:
        raise AssessmentError(f"Cet export vient d'une version plus récente de CAP en ligne (format {version}).",
                              "format_version", code="newer")
    if data.get("kind") != ANONYMOUS_KIND:
        raise AssessmentError(f"Ce fichier n'est pas un export anonymisé (kind « {ANONYMOUS_KIND} » attendu).", "kind",
                              code="types")
    qref = _object(data, "questionnaire", "questionnaire", {"id", "version"})
    qid = _text(qref, "id", "questionnaire.id", MAX_ID)
    if qid != q.id:
        raise AssessmentError(f"Export anonymisé d'un autre questionnaire (« {qid} » au lieu de « {q.id} »).",
                              "questionnaire.id", code="questionnaire")
    qversion = _text(qref, "version", "questionnaire.version", 20)
    structure = _object(data, "structure", "structure", {"type", "types", "activities", "region"})
    stype = _text(structure, "type", "structure.type", MAX_ID, required=False)
    types, activities = _ids(structure, "types"), _ids(structure, "activities")
    if stype and not types and not activities:  # format 1: one type (SAP and OF became activities)
        types, activities = ([stype], []) if stype not in LEGACY_TYPES else (
            list(LEGACY_TYPES[stype][1]), list(LEGACY_TYPES[stype][2]))
    region = _text(structure, "region", "structure.region", MAX_REGION, required=False) or ""
    date = _text(data, "date", "date", 10, required=False) or ""
    scores = _object(data, "scores", "scores", {"overall", "pillars", "themes"})
    if "overall" not in scores:
        raise _bad("scores.overall", "un pourcentage de 0 à 100 (ou null)", None)
    overall = _percent(scores["overall"], "scores.overall")
    pillars, themes = _percents(scores, "pillars"), _percents(scores, "themes")
    raw_values = _object(data, "values", "values", set())
    if len(raw_values) > MAX_IDS:
        raise AssessmentError(f"Export anonymisé invalide : trop de réponses ({len(raw_values)})", "values",
                              code="too_big")
    values = {}
    for cid, value in raw_values.items():
        field = f"values.{cid[:MAX_ID]}"
        if len(cid) > MAX_ID:
            raise AssessmentError("Export anonymisé invalide : identifiant trop long", field, code="types")
        if isinstance(value, bool) or value not in VALUES:
            raise _bad(field, "1, 2, 3, 4, \"na\" ou \"dk\"", value)
        values[cid] = value
    return {
        "format": FORMAT, "format_version": FORMAT_VERSION, "kind": ANONYMOUS_KIND,
        "questionnaire": {"id": qid, "version": qversion},
        "structure": {"types": types, "activities": activities, "region": region}, "date": date,
        "scores": {"overall": overall, "pillars": pillars, "themes": themes},
        "values": values,
    }


def _ids(structure: dict[str, Any], key: str) -> list[str]:
    """A list of type or activity ids (absent: empty)."""
    value = structure.get(key)
    if value is None:
        return []
    field = f"structure.{key}"
    if not isinstance(value, list) or len(value) > MAX_PROFILE:
        raise _bad(field, f"une liste d'identifiants ({MAX_PROFILE} au plus)", value)
    for n, item in enumerate(value):
        if not isinstance(item, str) or not item or len(item) > MAX_ID:
            raise _bad(f"{field}[{n}]", "un identifiant (texte court)", item)
    return list(dict.fromkeys(value))


def _is_percent(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, (int, float)) and math.isfinite(value) \
        and 0 <= value <= 100


def _summary(values: list[float]) -> dict[str, Any]:
    if not values:
        return {"n": 0, "mean": None, "median": None, "q1": None, "q3": None, "min": None, "max": None}
    if len(values) == 1:
        q1 = q3 = values[0]
    else:
        q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return {"n": len(values), "mean": statistics.fmean(values), "median": statistics.median(values),
            "q1": q1, "q3": q3, "min": min(values), "max": max(values)}


def aggregate(q: Questionnaire, items: list[dict[str, Any]]) -> dict[str, Any]:
    """Count by structure type and by activity; mean, median and quartiles per pillar and theme.

    A structure with several types counts once in each of them (and once in `count`); one with
    no type counts under "inconnu". Activities are counted the same way, without "inconnu".

    `items` are anonymised exports (checked by `read_anonymous`) or full assessments (scored
    here), already read. Whatever is not a percent of 0–100 is left out, so that no NaN or
    infinity ever reaches the statistics.
    """
    by_type: dict[str, int] = {}
    by_activity: dict[str, int] = {}
    pillar_values: dict[str, list[float]] = {p.id: [] for p in q.pillars}
    theme_values: dict[str, list[float]] = {t.id: [] for t in q.themes}
    overall: list[float] = []
    for item in items:
        structure = item.get("structure") if isinstance(item.get("structure"), dict) else {}
        types = [t for t in structure.get("types") or [] if isinstance(t, str) and t]
        for stype in dict.fromkeys(types or ["inconnu"]):
            by_type[stype] = by_type.get(stype, 0) + 1
        for activity in dict.fromkeys(a for a in structure.get("activities") or [] if isinstance(a, str) and a):
            by_activity[activity] = by_activity.get(activity, 0) + 1
        if item.get("kind") == ANONYMOUS_KIND:
            sc = item.get("scores") if isinstance(item.get("scores"), dict) else {}
            o = sc.get("overall")
            pillars = sc.get("pillars") if isinstance(sc.get("pillars"), dict) else {}
            themes = sc.get("themes") if isinstance(sc.get("themes"), dict) else {}
        else:
            full = score(q, item)
            o = full["overall"]["percent"]
            pillars = {k: v["percent"] for k, v in full["pillars"].items()}
            themes = {k: v["percent"] for k, v in full["themes"].items()}
        if _is_percent(o):
            overall.append(float(o))
        for pid, v in pillars.items():
            if pid in pillar_values and _is_percent(v):
                pillar_values[pid].append(float(v))
        for tid, v in themes.items():
            if tid in theme_values and _is_percent(v):
                theme_values[tid].append(float(v))
    return {
        "count": len(items), "by_type": dict(sorted(by_type.items())),
        "by_activity": dict(sorted(by_activity.items())),
        "overall": _summary(overall),
        "pillars": {pid: _summary(v) for pid, v in pillar_values.items()},
        "themes": {tid: _summary(v) for tid, v in theme_values.items()},
    }

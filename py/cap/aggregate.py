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
# Statistics of a group of fewer structures than this are withheld (no median, quartile, min or max):
# with so few, one structure's scores could be worked out. One rule for the CLI and the pages.
MIN_GROUP = 5
# Size bands, from the indicator of people on a pathway in the year (the one count every type keeps).
# Only the band is exported, never the number. (id, label, from, up to but not including)
SIZE_INDICATOR = "personnes_accompagnees"
SIZE_BANDS: tuple[tuple[str, str, float, float | None], ...] = (
    ("moins-de-20", "Moins de 20 personnes accompagnées", 0, 20),
    ("20-49", "De 20 à 49 personnes accompagnées", 20, 50),
    ("50-99", "De 50 à 99 personnes accompagnées", 50, 100),
    ("100-249", "De 100 à 249 personnes accompagnées", 100, 250),
    ("250-et-plus", "250 personnes accompagnées ou plus", 250, None),
)
SIZE_LABELS = {band[0]: band[1] for band in SIZE_BANDS}
FILTER_KEYS = ("type", "activity", "region", "size")


def size_band(indicators: Any) -> str:
    """The size band of a structure from its indicators ("" when the count is not given)."""
    value = indicators.get(SIZE_INDICATOR) if isinstance(indicators, dict) else None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        return ""
    return next(band for band, _, low, high in SIZE_BANDS if value >= low and (high is None or value < high))


def anonymise(q: Questionnaire, assessment: dict[str, Any], region: str = "") -> dict[str, Any]:
    """Only the structure's types and activities, optional region, size band (from the count of people
    accompanied, when given), date, questionnaire version, scores and criterion values (no name, no
    comment, no plan, no figure of the indicators)."""
    s = score(q, assessment)
    profile = q.profile_of(assessment.get("structure"))
    activities = {a.id for a in q.activities}
    return {
        "format": FORMAT, "format_version": FORMAT_VERSION, "kind": ANONYMOUS_KIND,
        "questionnaire": {"id": q.id, "version": q.version},
        "structure": {"types": [i for i in profile if i not in activities],
                      "activities": [i for i in profile if i in activities], "region": region[:60],
                      "size": size_band(assessment.get("indicators"))},
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
    structure = _object(data, "structure", "structure", {"type", "types", "activities", "region", "size"})
    stype = _text(structure, "type", "structure.type", MAX_ID, required=False)
    types, activities = _ids(structure, "types"), _ids(structure, "activities")
    if stype and not types and not activities:  # format 1: one type (SAP and OF became activities)
        types, activities = ([stype], []) if stype not in LEGACY_TYPES else (
            list(LEGACY_TYPES[stype][1]), list(LEGACY_TYPES[stype][2]))
    region = _text(structure, "region", "structure.region", MAX_REGION, required=False) or ""
    size = _text(structure, "size", "structure.size", MAX_ID, required=False) or ""
    if size and size not in SIZE_LABELS:
        raise _bad("structure.size", f"une tranche de taille ({', '.join(SIZE_LABELS)}) ou rien", size)
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
        "structure": {"types": types, "activities": activities, "region": region, "size": size}, "date": date,
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


def _summary(values: list[float], min_group: int = MIN_GROUP) -> dict[str, Any]:
    """n, mean, median, quartiles, min and max; all but n withheld (None) for fewer than `min_group`."""
    if len(values) < max(1, min_group):
        return {"n": len(values), "withheld": bool(values), "mean": None, "median": None, "q1": None, "q3": None,
                "min": None, "max": None}
    if len(values) == 1:
        q1 = q3 = values[0]
    else:
        q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return {"n": len(values), "withheld": False, "mean": statistics.fmean(values), "median": statistics.median(values),
            "q1": q1, "q3": q3, "min": min(values), "max": max(values)}


def as_anonymous(q: Questionnaire, item: dict[str, Any]) -> dict[str, Any]:
    """An anonymised export as is; a full assessment anonymised (scored, its region kept if it has one)."""
    if item.get("kind") == ANONYMOUS_KIND:
        return item
    structure = item.get("structure") if isinstance(item.get("structure"), dict) else {}
    region = structure.get("region") if isinstance(structure.get("region"), str) else ""
    return anonymise(q, item, region)


def clean_filters(filters: Any) -> dict[str, str]:
    """The filters that are set: {type, activity, region, size} → non-empty texts only."""
    if not isinstance(filters, dict):
        return {}
    return {k: filters[k] for k in FILTER_KEYS if isinstance(filters.get(k), str) and filters[k]}


def matches(item: dict[str, Any], filters: dict[str, str]) -> bool:
    """An anonymised item is in the group the filters describe (a type or an activity among its own)."""
    structure = item.get("structure") if isinstance(item.get("structure"), dict) else {}
    if "type" in filters and filters["type"] not in (structure.get("types") or ["inconnu"]):
        return False
    if "activity" in filters and filters["activity"] not in (structure.get("activities") or []):
        return False
    return all(key not in filters or (structure.get(key) or "") == filters[key] for key in ("region", "size"))


def counts(items: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """How many anonymised items per type ("inconnu" when none), activity, region and size band."""
    out: dict[str, dict[str, int]] = {"by_type": {}, "by_activity": {}, "by_region": {}, "by_size": {}}

    def add(key: str, value: str) -> None:
        out[key][value] = out[key].get(value, 0) + 1

    for item in items:
        structure = item.get("structure") if isinstance(item.get("structure"), dict) else {}
        types = [t for t in structure.get("types") or [] if isinstance(t, str) and t]
        for stype in dict.fromkeys(types or ["inconnu"]):
            add("by_type", stype)
        for activity in dict.fromkeys(a for a in structure.get("activities") or [] if isinstance(a, str) and a):
            add("by_activity", activity)
        for key, field in (("by_region", "region"), ("by_size", "size")):
            if isinstance(structure.get(field), str) and structure[field]:
                add(key, structure[field])
    return {key: dict(sorted(value.items())) for key, value in out.items()}


def aggregate(q: Questionnaire, items: list[dict[str, Any]], filters: dict[str, str] | None = None,
              min_group: int = MIN_GROUP) -> dict[str, Any]:
    """The network statistics of the group `filters` describe: counts by type, activity, region and size
    band; n, mean, median, quartiles, min and max per pillar and theme and overall. The one function
    behind `python -m cap aggregate` and the Réseau page (through `network_view`).

    A structure with several types counts once in each of them (and once in `count`); one with
    no type counts under "inconnu". Activities are counted the same way, without "inconnu".
    A statistic over fewer than `min_group` structures is withheld (`withheld: true`, figures None).

    `items` are anonymised exports (checked by `read_anonymous`) or full assessments (anonymised
    here), already read. Whatever is not a percent of 0–100 is left out, so that no NaN or
    infinity ever reaches the statistics.
    """
    wanted = clean_filters(filters)
    group = [i for i in (as_anonymous(q, item) for item in items) if matches(i, wanted)]
    pillar_values: dict[str, list[float]] = {p.id: [] for p in q.pillars}
    theme_values: dict[str, list[float]] = {t.id: [] for t in q.themes}
    overall: list[float] = []
    for item in group:
        sc = item.get("scores") if isinstance(item.get("scores"), dict) else {}
        o = sc.get("overall")
        pillars = sc.get("pillars") if isinstance(sc.get("pillars"), dict) else {}
        themes = sc.get("themes") if isinstance(sc.get("themes"), dict) else {}
        if _is_percent(o):
            overall.append(float(o))
        for pid, v in pillars.items():
            if pid in pillar_values and _is_percent(v):
                pillar_values[pid].append(float(v))
        for tid, v in themes.items():
            if tid in theme_values and _is_percent(v):
                theme_values[tid].append(float(v))
    return {
        "count": len(group), "total": len(items), "filters": wanted, "min_group": min_group, **counts(group),
        "overall": _summary(overall, min_group),
        "pillars": {pid: _summary(v, min_group) for pid, v in pillar_values.items()},
        "themes": {tid: _summary(v, min_group) for tid, v in theme_values.items()},
    }

"""The Réseau page's engine: many files → the network view (the `aggregate` figures of a group,
where one structure stands), its CSV and printable document, the published network file, and what
a structure sees of that file beside its own results ("structures similaires").

Every figure comes from `aggregate.aggregate`, the function behind `python -m cap aggregate`:
the page and the CLI give the same numbers for the same files and filters.
"""

from __future__ import annotations

import math
from typing import Any

from . import FORMAT
from .aggregate import (
    ANONYMOUS_KIND,
    MIN_GROUP,
    SIZE_LABELS,
    aggregate,
    anonymise,
    as_anonymous,
    clean_filters,
    counts,
    read_anonymous,
    size_band,
)
from .errors import AssessmentError
from .formats import parse_text, read_and_migrate
from .model import Questionnaire

NETWORK_FORMAT = "cap-reseau"
NETWORK_VERSION = 1
MAX_GROUPS = 500
STAT_KEYS = ("n", "withheld", "mean", "median", "q1", "q3", "min", "max")

Named = list[tuple[str, dict[str, Any]]]


# -- reading the files ---------------------------------------------------------------------------

def read_item(q: Questionnaire, text: Any, size: int | None = None) -> dict[str, Any]:
    """One file (anonymised export, or a structure's own assessment) → its anonymised form.

    Raises `AssessmentError` with a French reason: not JSON, another kind of file, a bad field.
    """
    if not isinstance(text, str):
        raise AssessmentError("Le fichier n'a pas pu être lu : aucun texte reçu.", code="not_json")
    data = parse_text(text, size)
    if data.get("format") == NETWORK_FORMAT:
        raise AssessmentError("C'est un fichier réseau (les statistiques publiées), pas l'export d'une structure : "
                              "il se charge sur l'étape « Résultats » de la page Évaluer.", "format", code="types")
    if data.get("kind") == ANONYMOUS_KIND:
        return read_anonymous(data, q)
    assessment, _, _ = read_and_migrate(data, q)
    return as_anonymous(q, assessment)


class Missing(Exception):
    """Files named by their page `id` only, that the engine does not hold (a restarted worker)."""

    def __init__(self, ids: list[int]) -> None:
        super().__init__(f"{len(ids)} fichiers à renvoyer")
        self.ids = ids


def read_files(q: Questionnaire, files: Any) -> tuple[Named, list[dict[str, str]]]:
    """Every `{name, text, size}` → (name, anonymised item) pairs, and one line per file:
    `{file, status: "accepted" | "refused", message}`. A bad file never stops the others.

    A file the page gave an `id` (an integer) is kept under it: later calls may send `{name, id}`
    without the text. Raises `Missing` when such a file is not held (the page then sends the texts).
    """
    if not isinstance(files, list):
        raise AssessmentError("Aucune liste de fichiers reçue.", code="types")
    kept: Named = []
    lines: list[dict[str, str]] = []
    missing: list[int] = []
    if _by_id.get("q") is not q:
        _by_id.clear()
        _by_id["q"] = q
    for n, f in enumerate(files, start=1):
        entry = f if isinstance(f, dict) else {}
        name = entry.get("name") if isinstance(entry.get("name"), str) and entry.get("name") else f"fichier n° {n}"
        size = entry.get("size") if type(entry.get("size")) is int else None
        text = entry.get("text")
        file_id = entry.get("id") if type(entry.get("id")) is int else None
        found: Any = None
        if text is None and file_id is not None:
            if file_id not in _by_id:
                missing.append(file_id)
                continue
            found = _by_id[file_id]
        key = (text, size) if isinstance(text, str) else None
        if found is None:
            found = _read_cache.get(key) if key and _read_cache.get("q") is q else None
        if found is None:
            try:
                found = read_item(q, text, size)
            except AssessmentError as exc:
                found = str(exc)
            except Exception as exc:  # last guard (RecursionError, MemoryError…): one file's trouble, not the page's
                found = f"Fichier illisible : son contenu n'a pas pu être vérifié ({type(exc).__name__})."
            if key:
                _remember(q, key, found)
        if file_id is not None and text is not None:
            if len(_by_id) > MAX_CACHED:
                _by_id.clear()
                _by_id["q"] = q
            _by_id[file_id] = found
        if isinstance(found, str):
            lines.append({"file": name, "status": "refused", "message": found})
        else:
            kept.append((name, found))
            lines.append({"file": name, "status": "accepted", "message": ""})
    if missing:
        raise Missing(missing)
    return kept, lines


# What each file's text gave (its anonymised form, or the reason it was refused): the page sends the
# same files again for every change of filter, and sends them ahead in small batches while it reads
# the rest, so that they are read once. Items are never changed after reading.
_read_cache: dict[Any, Any] = {}
_by_id: dict[Any, Any] = {}  # the page's file id → what its text gave
MAX_CACHED = 20_000


def _remember(q: Questionnaire, key: tuple[str, int | None], found: Any) -> None:
    if _read_cache.get("q") is not q or len(_read_cache) > MAX_CACHED:
        _read_cache.clear()
        _read_cache["q"] = q
    _read_cache[key] = found


# -- the view --------------------------------------------------------------------------------------

def options(q: Questionnaire, items: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """What the filters can offer, from every file read (not only the group shown), with counts."""
    c = counts(items)
    return {
        "type": [{"id": k, "label": q.type_label(k) if k != "inconnu" else "Type non précisé", "count": v}
                 for k, v in c["by_type"].items()],
        "activity": [{"id": k, "label": q.profile_label(k), "count": v} for k, v in c["by_activity"].items()],
        "region": [{"id": k, "label": k, "count": v} for k, v in c["by_region"].items()],
        "size": [{"id": k, "label": SIZE_LABELS.get(k, k), "count": v}
                 for k, v in sorted(c["by_size"].items(), key=lambda kv: list(SIZE_LABELS).index(kv[0])
                                    if kv[0] in SIZE_LABELS else 99)],
    }


def position(value: Any, s: dict[str, Any]) -> str:
    """Where a structure's percent stands in a group's distribution, in words ("" when unknown)."""
    if not isinstance(value, (int, float)) or isinstance(value, bool) or s.get("median") is None:
        return ""
    if value < s["q1"]:
        return "dans le quart le plus bas"
    if value > s["q3"]:
        return "dans le quart le plus haut"
    if value < s["median"]:
        return "entre le 1er quartile et la médiane"
    if value > s["median"]:
        return "entre la médiane et le 3e quartile"
    return "à la médiane"


def standing(q: Questionnaire, item: dict[str, Any], stats: dict[str, Any]) -> dict[str, Any]:
    """One structure (anonymised form) against a group's statistics: its percents and their position."""
    sc = item["scores"]
    out: dict[str, Any] = {"overall": {"percent": sc["overall"], "position": position(sc["overall"], stats["overall"])},
                           "pillars": {}, "themes": {}}
    for key in ("pillars", "themes"):
        for item_id, s in stats[key].items():
            v = sc[key].get(item_id)
            out[key][item_id] = {"percent": v, "position": position(v, s)}
    return out


def similar_filters(item: dict[str, Any], available: dict[str, list[dict[str, Any]]]) -> dict[str, str]:
    """The filters of "structures like this one": its first type, and its size band when known."""
    structure = item["structure"]
    filters = {}
    types = [t for t in structure.get("types") or [] if any(o["id"] == t for o in available["type"])]
    if types:
        filters["type"] = types[0]
    if structure.get("size"):
        filters["size"] = structure["size"]
    return filters


def network_view(q: Questionnaire, files: Any, filters: Any = None, own: Any = None,
                 read: tuple[Named, list[dict[str, str]]] | None = None) -> dict[str, Any]:
    """Files → `{files, accepted, refused, options, view, own}`: `view` is `aggregate` of the group
    `filters` describe (the CLI's `aggregate --json` figures), `own` one structure's file against it.
    `read`: what `read_files` already gave for these files."""
    kept, lines = read or read_files(q, files)
    items = [item for _, item in kept]
    available = options(q, items)
    view = aggregate(q, items, clean_filters(filters))
    mine = None
    if isinstance(own, dict) and own.get("text") is not None:
        name = own.get("name") if isinstance(own.get("name"), str) else "Votre structure"
        try:
            item = read_item(q, own.get("text"), own.get("size") if type(own.get("size")) is int else None)
        except AssessmentError as exc:
            mine = {"name": name, "error": str(exc)}
        else:
            mine = {"name": name, "structure": item["structure"], "similar": similar_filters(item, available),
                    "scores": item["scores"], **standing(q, item, view)}
    return {"files": lines, "accepted": len(items), "refused": len(lines) - len(items), "options": available,
            "view": view, "own": mine, "min_group": MIN_GROUP}


# -- the published network file, and a structure's peers -------------------------------------------

def _stats(s: dict[str, Any]) -> dict[str, Any]:
    return {k: s.get(k) for k in STAT_KEYS}


def network_file(q: Questionnaire, items: list[dict[str, Any]], filters: Any, date: str) -> dict[str, Any]:
    """The file a network publishes for its structures: the statistics of the group shown and of its
    sub-groups by type, by size band and by both; a sub-group under the minimum is left out."""
    scope = clean_filters(filters)
    c = counts([i for i in (as_anonymous(q, x) for x in items)])
    keys: list[dict[str, str]] = [{}]
    keys += [{"type": t} for t in c["by_type"] if t != "inconnu" and "type" not in scope]
    keys += [{"size": s} for s in c["by_size"] if "size" not in scope]
    keys += [{"type": t, "size": s} for t in c["by_type"] for s in c["by_size"]
             if t != "inconnu" and "type" not in scope and "size" not in scope]
    groups = []
    for key in keys:
        result = aggregate(q, items, {**scope, **key})
        if result["count"] < MIN_GROUP:
            continue
        groups.append({"key": key, "count": result["count"], "overall": _stats(result["overall"]),
                       "pillars": {k: _stats(v) for k, v in result["pillars"].items()},
                       "themes": {k: _stats(v) for k, v in result["themes"].items()}})
    return {"format": NETWORK_FORMAT, "format_version": NETWORK_VERSION,
            "questionnaire": {"id": q.id, "version": q.version}, "date": date[:10], "min_group": MIN_GROUP,
            "scope": scope, "count": groups[0]["count"] if groups and not groups[0]["key"] else 0,
            "groups": groups}


def _bad_network(field: str, what: str) -> AssessmentError:
    return AssessmentError(f"Fichier réseau invalide : {what}", field, code="types")


def _figure(value: Any, field: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or not 0 <= value <= 100 + 1e-6:
        raise _bad_network(field, "un pourcentage de 0 à 100 (ou null) est attendu")
    return min(100.0, float(value))


def _read_stats(raw: Any, field: str, min_group: int) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise _bad_network(field, "un objet est attendu")
    n = raw.get("n")
    if type(n) is not int or n < 0:
        raise _bad_network(f"{field}.n", "un nombre de structures est attendu")
    out: dict[str, Any] = {"n": n, "withheld": n < min_group}
    for key in STAT_KEYS[2:]:
        out[key] = None if out["withheld"] else _figure(raw.get(key), f"{field}.{key}")
    return out


def read_network(q: Questionnaire, data: Any) -> dict[str, Any]:
    """Check a published network file (untrusted input) and return a clean copy; French errors.
    A statistic over fewer structures than the file's minimum (never below MIN_GROUP) is dropped."""
    if isinstance(data, (str, bytes)):
        data = parse_text(data)
    if not isinstance(data, dict) or data.get("format") != NETWORK_FORMAT:
        if isinstance(data, dict) and data.get("format") == FORMAT:
            raise AssessmentError("Ce fichier est une évaluation ou un export d'une structure, pas un fichier réseau : "
                                  "le fichier réseau se fait sur la page Réseau.", "format", code="foreign")
        raise AssessmentError(f"Ce fichier n'est pas un fichier réseau de CAP en ligne (format « {NETWORK_FORMAT} » "
                              "attendu).", "format", code="foreign")
    version = data.get("format_version")
    if type(version) is not int or version < 1:
        raise _bad_network("format_version", "un numéro de version entier est attendu")
    if version > NETWORK_VERSION:
        raise AssessmentError(f"Ce fichier réseau vient d'une version plus récente de CAP en ligne (format {version}).",
                              "format_version", code="newer")
    qref = data.get("questionnaire") if isinstance(data.get("questionnaire"), dict) else {}
    if qref.get("id") != q.id:
        raise AssessmentError("Ce fichier réseau a été fait avec un autre questionnaire.", "questionnaire.id",
                              code="questionnaire")
    min_group = data.get("min_group")
    min_group = max(MIN_GROUP, min_group if type(min_group) is int else MIN_GROUP)
    raw_groups = data.get("groups")
    if not isinstance(raw_groups, list) or len(raw_groups) > MAX_GROUPS:
        raise _bad_network("groups", f"une liste de groupes ({MAX_GROUPS} au plus) est attendue")
    groups = []
    for n, g in enumerate(raw_groups):
        field = f"groups[{n}]"
        if not isinstance(g, dict) or not isinstance(g.get("key"), dict):
            raise _bad_network(field, "un groupe (clé et statistiques) est attendu")
        key = clean_filters(g["key"])
        if any(len(v) > 60 for v in key.values()):
            raise _bad_network(f"{field}.key", "identifiant trop long")
        count = g.get("count")
        if type(count) is not int or count < min_group:
            continue  # too small to show: left out, whatever the file says
        group: dict[str, Any] = {"key": key, "count": count,
                                 "overall": _read_stats(g.get("overall"), f"{field}.overall", min_group)}
        for part, known in (("pillars", q.pillar_by_id), ("themes", q.theme_by_id)):
            raw = g.get(part) if isinstance(g.get(part), dict) else {}
            group[part] = {k: _read_stats(v, f"{field}.{part}.{k}", min_group) for k, v in raw.items() if k in known}
        groups.append(group)
    scope = clean_filters(data.get("scope"))
    date = data.get("date") if isinstance(data.get("date"), str) else ""
    return {"format": NETWORK_FORMAT, "format_version": NETWORK_VERSION,
            "questionnaire": {"id": q.id, "version": str(qref.get("version") or "")[:20]}, "date": date[:10],
            "min_group": min_group, "scope": scope, "groups": groups}


def group_label(q: Questionnaire, key: dict[str, str]) -> str:
    parts = []
    if key.get("type"):
        parts.append(q.type_label(key["type"]))
    if key.get("activity"):
        parts.append(q.profile_label(key["activity"]))
    if key.get("size"):
        parts.append(SIZE_LABELS.get(key["size"], key["size"]).lower())
    if key.get("region"):
        parts.append(key["region"])
    return " ; ".join(parts) or "toutes les structures"


_cache: dict[str, Any] = {}


def _network(q: Questionnaire, network: Any) -> dict[str, Any]:
    """`read_network`, kept for the same text: the page asks again after every change of the assessment."""
    if isinstance(network, str) and _cache.get("text") == network and _cache.get("q") is q:
        return _cache["net"]
    net = read_network(q, network)
    if isinstance(network, str):
        _cache.update(text=network, q=q, net=net)
    return net


def peers(q: Questionnaire, network: Any, assessment: dict[str, Any]) -> dict[str, Any]:
    """For a structure's assessment, the group of the network file most like it (same type and size
    band, else same type, else same size band, else every structure) and where it stands in it."""
    net = _network(q, network)
    profile = set(q.profile_of(assessment.get("structure")))
    types = [t.id for t in q.structure_types if t.id in profile]
    size = size_band(assessment.get("indicators"))
    wanted = [{"type": t, "size": size} for t in types if size] + [{"type": t} for t in types]
    wanted += ([{"size": size}] if size else []) + [{}]
    by_key = {tuple(sorted(g["key"].items())): g for g in net["groups"]}
    group = next((by_key[k] for k in (tuple(sorted(w.items())) for w in wanted) if k in by_key), None)
    notes = []
    if net["questionnaire"]["version"] and net["questionnaire"]["version"] != q.version:
        notes.append(f"Fichier réseau fait avec la version {net['questionnaire']['version']} du questionnaire "
                     f"(celle-ci : {q.version}) : les thèmes qui ont changé ne sont pas comparés.")
    if group is None:
        return {"network": {"date": net["date"], "scope": group_label(q, net["scope"])}, "group": None,
                "notes": [*notes, "Aucun groupe du fichier réseau ne compte assez de structures pour une "
                                  f"comparaison (au moins {net['min_group']})."]}
    anon = anonymise(q, assessment)
    return {"network": {"date": net["date"], "scope": group_label(q, net["scope"]), "min_group": net["min_group"]},
            "group": {"key": group["key"], "label": group_label(q, group["key"]), "count": group["count"]},
            "stats": {k: group[k] for k in ("overall", "pillars", "themes")},
            "own": standing(q, anon, group), "notes": notes}

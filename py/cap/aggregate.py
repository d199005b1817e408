"""Network statistics from many (anonymised) assessments, and the anonymised export itself."""

from __future__ import annotations

import statistics
from typing import Any

from . import FORMAT, FORMAT_VERSION
from .model import Questionnaire
from .score import score

ANONYMOUS_KIND = "anonymous"


def anonymise(q: Questionnaire, assessment: dict[str, Any], region: str = "") -> dict[str, Any]:
    """Only structure type, optional region, date, questionnaire version, scores and criterion values."""
    s = score(q, assessment)
    return {
        "format": FORMAT, "format_version": FORMAT_VERSION, "kind": ANONYMOUS_KIND,
        "questionnaire": {"id": q.id, "version": q.version},
        "structure": {"type": (assessment.get("structure") or {}).get("type"), "region": region[:60]},
        "date": str(assessment.get("updated") or "")[:10],
        "scores": {"overall": s["overall"]["percent"],
                   "pillars": {k: v["percent"] for k, v in s["pillars"].items()},
                   "themes": {k: v["percent"] for k, v in s["themes"].items()}},
        "values": {cid: e["value"] for cid, e in s["criteria"].items() if e["value"] in (1, 2, 3, 4, "na", "dk")},
    }


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
    """Count by structure type; mean, median and quartiles per pillar and theme.

    `items` are anonymised exports or full assessments (scored here), already read.
    """
    by_type: dict[str, int] = {}
    pillar_values: dict[str, list[float]] = {p.id: [] for p in q.pillars}
    theme_values: dict[str, list[float]] = {t.id: [] for t in q.themes}
    overall: list[float] = []
    for item in items:
        stype = (item.get("structure") or {}).get("type") or "inconnu"
        by_type[stype] = by_type.get(stype, 0) + 1
        if item.get("kind") == ANONYMOUS_KIND:
            sc = item.get("scores") or {}
            o, pillars, themes = sc.get("overall"), sc.get("pillars") or {}, sc.get("themes") or {}
        else:
            full = score(q, item)
            o = full["overall"]["percent"]
            pillars = {k: v["percent"] for k, v in full["pillars"].items()}
            themes = {k: v["percent"] for k, v in full["themes"].items()}
        if isinstance(o, (int, float)):
            overall.append(float(o))
        for pid, v in pillars.items():
            if pid in pillar_values and isinstance(v, (int, float)):
                pillar_values[pid].append(float(v))
        for tid, v in themes.items():
            if tid in theme_values and isinstance(v, (int, float)):
                theme_values[tid].append(float(v))
    return {
        "count": len(items), "by_type": dict(sorted(by_type.items())),
        "overall": _summary(overall),
        "pillars": {pid: _summary(v) for pid, v in pillar_values.items()},
        "themes": {tid: _summary(v) for tid, v in theme_values.items()},
    }

"""The scoring rule (README.md, « Scoring rule »), step by step. Figures stay unrounded; `fmt` rounds for display."""

from __future__ import annotations

import math
from typing import Any

from .model import Questionnaire

PARTIAL_BELOW = 0.5


def numeric(answer: Any) -> int | None:
    """The level 1–4 of an answer entry, or None (na, dk, unanswered, malformed)."""
    value = answer.get("value") if isinstance(answer, dict) else None
    return value if type(value) is int and 1 <= value <= 4 else None


def criterion_percent(value: int) -> float:
    return (value - 1) / 3 * 100


def percent_to_level(percent: float | None) -> float | None:
    return None if percent is None else 1 + percent * 3 / 100


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def score(q: Questionnaire, assessment: dict[str, Any]) -> dict[str, Any]:
    """Scores of one assessment: overall, pillars (with completion), themes and criteria."""
    answers = assessment.get("answers") or {}
    profile = q.profile_of(assessment.get("structure"))
    targets = assessment.get("targets") or {}
    criteria: dict[str, Any] = {}
    themes: dict[str, Any] = {}
    pillars: dict[str, Any] = {}
    for pillar in q.pillars:
        theme_percents: list[float] = []
        theme_expected: list[float] = []
        applicable = answered = 0
        for theme in pillar.themes:
            weighted = weights = expected_sum = expected_w = 0.0
            scored = 0
            for c in theme.criteria:
                applies = c.applies(profile)
                ans = answers.get(c.id) or {}
                value = ans.get("value")
                level = numeric(ans)
                target = targets.get(c.id, c.requirement)
                entry = {"value": value, "applies": applies, "target": target, "percent": None, "gap": None}
                if applies:
                    applicable += 1
                    expected_sum += c.weight * criterion_percent(c.requirement)
                    expected_w += c.weight
                    if value in (1, 2, 3, 4, "na", "dk"):
                        answered += 1
                    if level is not None:
                        p = criterion_percent(level)
                        entry["percent"] = p
                        entry["gap"] = max(0, target - level)
                        weighted += c.weight * p
                        weights += c.weight
                        scored += 1
                criteria[c.id] = entry
            percent = weighted / weights if weights else None
            expected = expected_sum / expected_w if expected_w else None
            themes[theme.id] = {"percent": percent, "level": percent_to_level(percent), "scored": scored,
                                "criteria": len(theme.criteria), "expected": expected}
            if expected is not None:
                theme_expected.append(expected)
            if percent is not None:
                theme_percents.append(percent)
        pillar_percent = _mean(theme_percents)
        completion = answered / applicable if applicable else None
        pillars[pillar.id] = {
            "percent": pillar_percent, "level": percent_to_level(pillar_percent),
            "completion": completion, "answered": answered, "applicable": applicable,
            "partial": completion is not None and completion < PARTIAL_BELOW,
            "expected": _mean(theme_expected),
        }
    overall = _mean([p["percent"] for p in pillars.values() if p["percent"] is not None])
    total_applicable = sum(p["applicable"] for p in pillars.values())
    total_answered = sum(p["answered"] for p in pillars.values())
    return {
        "overall": {"percent": overall, "level": percent_to_level(overall),
                    "completion": total_answered / total_applicable if total_applicable else None,
                    "answered": total_answered, "applicable": total_applicable,
                    "partial": any(p["partial"] for p in pillars.values())},
        "pillars": pillars, "themes": themes, "criteria": criteria,
    }


def strengths(q: Questionnaire, scores: dict[str, Any], limit: int = 5) -> list[str]:
    """Ids of the criteria at or above their target, best first (level 4 before 3), then in order."""
    found = [(-(entry["percent"] or 0), q.order[cid], cid) for cid, entry in scores["criteria"].items()
             if entry["percent"] is not None and entry["gap"] == 0]
    return [cid for _, _, cid in sorted(found)[:limit]]


def indicator_values(q: Questionnaire, counts: dict[str, Any]) -> list[dict[str, Any]]:
    """Every indicator with its value: counts as entered, rates computed from two counts (percent)."""
    out = []
    for ind in q.indicators:
        value: float | None
        if ind.type == "rate":
            num, den = counts.get(ind.numerator), counts.get(ind.denominator)
            value = num / den * 100 if isinstance(num, (int, float)) and isinstance(den, (int, float)) and den else None
            if value is not None and not math.isfinite(value):  # a tiny denominator: no rate rather than inf
                value = None
        else:
            raw = counts.get(ind.id)
            value = raw if isinstance(raw, (int, float)) and not isinstance(raw, bool) else None
        out.append({"id": ind.id, "label": ind.label, "unit": ind.unit, "type": ind.type, "value": value,
                    "register": ind.register})
    return out

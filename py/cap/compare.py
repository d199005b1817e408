"""Compare two assessments of the same structure (e.g. a year apart)."""

from __future__ import annotations

from typing import Any

from .model import Questionnaire
from .score import score


def _delta(old: float | None, new: float | None) -> float | None:
    return None if old is None or new is None else new - old


def compare(q: Questionnaire, old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Per pillar and theme: old, new and delta percents; criteria that rose or fell; plan items done."""
    s_old, s_new = score(q, old), score(q, new)
    pillars = {pid: {"old": s_old["pillars"][pid]["percent"], "new": s_new["pillars"][pid]["percent"],
                     "delta": _delta(s_old["pillars"][pid]["percent"], s_new["pillars"][pid]["percent"])}
               for pid in s_new["pillars"]}
    themes = {tid: {"old": s_old["themes"][tid]["percent"], "new": s_new["themes"][tid]["percent"],
                    "delta": _delta(s_old["themes"][tid]["percent"], s_new["themes"][tid]["percent"])}
              for tid in s_new["themes"]}
    rose, fell = [], []
    for c in q.criteria:
        a, b = s_old["criteria"][c.id]["value"], s_new["criteria"][c.id]["value"]
        if type(a) is int and type(b) is int and a != b:
            (rose if b > a else fell).append({"criterion": c.id, "old": a, "new": b})
    done_ids = {i.get("id") for i in old.get("plan") or [] if i.get("status") == "done"}
    done = [i for i in new.get("plan") or [] if i.get("status") == "done" and i.get("id") not in done_ids]
    return {
        "old": {"date": old.get("updated"), "overall": s_old["overall"]["percent"]},
        "new": {"date": new.get("updated"), "overall": s_new["overall"]["percent"]},
        "overall_delta": _delta(s_old["overall"]["percent"], s_new["overall"]["percent"]),
        "pillars": pillars, "themes": themes, "rose": rose, "fell": fell, "plan_done": done,
    }

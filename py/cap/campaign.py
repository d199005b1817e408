"""A new campaign from the last one: next year's assessment of the same structure.

`new_campaign(q, earlier, date)` starts an empty assessment that keeps the structure's profile,
targets and importance, and records where it comes from in `previous`: the earlier assessment's
id, date, answer values per criterion, and its plan with each action's final status. Actions
still open are carried into the new plan (`doing` stays `doing`, anything not started is
"reportée" and comes back as `todo`). `review_plan` applies the user's review of last year's
plan (fait / en cours / abandonnée / reportée) to both `previous.plan` and the new plan.

Last year's answers are shown beside each criterion, never pre-selected: `take_answers` copies
them on request, only where the new assessment has no answer yet.
"""

from __future__ import annotations

import copy
from typing import Any

from .formats import FINAL_STATUSES, new_assessment, now_iso
from .model import Questionnaire

__all__ = ["FINAL_STATUSES", "final_plans", "new_campaign", "review_plan", "take_answers"]

# The final status of an earlier plan's action (FINAL_STATUSES), as the review step names it.
FINAL_LABELS = {"done": "Fait", "doing": "En cours", "dropped": "Abandonnée", "postponed": "Reportée",
                "todo": "À faire"}
# Final status → the carried action's status in the new plan; the others stay in `previous.plan` only.
CARRY = {"doing": "doing", "postponed": "todo"}
PLAN_KEYS = ("id", "criterion", "action", "owner", "due", "offers", "situation")


def date_of(assessment: dict[str, Any]) -> str:
    """The date an assessment stands for: its last change (as the Évolution page orders them)."""
    return str(assessment.get("updated") or assessment.get("created") or "")


def year_of(assessment: dict[str, Any]) -> str:
    """'2025' for an assessment last changed in 2025; '' when it has no date."""
    day = date_of(assessment)[:4]
    return day if day.isdigit() else ""


def default_final(status: Any) -> str:
    """An action's final status before the review: done, doing and dropped as they were, else reportée."""
    return status if status in ("done", "doing", "dropped") else "postponed"


def _carried(item: dict[str, Any], final: str) -> dict[str, Any]:
    """An earlier action as it enters the new plan (same id: the Évolution page follows it)."""
    out = {k: copy.deepcopy(item[k]) for k in PLAN_KEYS if k in item}
    out["status"] = CARRY[final]
    out.setdefault("offers", [])
    return out


def new_campaign(q: Questionnaire, earlier: dict[str, Any], date: str | None = None) -> dict[str, Any]:
    """The new assessment made from `earlier` (already read by `formats.read_assessment`).

    `date`: when the new one is made (ISO 8601), now by default.
    """
    structure = copy.deepcopy(earlier.get("structure") or {})
    a = new_assessment(q, [*structure.get("types", []), *structure.get("activities", [])], structure.get("name", ""))
    a["structure"].update({k: v for k, v in structure.items() if k not in ("type",)})
    stamp = date or now_iso()
    a["created"] = a["updated"] = stamp
    respondent = earlier.get("respondent") or {}
    if earlier.get("kind") != "consolidated":
        a["respondent"] = {"name": respondent.get("name") or "", "role": respondent.get("role") or None}
    a["targets"] = dict(earlier.get("targets") or {})
    a["importance"] = dict(earlier.get("importance") or {})
    plan = [i for i in earlier.get("plan") or [] if isinstance(i, dict)]
    previous_plan = []
    for item in plan:
        entry = {k: copy.deepcopy(item[k]) for k in PLAN_KEYS if k in item and k not in ("offers", "situation")}
        if not entry.get("due"):
            entry.pop("due", None)
        entry.setdefault("owner", "")
        entry["status"] = default_final(item.get("status"))
        entry["was"] = item.get("status") or "todo"
        previous_plan.append(entry)
    a["previous"] = {
        "id": str(earlier.get("id") or ""), "date": date_of(earlier), "kind": earlier.get("kind") or "individual",
        "answers": {cid: ans["value"] for cid, ans in (earlier.get("answers") or {}).items()
                    if isinstance(ans, dict) and ans.get("value") is not None and cid in q.criterion_by_id},
        "plan": previous_plan,
    }
    a["plan"] = [_carried(item, entry["status"]) for item, entry in zip(plan, previous_plan, strict=True)
                 if entry["status"] in CARRY]
    return a


def review_plan(assessment: dict[str, Any], statuses: dict[str, str]) -> dict[str, Any]:
    """Apply the review of last year's plan: `statuses` maps an earlier action's id to its final
    status (FINAL_STATUSES). "en cours" and "reportée" put the action in the new plan (kept if it is
    there: the user may have edited it); "fait" and "abandonnée" take it out. Returns a new dict."""
    a = copy.deepcopy(assessment)
    previous = a.get("previous")
    if not isinstance(previous, dict):
        raise ValueError("Cette évaluation ne reprend pas d'évaluation précédente.")
    bad = [s for s in statuses.values() if s not in FINAL_STATUSES]
    if bad:
        raise ValueError(f"Statut inconnu : {str(bad[0])[:20]!r} (fait, en cours, abandonnée ou reportée attendu).")
    plan = a.setdefault("plan", [])
    for entry in previous.get("plan") or []:
        final = statuses.get(entry.get("id"))
        if final is None:
            continue
        entry["status"] = final
        at = next((n for n, i in enumerate(plan) if i.get("id") == entry.get("id")), None)
        if final in CARRY:
            if at is None:
                plan.append(_carried(entry, final))
            elif plan[at].get("status") != "done":
                plan[at]["status"] = CARRY[final]
        elif at is not None:
            del plan[at]
    previous["reviewed"] = True
    return a


def take_answers(assessment: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Copy last year's answer values where the new assessment has none; (new dict, criteria copied)."""
    a = copy.deepcopy(assessment)
    answers = a.setdefault("answers", {})
    copied = []
    for cid, value in ((a.get("previous") or {}).get("answers") or {}).items():
        if (answers.get(cid) or {}).get("value") is None:
            answers[cid] = {**(answers.get(cid) or {}), "value": value}
            copied.append(cid)
    return a, copied


def final_plans(assessments: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """For assessments ordered by date, each one's plan with each action's final status: the status
    the next assessment recorded in `previous.plan` when it names this one (or, without an id,
    follows it directly), else the action's own status. Each item: {id, criterion, action, owner,
    status, final}."""
    out = []
    for n, a in enumerate(assessments):
        later = assessments[n + 1] if n + 1 < len(assessments) else None
        previous = (later or {}).get("previous") if later else None
        recorded: dict[str, str] = {}
        if isinstance(previous, dict) and (not previous.get("id") or previous.get("id") == a.get("id")):
            recorded = {str(i.get("id")): i.get("status") for i in previous.get("plan") or [] if isinstance(i, dict)}
        items = []
        for item in a.get("plan") or []:
            status = item.get("status") or "todo"
            items.append({"id": item.get("id"), "criterion": item.get("criterion"), "action": item.get("action") or "",
                          "owner": item.get("owner") or "", "status": status,
                          "final": recorded.get(str(item.get("id")), status)})
        out.append(items)
    return out

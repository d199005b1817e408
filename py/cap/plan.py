"""Plan suggestions from the gaps (rule 7 of DESIGN.md), and the plan the structure keeps."""

from __future__ import annotations

from typing import Any

from .model import Questionnaire
from .score import score as compute_scores

DEFAULT_IMPORTANCE = 2


def suggestions(q: Questionnaire, assessment: dict[str, Any], scores: dict[str, Any] | None = None) -> dict[str, Any]:
    """Criteria with a gap, by priority gap × weight × importance (ties: questionnaire order),
    and the "à clarifier" items from "je ne sais pas"."""
    scores = scores or compute_scores(q, assessment)
    importance = assessment.get("importance") or {}
    items = []
    clarify = []
    for c in q.criteria:
        entry = scores["criteria"][c.id]
        if not entry["applies"]:
            continue
        if entry["value"] == "dk":
            clarify.append({"criterion": c.id, "question": c.question, "theme": c.theme_id, "pillar": c.pillar_id})
        gap = entry["gap"]
        if not gap:
            continue
        value = entry["value"]
        imp = importance.get(c.id, DEFAULT_IMPORTANCE)
        items.append({
            "criterion": c.id, "theme": c.theme_id, "pillar": c.pillar_id, "question": c.question,
            "value": value, "target": entry["target"], "gap": gap, "weight": c.weight, "importance": imp,
            "priority": gap * c.weight * imp, "objective": c.descriptor(value + 1), "offers": list(c.offers),
        })
    items.sort(key=lambda s: (-s["priority"], q.order[s["criterion"]]))
    return {"suggestions": items, "clarify": clarify}


STATUS_LABELS = {"todo": "À faire", "doing": "En cours", "done": "Fait", "dropped": "Abandonné"}


def effective_plan(q: Questionnaire, assessment: dict[str, Any]) -> list[dict[str, Any]]:
    """The actions the structure kept (dropped ones left out); while it has kept none, the
    suggestions it has not dropped, as a draft plan."""
    plan = assessment.get("plan") or []
    kept = [i for i in plan if i.get("status") != "dropped"]
    if kept:
        return kept
    dropped = {i.get("criterion") for i in plan}
    return [
        {"id": f"suggestion-{s['criterion']}", "criterion": s["criterion"], "action": s["objective"],
         "owner": "", "due": "", "status": "todo", "offers": s["offers"]}
        for s in suggestions(q, assessment)["suggestions"] if s["criterion"] not in dropped
    ]


def plan_csv(q: Questionnaire, assessment: dict[str, Any]) -> str:
    """The plan as CSV for French spreadsheets: UTF-8 with BOM, ';' separator, CRLF, French months."""
    import csv
    import io

    from .fmt import month

    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Pilier", "Thème", "Critère", "Question", "Niveau actuel", "Niveau visé", "Action",
                     "Responsable", "Échéance", "Statut", "Offres à mobiliser"])
    scores = compute_scores(q, assessment)
    for item in effective_plan(q, assessment):
        c = q.criterion_by_id.get(item.get("criterion") or "")
        entry = scores["criteria"].get(c.id) if c else None
        value = entry["value"] if entry else None
        offers = [q.offer_by_id[o].title if o in q.offer_by_id else o for o in item.get("offers", [])]
        writer.writerow([
            q.pillar_by_id[c.pillar_id].title if c else "",
            q.theme_by_id[c.theme_id].title if c else "",
            c.id if c else "", c.question if c else "",
            value if isinstance(value, int) else (q.scale.label(value) if value else ""),
            entry["target"] if entry else "",
            _safe_cell(item.get("action", "")), _safe_cell(item.get("owner", "")), month(item.get("due")),
            STATUS_LABELS.get(item.get("status", "todo"), ""), " ; ".join(offers),
        ])
    return "\ufeff" + out.getvalue()


def _safe_cell(text: str) -> str:
    """Neutralise spreadsheet formulas typed in free text (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text

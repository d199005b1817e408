"""Plan suggestions from the gaps (the plan rule: README.md, « Scoring rule »), and the plan the structure keeps.

A suggestion's `action` is the criterion's action in verbs for the target level (`Criterion.action`;
the next level's descriptor while none is written); its `situation` ("situation visée") is the
target level's descriptor, shown apart from the action. `explain` says in words what the gap
("écart") and the priority are.
"""

from __future__ import annotations

import re
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
        target = entry["target"]
        imp = importance.get(c.id, DEFAULT_IMPORTANCE)
        priority = gap * c.weight * imp
        items.append({
            "criterion": c.id, "theme": c.theme_id, "pillar": c.pillar_id, "question": c.question,
            "value": value, "target": target, "gap": gap, "weight": c.weight, "importance": imp,
            "priority": priority, "objective": c.descriptor(value + 1),
            "action": c.action(target) or c.descriptor(value + 1), "situation": c.descriptor(target),
            "explain": explain(value, target, gap, c.weight, imp, priority), "offers": list(c.offers),
        })
    items.sort(key=lambda s: (-s["priority"], q.order[s["criterion"]]))
    return {"suggestions": items, "clarify": clarify}


def _n(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def explain(value: int, target: int, gap: int, weight: float, importance: int, priority: float) -> str:
    """The gap and the priority in words, e.g. for a suggestion shown to the team."""
    levels = "niveau" if gap == 1 else "niveaux"
    return (f"Écart : {gap} {levels} entre aujourd'hui ({value}) et le niveau visé ({target}). "
            f"Priorité {_n(priority)} = écart {gap} × poids du critère {_n(weight)} × importance pour vous "
            f"{importance} (1 faible, 2 normale, 3 forte) : plus elle est haute, plus la suggestion vient tôt.")


def situation_of(q: Questionnaire, assessment: dict[str, Any], item: dict[str, Any]) -> str:
    """The "situation visée" of a plan item: the descriptor of its criterion's target level (the
    structure's target, else the criterion's requirement); what the item holds when its criterion
    is unknown (removed since) or when it has none."""
    criterion = item.get("criterion")
    c = q.criterion_by_id.get(criterion) if isinstance(criterion, str) else None
    if c is not None:
        targets = assessment.get("targets") or {}
        target = targets.get(c.id, c.requirement)
        if type(target) is int and 1 <= target <= 4:
            return c.descriptor(target)
    situation = item.get("situation")
    return situation if isinstance(situation, str) else ""


STATUS_LABELS = {"todo": "À faire", "doing": "En cours", "done": "Fait", "dropped": "Abandonné"}


def effective_plan(q: Questionnaire, assessment: dict[str, Any]) -> list[dict[str, Any]]:
    """The actions the structure kept (dropped ones left out); while it has kept none, the
    suggestions it has not dropped, as a draft plan."""
    plan = [i for i in assessment.get("plan") or [] if isinstance(i, dict)]
    kept = [i for i in plan if i.get("status") != "dropped"]
    if kept:
        return kept
    dropped = {i.get("criterion") for i in plan if isinstance(i.get("criterion"), str)}
    return [
        {"id": f"suggestion-{s['criterion']}", "criterion": s["criterion"], "action": s["action"],
         "situation": s["situation"], "owner": "", "due": "", "status": "todo", "offers": s["offers"]}
        for s in suggestions(q, assessment)["suggestions"] if s["criterion"] not in dropped
    ]


def plan_csv(q: Questionnaire, assessment: dict[str, Any]) -> str:
    """The plan as CSV for French spreadsheets: UTF-8 with BOM, ';' separator, CRLF, French months.

    Every cell goes through `safe_cell`: the file may hold text from anyone (an imported plan,
    a questionnaire fork), and a spreadsheet must never run it as a formula.
    """
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in ("Pilier", "Thème", "Critère", "Question", "Niveau actuel", "Niveau visé",
                                            "Action", "Situation visée", "Responsable", "Échéance", "Statut",
                                            "Offres à mobiliser")])
    scores = compute_scores(q, assessment)
    for item in effective_plan(q, assessment):
        criterion = item.get("criterion")
        c = q.criterion_by_id.get(criterion) if isinstance(criterion, str) else None
        entry = scores["criteria"].get(c.id) if c else None
        value = entry["value"] if entry else None
        offers = item.get("offers")
        offers = [q.offer_by_id[o].title if isinstance(o, str) and o in q.offer_by_id else _text(o)
                  for o in (offers if isinstance(offers, list) else [])]
        status = item.get("status") or "todo"
        row = [
            q.pillar_by_id[c.pillar_id].title if c else "",
            q.theme_by_id[c.theme_id].title if c else "",
            c.id if c else _text(criterion), c.question if c else "",
            value if isinstance(value, int) else (q.scale.label(value) if value else ""),
            entry["target"] if entry else "",
            _text(item.get("action")), situation_of(q, assessment, item), _text(item.get("owner")),
            _month(item.get("due")),
            STATUS_LABELS.get(status, _text(status)) if isinstance(status, str) else _text(status),
            " ; ".join(safe_cell(o) for o in offers),
        ]
        writer.writerow([safe_cell(_text(cell)) for cell in row])
    return "\ufeff" + out.getvalue()


def _text(value: Any) -> str:
    return "" if value is None else value if isinstance(value, str) else str(value)


def _month(due: Any) -> str:
    """'2027-06' → 'juin 2027'; anything else is kept as written (a cell is never dropped)."""
    from .fmt import month

    text = _text(due)
    return month(text) if MONTH_RE.match(text) else text


# OWASP "CSV injection": a cell a spreadsheet may read as a formula starts with one of these,
# possibly after spaces (LibreOffice and Excel skip them); full-width forms are folded by some
# spreadsheets (Excel's IME input, Google Sheets). `|` and `%` guard old DDE and URL-encoded tricks.
FORMULA_STARTS = frozenset("=+-@\t\r\n|%\uff1d\uff0b\uff0d\uff20\ufe62\ufe63\ufe66\u2212")
MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def safe_cell(text: str) -> str:
    """Neutralise a cell a spreadsheet could read as a formula (CSV injection): prefix it with `'`.

    The quote shows in the cell, so nothing the user wrote is lost, and no formula ever runs.
    """
    if text[:1] in FORMULA_STARTS or text.lstrip()[:1] in FORMULA_STARTS:
        return "'" + text
    return text

"""Follow-up over time: several assessments of one structure, ordered by date.

`evolution` orders the assessments, scores each one and compares them (first → last and each
step, with `compare.compare`); `evolution_html` is the fragment the Évolution page shows (an SVG
line chart with a table alternative, criteria that rose or fell, plan items done) and
`evolution_page` the same as a standalone printable document.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from . import fmt
from .campaign import FINAL_LABELS, final_plans
from .compare import compare
from .consolidate import structure_names
from .html import esc, page, raw_number
from .model import Questionnaire
from .score import score

# One style per line: colour, dash pattern and marker shape, so that no line is told by colour alone.
SERIES_STYLE = (
    ("#1a3e8c", "", "circle"),
    ("#a33b00", "8 4", "square"),
    ("#1b6e20", "2 4", "triangle"),
    ("#6a1b9a", "10 4 2 4", "diamond"),
    ("#5d4037", "4 2", "cross"),
)
OVERALL_STYLE = ("#111111", "", "disc")


def date_of(assessment: dict[str, Any]) -> str:
    """The date an assessment stands for: its last change (as `compare` reports it)."""
    return str(assessment.get("updated") or assessment.get("created") or "")


def order(items: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """Sort (file name, assessment) by date, oldest first; drop an assessment given twice.

    Returns {"kept": [(name, assessment)], "notes": [{file, level, message}]} with French notes.
    """
    kept: list[tuple[str, dict[str, Any]]] = []
    notes: list[dict[str, str]] = []
    seen: dict[tuple[str, str], str] = {}
    for name, a in items:
        key = (str(a.get("id") or ""), date_of(a))
        if key[0] and key in seen:
            notes.append({"file": name, "level": "refused",
                          "message": f"Même évaluation, à la même date, que « {seen[key]} » : comptée une seule fois."})
            continue
        seen[key] = name
        kept.append((name, a))
    kept.sort(key=lambda item: date_of(item[1]))  # stable: equal dates keep the order given
    names = structure_names(a for _, a in kept)
    if len(names) > 1:
        listed = fmt.quoted(names.values())
        notes.append({"file": "", "level": "warning",
                      "message": f"Les évaluations nomment plusieurs structures ({listed}) : une évolution n'a de sens "
                                 "que pour une même structure."})
    return {"kept": kept, "notes": notes}


def evolution(q: Questionnaire, assessments: list[dict[str, Any]]) -> dict[str, Any]:
    """Scores at each date and the changes: first → last (`total`) and each consecutive `steps`.

    `assessments` must already be read and ordered (see `order`).
    """
    points = []
    for a in assessments:
        s = score(q, a)
        points.append({
            "id": a.get("id"), "date": date_of(a), "kind": a.get("kind", "individual"),
            "name": (a.get("structure") or {}).get("name") or "",
            "overall": s["overall"]["percent"],
            "pillars": {pid: p["percent"] for pid, p in s["pillars"].items()},
            "themes": {tid: t["percent"] for tid, t in s["themes"].items()},
        })
    steps = [compare(q, old, new) for old, new in pairwise(assessments)]
    total = compare(q, assessments[0], assessments[-1]) if len(assessments) >= 2 else None
    plans = final_plans(assessments)
    moves = criteria_moves(q, assessments[-2], assessments[-1]) if len(assessments) >= 2 else []
    return {"points": points, "steps": steps, "total": total, "plans": plans, "done": done_actions(plans),
            "moves": moves}


def done_actions(plans: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Every action whose final status is "fait", in any year's plan (the status the next file's
    review recorded, else its own), once each (the latest year's entry for an id met twice)."""
    seen: dict[str, dict[str, Any]] = {}
    for items in plans:
        for item in items:
            if item["final"] == "done":
                seen.pop(str(item["id"]), None)
                seen[str(item["id"])] = item
    return list(seen.values())


MOVES = {"up": ("▲", "en hausse"), "down": ("▼", "en baisse"), "same": ("=", "identique"),
         "none": ("", "non comparable")}


def criteria_moves(q: Questionnaire, old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    """Criterion by criterion, in questionnaire order, what moved between two assessments:
    {criterion, old, new, move: up | down | same | none}; criteria answered in neither are left out."""
    out = []
    for c in q.criteria:
        a = ((old.get("answers") or {}).get(c.id) or {}).get("value")
        b = ((new.get("answers") or {}).get(c.id) or {}).get("value")
        if a is None and b is None:
            continue
        if type(a) is int and type(b) is int:
            move = "up" if b > a else "down" if b < a else "same"
        else:
            move = "same" if a == b else "none"
        out.append({"criterion": c.id, "old": a, "new": b, "move": move})
    return out


# -- display -----------------------------------------------------------------------------------

MINUS = "\u2212"


def signed(delta: float | None) -> str:
    """+4,4 pts, −2 pts, 0 pt; '–' when one side has no score."""
    if delta is None:
        return "–"
    if abs(delta) < 0.05:
        return f"0{fmt.NBSP}pt"
    sign = "+" if delta > 0 else MINUS
    return f"{sign}{fmt.number(abs(delta))}{fmt.NBSP}pts"


def trend(delta: float | None) -> tuple[str, str]:
    """A symbol and its words, so that a change is never told by colour alone."""
    if delta is None:
        return "", "non comparable"
    if abs(delta) < 0.05:
        return "=", "stable"
    return ("▲", "en hausse") if delta > 0 else ("▼", "en baisse")


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    if shape in ("circle", "disc"):
        r = 5 if shape == "disc" else 4
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" fill="{colour}" stroke="{colour}"/>'
    if shape == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}"/>'
    if shape == "triangle":
        points = f"{x:.1f},{y - 5:.1f} {x + 5:.1f},{y + 4:.1f} {x - 5:.1f},{y + 4:.1f}"
        return f'<polygon points="{points}" fill="{colour}"/>'
    if shape == "diamond":
        points = f"{x:.1f},{y - 5:.1f} {x + 5:.1f},{y:.1f} {x:.1f},{y + 5:.1f} {x - 5:.1f},{y:.1f}"
        return f'<polygon points="{points}" fill="{colour}"/>'
    path = f"M{x - 4:.1f},{y - 4:.1f}L{x + 4:.1f},{y + 4:.1f}M{x - 4:.1f},{y + 4:.1f}L{x + 4:.1f},{y - 4:.1f}"
    return f'<path d="{path}" stroke="{colour}" stroke-width="2.5"/>'


def line_chart_svg(labels: list[str], series: list[tuple[str, list[float | None], tuple[str, str, str], str]],
                   title: str, chart_id: str = "evo") -> str:
    """A line chart of percents (0–100) over `labels` (dates). Each series: name, values, style, css key.

    Lines break where a value is missing. The <desc> lists every value for screen readers; the
    page also gives the same figures as a table.
    """
    width, height = 640, 300
    left, right, top, bottom = 48, 24, 16, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    n = len(labels)

    def x(i: int) -> float:
        return left + (plot_w / 2 if n == 1 else plot_w * i / (n - 1))

    def y(v: float) -> float:
        return top + plot_h * (1 - v / 100)

    desc = " ; ".join(f"{name} : " + ", ".join(f"{lab} {fmt.percent(v)}" for lab, v in zip(labels, vals, strict=False))
                      for name, vals, _, _ in series)
    parts = [f'<svg class="cap-evo-chart" viewBox="0 0 {width} {height}" role="img" '
             f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg">',
             f'<title id="{chart_id}-title">{esc(title)}</title><desc id="{chart_id}-desc">{esc(desc)}</desc>']
    for v in (0, 25, 50, 75, 100):
        parts.append(f'<line class="grid" x1="{left}" x2="{width - right}" y1="{y(v):.1f}" y2="{y(v):.1f}" '
                     f'stroke="#b0b0b0" stroke-width="1"/>')
        parts.append(f'<text class="tick" x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end" font-size="12" '
                     f'fill="currentColor">{v}{fmt.NBSP}%</text>')
    for i, lab in enumerate(labels):
        anchor = "middle" if 0 < i < n - 1 or n == 1 else ("start" if i == 0 else "end")
        parts.append(f'<text class="tick" x="{x(i):.1f}" y="{height - bottom + 20}" text-anchor="{anchor}" '
                     f'font-size="12" fill="currentColor">{esc(lab)}</text>')
    for name, vals, (colour, dash, shape), key in series:
        group = [f'<g class="series s-{esc(key)}"><title>{esc(name)}</title>']
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        width_attr = "3.5" if key == "overall" else "2.5"
        for i in range(n - 1):
            a, b = vals[i], vals[i + 1]
            if a is not None and b is not None:
                group.append(f'<line x1="{x(i):.1f}" y1="{y(a):.1f}" x2="{x(i + 1):.1f}" y2="{y(b):.1f}" '
                             f'stroke="{colour}" stroke-width="{width_attr}"{dash_attr}/>')
        for i, v in enumerate(vals):
            if v is not None:
                group.append(_marker(shape, x(i), y(v), colour))
        group.append("</g>")
        parts.append("".join(group))
    parts.append("</svg>")
    return "".join(parts)


def _legend_svg(style: tuple[str, str, str], key: str) -> str:
    colour, dash, shape = style
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    return (f'<svg class="cap-evo-key s-{esc(key)}" viewBox="0 0 36 12" width="36" height="12" aria-hidden="true">'
            f'<line x1="0" y1="6" x2="36" y2="6" stroke="{colour}" stroke-width="2.5"{dash_attr}/>'
            f'{_marker(shape, 18, 6, colour)}</svg>')


def _series(q: Questionnaire, points: list[dict[str, Any]]) -> list[tuple[str, list[float | None], tuple, str]]:
    out: list[tuple[str, list[float | None], tuple, str]] = [
        ("Score global", [p["overall"] for p in points], OVERALL_STYLE, "overall")]
    for i, pillar in enumerate(q.pillars):
        out.append((f"{pillar.number}. {pillar.title}", [p["pillars"].get(pillar.id) for p in points],
                    SERIES_STYLE[i % len(SERIES_STYLE)], pillar.id))
    return out


def chart_block(q: Questionnaire, points: list[dict[str, Any]], chart_id: str = "evo") -> str:
    labels = [fmt.date(p["date"]) or f"n° {i + 1}" for i, p in enumerate(points)]
    series = _series(q, points)
    svg = line_chart_svg(labels, series, "Score global et score de chaque pilier, à chaque évaluation", chart_id)
    legend = "".join(f'<li>{_legend_svg(style, key)} {esc(name)}</li>' for name, _, style, key in series)
    return (f'<figure class="cap-chart cap-evo-figure">{svg}<figcaption><ul class="cap-legend cap-evo-legend">{legend}'
            '</ul><p>Les mêmes chiffres figurent dans le tableau qui suit.</p></figcaption></figure>')


def _cell(value: float | None, delta: float | None, with_delta: bool) -> str:
    if not with_delta:
        return f"<td>{fmt.percent(value)}</td>"
    symbol, words = trend(delta)
    change = f' <span class="cap-evo-step">({esc(symbol)} {signed(delta)})</span>' if delta is not None else ""
    return f'<td>{fmt.percent(value)}{change}<span class="cap-sr"> {esc(words)}</span></td>'


def _total_cell(key: str, delta: float | None) -> str:
    symbol, words = trend(delta)
    css = {"▲": "up", "▼": "down", "=": "same"}.get(symbol, "none")
    return (f'<td class="cap-evo-delta cap-evo-{css}" data-delta="{esc(key)}" data-value="{raw_number(delta)}">'
            f'<span aria-hidden="true">{esc(symbol)}</span> {signed(delta)}'
            f'<span class="cap-sr"> ({esc(words)})</span></td>')


def scores_table(q: Questionnaire, result: dict[str, Any]) -> str:
    points, total, steps = result["points"], result["total"], result["steps"]
    heads = "".join(f'<th scope="col">{esc(fmt.date(p["date"]) or "Sans date")}'
                    + (' <span class="cap-evo-kind">(collective)</span>' if p["kind"] == "consolidated" else "")
                    + "</th>" for p in points)

    def row(css: str, title: str, key: str, values: list[float | None], step_deltas: list[float | None],
            total_delta: float | None) -> str:
        cells = "".join(_cell(v, None if i == 0 else step_deltas[i - 1], i > 0 and len(points) > 2)
                        for i, v in enumerate(values))
        return f'<tr class="{css}"><th scope="row">{esc(title)}</th>{cells}{_total_cell(key, total_delta)}</tr>'

    rows = [row("overall", "Score global", "overall", [p["overall"] for p in points],
                [s["overall_delta"] for s in steps], total["overall_delta"])]
    for p in q.pillars:
        rows.append(row("pillar", f"{p.number}. {p.title}", p.id, [pt["pillars"].get(p.id) for pt in points],
                        [s["pillars"][p.id]["delta"] for s in steps], total["pillars"][p.id]["delta"]))
        for t in p.themes:
            rows.append(row("theme", t.title, t.id, [pt["themes"].get(t.id) for pt in points],
                            [s["themes"][t.id]["delta"] for s in steps], total["themes"][t.id]["delta"]))
    first, last = fmt.date(points[0]["date"]), fmt.date(points[-1]["date"])
    return ('<div class="cap-table-scroll" tabindex="0" role="region" aria-label="Tableau des scores à chaque date">'
            '<table class="cap-scores cap-evo-table"><caption>Scores par pilier et par '
            f'thème à chaque date, et évolution du {esc(first)} au {esc(last)} (en points de pourcentage)</caption>'
            f'<thead><tr><th scope="col">Pilier / thème</th>{heads}<th scope="col">Évolution</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>')


def criteria_table(q: Questionnaire, items: list[dict[str, Any]], caption: str, css: str) -> str:
    if not items:
        return f'<p class="cap-evo-none">Aucun critère {esc(caption.split(" ", 1)[1].lower())}.</p>'
    rows = "".join(
        f'<tr data-criterion="{esc(i["criterion"])}"><th scope="row">{esc(q.criterion_by_id[i["criterion"]].question)} '
        f'<span class="cap-id">{esc(i["criterion"])}</span></th><td>{esc(q.scale.answer_label(i["old"]))}</td>'
        f'<td>{esc(q.scale.answer_label(i["new"]))}</td></tr>'
        for i in items if i["criterion"] in q.criterion_by_id)
    return (f'<div class="cap-table-scroll" tabindex="0" role="region" aria-label="{esc(caption)}">'
            f'<table class="cap-evo-criteria {css}"><caption>{esc(caption)} '
            f'({len(items)})</caption><thead><tr><th scope="col">Critère</th><th scope="col">Avant</th>'
            f'<th scope="col">Après</th></tr></thead><tbody>{rows}</tbody></table></div>')


def moves_block(q: Questionnaire, moves: list[dict[str, Any]], old: dict[str, Any], new: dict[str, Any]) -> str:
    """Every criterion answered in either of the two latest assessments: before, after, the move in words."""
    if not moves:
        return '<p class="cap-evo-none">Aucun critère répondu dans ces deux évaluations.</p>'
    counts = {key: sum(1 for m in moves if m["move"] == key) for key in MOVES}
    rows = []
    for m in moves:
        c = q.criterion_by_id[m["criterion"]]
        symbol, words = MOVES[m["move"]]
        mark = f'<span aria-hidden="true">{symbol}</span> ' if symbol else ""
        rows.append(f'<tr data-criterion="{esc(c.id)}" data-move="{m["move"]}"><th scope="row">{esc(c.question)} '
                    f'<span class="cap-id">{esc(c.id)}</span></th><td>{esc(q.scale.answer_label(m["old"]))}</td>'
                    f'<td>{esc(q.scale.answer_label(m["new"]))}</td>'
                    f'<td class="cap-evo-move cap-evo-{m["move"]}">{mark}{words}</td></tr>')
    first, last = fmt.date(old["date"]) or "avant", fmt.date(new["date"]) or "après"
    summary = (f'Critère par critère, du {esc(first)} au {esc(last)} : {counts["up"]} en hausse, {counts["down"]} en '
               f'baisse, {counts["same"]} identique(s)')
    if counts["none"]:
        summary += f', {counts["none"]} non comparable(s)'
    return (f'<details class="cap-evo-moves"><summary>{summary}</summary>'
            f'<div class="cap-table-scroll" tabindex="0" role="region" aria-label="Critère par critère">'
            f'<table class="cap-evo-criteria cap-evo-all"><caption>Réponses critère par critère, du {esc(first)} au '
            f'{esc(last)}</caption><thead><tr><th scope="col">Critère</th><th scope="col">Avant</th>'
            f'<th scope="col">Après</th><th scope="col">Mouvement</th></tr></thead><tbody>{"".join(rows)}</tbody>'
            '</table></div></details>')


def plans_block(q: Questionnaire, points: list[dict[str, Any]], plans: list[list[dict[str, Any]]]) -> str:
    """Each assessment's plan with each action's final status (the one the next year's review recorded)."""
    parts = []
    for n, (point, items) in enumerate(zip(points, plans, strict=True)):
        day = fmt.date(point["date"]) or "sans date"
        last = n == len(points) - 1
        if not items:
            parts.append(f'<p class="cap-evo-plan-empty">Plan de l\'évaluation du {esc(day)} : aucune action.</p>')
            continue
        rows = []
        for i in items:
            c = q.criterion_by_id.get(i.get("criterion") or "")
            about = (f'<br><span class="cap-evo-about">{esc(c.question)} <span class="cap-id">{esc(c.id)}</span></span>'
                     if c else "")
            label = FINAL_LABELS.get(i["final"], i["final"])
            rows.append(f'<tr data-action-id="{esc(str(i["id"]))}" data-final="{esc(i["final"])}"><th scope="row">'
                        f'{esc(i["action"] or "Action sans intitulé")}{about}</th><td>{esc(i["owner"]) or "–"}</td>'
                        f'<td class="cap-evo-final cap-evo-final-{esc(i["final"])}">{esc(label)}</td></tr>')
        head = "Statut actuel" if last else "Statut final"
        parts.append(f'<div class="cap-table-scroll" tabindex="0" role="region" aria-label="Plan du {esc(day)}">'
                     f'<table class="cap-evo-plan"><caption>Plan de l\'évaluation du {esc(day)} '
                     f'({len(items)} action(s))</caption><thead><tr><th scope="col">Action</th>'
                     f'<th scope="col">Responsable</th><th scope="col">{head}</th></tr></thead>'
                     f'<tbody>{"".join(rows)}</tbody></table></div>')
    return "".join(parts)


def done_block(q: Questionnaire, done: list[dict[str, Any]]) -> str:
    if not done:
        return ("<p>Aucune action marquée « fait » dans les plans de ces évaluations (le statut des actions se met à "
                "jour dans le plan de progrès de la page Évaluer, et dans le bilan du plan d'une nouvelle évaluation)."
                "</p>")
    items = []
    for i in done:
        c = q.criterion_by_id.get(i.get("criterion") or "")
        about = f' <span class="cap-id">{esc(c.id)}</span>' if c else ""
        owner = f" — {esc(i.get('owner'))}" if i.get("owner") else ""
        items.append(f"<li>{esc(i.get('action') or 'Action sans intitulé')}{owner}{about}</li>")
    return f'<ul class="cap-evo-done">{"".join(items)}</ul>'


def _summary(q: Questionnaire, result: dict[str, Any]) -> str:
    points, total = result["points"], result["total"]
    first, last = points[0], points[-1]
    symbol, words = trend(total["overall_delta"])
    return (f'<p class="cap-evo-summary">Du {esc(fmt.date(first["date"]))} au {esc(fmt.date(last["date"]))} '
            f'({len(points)} évaluations) : score global de <strong>{fmt.percent(first["overall"])}</strong> à '
            f'<strong>{fmt.percent(last["overall"])}</strong> ({esc(symbol)} {signed(total["overall_delta"])}, '
            f'{esc(words)}) ; {len(total["rose"])} critère(s) en progrès, {len(total["fell"])} en recul, '
            f'{len(result.get("done", total["plan_done"]))} action(s) réalisée(s).</p>')


def _body(q: Questionnaire, result: dict[str, Any], chart_id: str) -> str:
    total, steps, points = result["total"], result["steps"], result["points"]
    parts = [_summary(q, result), chart_block(q, points, chart_id), scores_table(q, result),
             '<h3>Critères qui ont progressé</h3>',
             criteria_table(q, total["rose"], "Critères en progrès", "cap-evo-rose"),
             '<h3>Critères qui ont reculé</h3>',
             criteria_table(q, total["fell"], "Critères en recul", "cap-evo-fell"),
             '<h3>Ce qui a bougé, critère par critère</h3>',
             moves_block(q, result.get("moves", []), points[-2], points[-1]),
             '<h3>Actions du plan réalisées</h3>', done_block(q, result.get("done", total["plan_done"])),
             '<h3>Le plan, évaluation par évaluation</h3>', plans_block(q, points, result.get("plans", []))]
    if len(steps) > 1:
        details = []
        for n, (step, old, new) in enumerate(zip(steps, points, points[1:], strict=False), start=1):
            details.append(
                f'<details class="cap-evo-stepdetail"><summary>Étape {n} : du {esc(fmt.date(old["date"]))} au '
                f'{esc(fmt.date(new["date"]))} ({signed(step["overall_delta"])} sur le score global)</summary>'
                + criteria_table(q, step["rose"], "Critères en progrès", "cap-evo-rose")
                + criteria_table(q, step["fell"], "Critères en recul", "cap-evo-fell")
                + "</details>")
        parts.append('<h3>Étape par étape</h3>' + "".join(details))
    return "".join(parts)


def evolution_html(q: Questionnaire, assessments: list[dict[str, Any]], result: dict[str, Any] | None = None) -> str:
    """The live fragment of the Évolution page (assessments read and ordered; two at least)."""
    result = result or evolution(q, assessments)
    return f'<section class="cap-evolution" aria-label="Évolution">{_body(q, result, "evo")}</section>'


EXTRA_CSS = """
.cap-evo-figure { display: block; margin: 4mm 0; }
.cap-evo-chart { display: block; width: 100%; max-width: 175mm; height: auto; }
.cap-evo-legend { list-style: none; padding: 0; margin: 2mm 0; display: flex; flex-wrap: wrap; gap: 1mm 6mm; }
.cap-evo-legend li { margin: 0; }
.cap-evo-key { vertical-align: middle; margin-right: 1mm; }
.cap-sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
tr.overall th, tr.overall td { font-weight: 700; }
.cap-evo-step, .cap-evo-delta { white-space: nowrap; }
.cap-evo-step { color: #444; font-size: 8.5pt; }
figcaption p { margin: 1mm 0; font-size: 9pt; color: #444; }
details > summary { font-weight: 600; margin: 3mm 0 1mm; }
"""


def evolution_page(q: Questionnaire, assessments: list[dict[str, Any]], result: dict[str, Any] | None = None) -> str:
    """The printable version: a standalone A4 document, no script."""
    result = result or evolution(q, assessments)
    name = next((p["name"] for p in reversed(result["points"]) if p["name"]), "") or "Structure sans nom"
    head = (f'<h1>Évolution dans le temps</h1><p class="sub">{esc(name)} · questionnaire {esc(q.title)}, '
            f'version {esc(q.version)}</p>')
    body = _body(q, result, "evo-print").replace("<details ", "<details open ")
    return page(f"Évolution — {name}", f"<style>{EXTRA_CSS}</style>{head}{body}")

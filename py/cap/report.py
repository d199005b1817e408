"""HTML of the results and of the printable plan. The browser and the CLI print the same document.

Every text that comes from a user or a file goes through `esc`. Charts are inline SVG with a
text alternative and a table beside them.
"""

from __future__ import annotations

import math
from html import escape
from typing import Any

from . import fmt
from .model import Questionnaire
from .plan import STATUS_LABELS, effective_plan, suggestions
from .score import indicator_values, score, strengths


def esc(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


# -- charts -----------------------------------------------------------------------------------

def radar_svg(labels: list[str], series: list[tuple[str, list[float | None], str]], size: int = 320) -> str:
    """A radar chart: one axis per label, one polygon per series (name, percents, css class)."""
    n = len(labels)
    if n < 3:
        return ""
    cx = cy = size / 2
    r = size / 2 - 60
    pad = 80

    def point(i: int, pct: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * i / n
        return cx + r * pct / 100 * math.cos(angle), cy + r * pct / 100 * math.sin(angle)

    parts = [f'<svg class="cap-radar" viewBox="{-pad} 0 {size + 2 * pad} {size}" role="img" '
             f'aria-labelledby="radar-title radar-desc" xmlns="http://www.w3.org/2000/svg">']
    desc = "; ".join(
        f"{esc(lab)} : " + ", ".join(f"{esc(name)} {fmt.percent(vals[i])}" for name, vals, _ in series)
        for i, lab in enumerate(labels))
    parts.append('<title id="radar-title">Profil par pilier</title>')
    parts.append(f'<desc id="radar-desc">{desc}</desc>')
    for ring in (25, 50, 75, 100):
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, ring) for i in range(n)))
        parts.append(f'<polygon class="grid" points="{pts}"/>')
    for i, lab in enumerate(labels):
        x, y = point(i, 100)
        parts.append(f'<line class="axis" x1="{cx}" y1="{cy}" x2="{x:.1f}" y2="{y:.1f}"/>')
        lx, ly = point(i, 118)
        anchor = "middle" if abs(lx - cx) < 5 else ("start" if lx > cx else "end")
        lines = _wrap(lab)
        top = ly + 4 - (len(lines) - 1) * 8
        spans = "".join(f'<tspan x="{lx:.1f}" y="{top + 16 * n:.1f}">{esc(line)}</tspan>' for n, line in enumerate(lines))
        parts.append(f'<text class="label" text-anchor="{anchor}">{spans}</text>')
    for name, vals, css in series:
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, v or 0) for i, v in enumerate(vals)))
        parts.append(f'<polygon class="series {css}" points="{pts}"><title>{esc(name)}</title></polygon>')
    parts.append("</svg>")
    return "".join(parts)


def _wrap(label: str, width: int = 13) -> list[str]:
    """Split a long axis label on two lines so it stays inside the chart."""
    if len(label) <= width or " " not in label:
        return [label]
    words = label.split()
    best = min(range(1, len(words)), key=lambda k: abs(len(" ".join(words[:k])) - len(" ".join(words[k:]))))
    return [" ".join(words[:best]), " ".join(words[best:])]


def _legend(series: list[tuple[str, str]]) -> str:
    items = "".join(f'<li><span class="swatch {css}" aria-hidden="true"></span>{esc(name)}</li>' for name, css in series)
    return f'<ul class="cap-legend">{items}</ul>'


# -- results ----------------------------------------------------------------------------------

# The profile drawn from each criterion's `requirement`: a level this tool proposes, not one set by COORACE.
REPERE = "Repère de l'outil"
REPERE_NOTE = ('<p class="cap-note">Repère de l\'outil : le score qu\'aurait une structure au niveau proposé par '
               'CAP en ligne pour chaque critère (le plus souvent le niveau 3). Ce repère est fixé par les auteurs de '
               'l\'outil, pas par COORACE ; votre équipe choisit ses propres niveaux visés dans le plan de progrès.</p>')


def scores_table(q: Questionnaire, s: dict[str, Any]) -> str:
    rows = []
    for p in q.pillars:
        ps = s["pillars"][p.id]
        flag = ' <strong class="cap-partial">résultat partiel</strong>' if ps["partial"] else ""
        rows.append(
            f'<tr class="pillar"><th scope="row">{esc(p.title)}</th>'
            f'<td data-score="{esc(p.id)}" data-value="{_raw(ps["percent"])}">{fmt.percent(ps["percent"])}</td>'
            f'<td>{fmt.level(ps["level"])}</td><td>{fmt.percent(ps["expected"])}</td>'
            f'<td>{fmt.percent(None if ps["completion"] is None else ps["completion"] * 100)}{flag}</td></tr>')
        for t in p.themes:
            ts = s["themes"][t.id]
            rows.append(
                f'<tr class="theme"><th scope="row">{esc(t.title)}</th>'
                f'<td data-score="{esc(t.id)}" data-value="{_raw(ts["percent"])}">{fmt.percent(ts["percent"])}</td>'
                f'<td>{fmt.level(ts["level"])}</td><td>{fmt.percent(ts["expected"])}</td><td></td></tr>')
    return ('<table class="cap-scores"><caption>Scores par pilier et par thème</caption><thead><tr>'
            '<th scope="col">Pilier / thème</th><th scope="col">Score</th><th scope="col">Niveau</th>'
            f'<th scope="col">{REPERE}</th><th scope="col">Réponses</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>{REPERE_NOTE}')


def _raw(value: float | None) -> str:
    return "" if value is None else repr(float(value))


def radar(q: Questionnaire, s: dict[str, Any]) -> str:
    labels = [p.short_title for p in q.pillars]
    series = [("Votre structure", [s["pillars"][p.id]["percent"] for p in q.pillars], "own"),
              (REPERE, [s["pillars"][p.id]["expected"] for p in q.pillars], "expected")]
    svg = radar_svg(labels, series)
    return f'<figure class="cap-chart">{svg}{_legend([(n, c) for n, _, c in series])}</figure>' if svg else ""


def overall_block(s: dict[str, Any]) -> str:
    o = s["overall"]
    partial = (' <span class="cap-partial">Résultat partiel : au moins un pilier a moins de la moitié '
               'de réponses.</span>') if o["partial"] else ""
    completion = fmt.percent(None if o["completion"] is None else o["completion"] * 100)
    return (f'<p class="cap-overall">Score global : <strong data-score="overall" data-value="{_raw(o["percent"])}">'
            f'{fmt.percent(o["percent"])}</strong> <span class="cap-level">({fmt.level(o["level"])})</span>'
            f' · {o["answered"]} réponses sur {o["applicable"]} critères ({completion}).{partial}</p>')


def strengths_block(q: Questionnaire, s: dict[str, Any], limit: int = 5) -> str:
    ids = strengths(q, s, limit)
    if not ids:
        return '<p>Aucun point fort encore : aucun critère n\'atteint le niveau visé.</p>'
    items = "".join(f'<li><span class="cap-id">{esc(c)}</span> {esc(q.criterion_by_id[c].question)} '
                    f'<em>(niveau {s["criteria"][c]["value"]})</em></li>' for c in ids)
    return f'<ul class="cap-strengths">{items}</ul>'


def gaps_block(q: Questionnaire, plan: dict[str, Any], limit: int = 8) -> str:
    items = plan["suggestions"][:limit]
    if not items:
        return "<p>Aucun écart avec le niveau visé pour les critères répondus.</p>"
    rows = "".join(
        f'<tr><th scope="row"><span class="cap-id">{esc(i["criterion"])}</span> {esc(i["question"])}</th>'
        f'<td>{i["value"]}</td><td>{i["target"]}</td><td>{esc(i["objective"])}</td>'
        f'<td>{esc(", ".join(q.offer_by_id[o].title for o in i["offers"] if o in q.offer_by_id))}</td></tr>'
        for i in items)
    return ('<table class="cap-gaps"><caption>Écarts au niveau visé, par priorité</caption><thead><tr>'
            '<th scope="col">Critère</th><th scope="col">Niveau</th><th scope="col">Visé</th>'
            '<th scope="col">Objectif (niveau suivant)</th><th scope="col">Offres</th></tr></thead>'
            f'<tbody>{rows}</tbody></table>')


def clarify_block(q: Questionnaire, plan: dict[str, Any]) -> str:
    if not plan["clarify"]:
        return ""
    items = "".join(f'<li><span class="cap-id">{esc(i["criterion"])}</span> {esc(i["question"])}</li>'
                    for i in plan["clarify"])
    return f'<h3>À clarifier (« je ne sais pas »)</h3><ul class="cap-clarify">{items}</ul>'


def results_html(q: Questionnaire, assessment: dict[str, Any], s: dict[str, Any] | None = None,
                 p: dict[str, Any] | None = None) -> str:
    """The live results fragment of the assessment page (scores and plan passed when already computed)."""
    s = s or score(q, assessment)
    p = p or suggestions(q, assessment, s)
    return (f'<section class="cap-results" aria-label="Résultats">{overall_block(s)}{radar(q, s)}'
            f'{scores_table(q, s)}<h3>Points forts</h3>{strengths_block(q, s)}'
            f'<h3>Priorités de progrès</h3>{gaps_block(q, p)}{clarify_block(q, p)}</section>')


# -- the printable plan -----------------------------------------------------------------------

PRINT_CSS = """
@page { size: A4; margin: 16mm 14mm; }
* { box-sizing: border-box; }
body { font: 10.5pt/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: #1a1a1a; margin: 0 auto; max-width: 190mm; padding: 8mm; }
h1 { font-size: 22pt; margin: 0 0 4mm; color: #0b3d62; }
h2 { font-size: 14pt; color: #0b3d62; border-bottom: 2px solid #0b3d62; padding-bottom: 1mm; margin: 8mm 0 3mm;
  break-after: avoid; }
h3 { font-size: 11.5pt; margin: 5mm 0 2mm; break-after: avoid; }
table { border-collapse: collapse; width: 100%; margin: 2mm 0 4mm; font-size: 9.5pt; }
caption { text-align: left; font-weight: 600; padding: 1mm 0; }
th, td { border: 1px solid #8a8a8a; padding: 1.5mm 2mm; vertical-align: top; text-align: left; }
thead th { background: #e8eef4; }
tr { break-inside: avoid; }
tr.pillar th, tr.pillar td { background: #f1f4f7; font-weight: 600; }
tr.theme th { font-weight: normal; padding-left: 6mm; }
.cover { min-height: 240mm; display: flex; flex-direction: column; justify-content: center; break-after: page; }
.cover .sub { font-size: 13pt; color: #333; }
.cover dl { display: grid; grid-template-columns: max-content 1fr; gap: 2mm 6mm; margin-top: 10mm; }
.cover dt { font-weight: 600; }
.cover dd { margin: 0; }
.cap-overall { font-size: 12pt; }
.cap-partial { color: #8a3b00; font-weight: 600; }
.cap-note { font-size: 9pt; color: #444; margin: 0 0 3mm; }
.cap-id { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 8.5pt; color: #444; white-space: nowrap; }
.cap-chart { margin: 0; display: flex; align-items: center; gap: 6mm; break-inside: avoid; }
.cap-radar { width: 95mm; height: auto; }
.cap-radar .grid { fill: none; stroke: #c8c8c8; }
.cap-radar .axis { stroke: #c8c8c8; }
.cap-radar .label { font-size: 14px; fill: #1a1a1a; }
.cap-radar .series.own { fill: rgba(11, 61, 98, .25); stroke: #0b3d62; stroke-width: 2; }
.cap-radar .series.expected { fill: none; stroke: #b34700; stroke-width: 2; stroke-dasharray: 6 4; }
.cap-legend { list-style: none; padding: 0; }
.cap-legend li { margin: 1mm 0; }
.swatch { display: inline-block; width: 10mm; height: 3mm; margin-right: 2mm; vertical-align: middle; }
.swatch.own { background: rgba(11, 61, 98, .35); border: 2px solid #0b3d62; }
.swatch.expected { border-top: 2px dashed #b34700; }
.offer { break-inside: avoid; margin-bottom: 3mm; }
.offer .ext { font-size: 9pt; color: #555; }
.summary .facts { color: #444; margin-top: -2mm; }
.summary-grid { display: grid; grid-template-columns: 1fr 1fr; gap: 4mm; align-items: center; }
.summary-grid .cap-chart { flex-direction: column; align-items: flex-start; }
.summary-grid .cap-radar { width: 80mm; }
h2.new-page { break-before: page; }
tbody th { font-weight: normal; }
.cap-gaps th[scope="row"] { width: 32%; }
.cap-gaps td:nth-child(4) { width: 38%; }
.no-print { display: none; }
footer { margin-top: 8mm; font-size: 8.5pt; color: #555; }
@media screen { body { background: #fff; } }
"""


def _cover(q: Questionnaire, a: dict[str, Any], title: str) -> str:
    structure = a.get("structure") or {}
    rows = [("Structure", structure.get("name") or "Structure sans nom"),
            ("Type", q.type_label(structure.get("type"))),
            ("Date de l'évaluation", fmt.date(a.get("updated"))),
            ("Questionnaire", f"{q.title}, version {q.version}")]
    if a.get("kind") == "consolidated":
        roles: dict[str, int] = {}
        for p in a.get("participants") or []:
            label = q.role_label(p.get("role"))
            roles[label] = roles.get(label, 0) + 1
        rows.append(("Participants", ", ".join(f"{label} ({n})" for label, n in roles.items()) or "–"))
    else:
        rows.append(("Répondant", q.role_label((a.get("respondent") or {}).get("role"))))
    dl = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in rows)
    kind = "Évaluation collective" if a.get("kind") == "consolidated" else "Auto-évaluation"
    return (f'<section class="cover"><p class="sub">CAP en ligne · {kind}</p><h1>{esc(title)}</h1>'
            f'<p class="sub">{esc(structure.get("name") or "")}</p><dl>{dl}</dl></section>')


def actions_table(q: Questionnaire, a: dict[str, Any]) -> str:
    items = [i for i in effective_plan(q, a) if i.get("status") != "dropped"]
    if not items:
        return "<p>Aucune action dans le plan.</p>"
    rows = []
    for i in items:
        c = q.criterion_by_id.get(i.get("criterion") or "")
        crit = f'<span class="cap-id">{esc(c.id)}</span> {esc(q.theme_by_id[c.theme_id].title)}' if c else "Action libre"
        offers = ", ".join(q.offer_by_id[o].title if o in q.offer_by_id else o for o in i.get("offers", []))
        rows.append(f'<tr><td>{crit}</td><td>{esc(i.get("action"))}</td><td>{esc(i.get("owner"))}</td>'
                    f'<td>{esc(fmt.month(i.get("due")))}</td><td>{esc(STATUS_LABELS.get(i.get("status", "todo")))}</td>'
                    f'<td>{esc(offers)}</td></tr>')
    return ('<table class="cap-actions"><caption>Actions du plan de progrès</caption><thead><tr>'
            '<th scope="col">Critère</th><th scope="col">Action</th><th scope="col">Responsable</th>'
            '<th scope="col">Échéance</th><th scope="col">Statut</th><th scope="col">Offres</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


def offers_block(q: Questionnaire, a: dict[str, Any]) -> str:
    used: list[str] = []
    for i in effective_plan(q, a):
        for o in i.get("offers", []):
            if o in q.offer_by_id and o not in used:
                used.append(o)
    if not used:
        return "<p>Aucune offre liée aux actions retenues.</p>"
    parts = []
    for oid in used:
        o = q.offer_by_id[oid]
        ext = ' <span class="ext">(ressource externe au réseau)</span>' if o.external else ""
        parts.append(f'<div class="offer"><h3>{esc(o.title)}{ext}</h3><p>{esc(o.field)} — {esc(o.description)}</p></div>')
    return "".join(parts)


def indicators_block(q: Questionnaire, a: dict[str, Any]) -> str:
    values = [v for v in indicator_values(q, a.get("indicators") or {}) if v["value"] is not None]
    if not values:
        return "<p>Aucun indicateur renseigné.</p>"
    rows = "".join(
        f'<tr><th scope="row">{esc(v["label"])}</th><td>'
        f'{fmt.percent(v["value"]) if v["type"] == "rate" else esc(fmt.number(v["value"], 0 if float(v["value"]).is_integer() else 1) + " " + v["unit"])}'
        '</td></tr>' for v in values)
    return ('<table class="cap-indicators"><caption>Indicateurs d\'utilité sociale territoriale</caption>'
            f'<thead><tr><th scope="col">Indicateur</th><th scope="col">Valeur</th></tr></thead><tbody>{rows}</tbody></table>')


def summary_section(q: Questionnaire, a: dict[str, Any], s: dict[str, Any]) -> str:
    """One page for the board, the general assembly and partners (printed on its own)."""
    structure = a.get("structure") or {}
    pillars = "".join(f'<tr><th scope="row">{esc(pl.title)}</th><td>{fmt.percent(s["pillars"][pl.id]["percent"])}</td>'
                      f'<td>{fmt.percent(s["pillars"][pl.id]["expected"])}</td></tr>' for pl in q.pillars)
    top = [i for i in effective_plan(q, a) if i.get("status") != "dropped"][:5]
    actions = "".join(f"<li>{esc(i.get('action'))}"
                      + (f" — {esc(i.get('owner'))}" if i.get("owner") else "")
                      + (f", {esc(fmt.month(i.get('due')))}" if i.get("due") else "") + "</li>" for i in top)
    offers = []
    for i in top:
        offers.extend(o for o in i.get("offers", []) if o in q.offer_by_id and o not in offers)
    offer_line = ", ".join(esc(q.offer_by_id[o].title) for o in offers) or "aucune pour l'instant"
    facts = (f'{esc(q.type_label(structure.get("type")))} · évaluation du {fmt.date(a.get("updated"))} · '
             f'questionnaire {esc(q.version)}')
    return (f'<section class="summary"><h2>Synthèse — {esc(structure.get("name") or "Structure sans nom")}</h2>'
            f'<p class="facts">{facts}</p>{overall_block(s)}<div class="summary-grid">{radar(q, s)}'
            f'<table><thead><tr><th scope="col">Pilier</th><th scope="col">Score</th>'
            f'<th scope="col">{REPERE}</th></tr></thead><tbody>{pillars}</tbody></table></div>'
            f'<h3>Points forts</h3>{strengths_block(q, s, 3)}'
            f'<h3>Priorités du plan</h3><ol>{actions or "<li>Aucune action.</li>"}</ol>'
            f'<p><strong>Offres de services à mobiliser :</strong> {offer_line}.</p></section>')


def _page(title: str, body: str) -> str:
    return ('<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"
            f'<title>{esc(title)}</title><style>{PRINT_CSS}</style></head><body>{body}'
            '<footer>Document produit par CAP en ligne, outil libre d\'auto-évaluation. Les réponses sont restées '
            'sur l\'appareil de la structure.</footer></body></html>')


def plan_page(q: Questionnaire, a: dict[str, Any]) -> str:
    """The printable plan: a standalone A4 document, no interface chrome, no script."""
    s = score(q, a)
    p = suggestions(q, a, s)
    name = (a.get("structure") or {}).get("name") or "Structure sans nom"
    body = (_cover(q, a, "Plan de progrès")
            + f'<h2>Où en est la structure</h2>{overall_block(s)}{radar(q, s)}{scores_table(q, s)}'
            + f'<h2>Points forts</h2>{strengths_block(q, s)}'
            + f'<h2 class="new-page">Priorités</h2>{gaps_block(q, p, 10)}{clarify_block(q, p)}'
            + f'<h2 class="new-page">Plan d\'actions</h2>{actions_table(q, a)}'
            + f'<h2>Offres de services à mobiliser</h2>{offers_block(q, a)}'
            + f'<h2>Indicateurs</h2>{indicators_block(q, a)}')
    return _page(f"Plan de progrès — {name}", body)


def summary_page(q: Questionnaire, a: dict[str, Any]) -> str:
    """The one-page summary alone."""
    name = (a.get("structure") or {}).get("name") or "Structure sans nom"
    return _page(f"Synthèse — {name}", summary_section(q, a, score(q, a)))

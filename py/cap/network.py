"""HTML and CSV of the network statistics (from `aggregate`): the Réseau page's view, its printable
document (also `python -m cap aggregate --html`) and its CSV. Figures are only formatted here."""

from __future__ import annotations

import csv
import io
from typing import Any

from . import fmt
from .aggregate import MIN_GROUP, SIZE_LABELS
from .html import esc, page
from .model import Questionnaire
from .plan import safe_cell

# The range bars, for the page (injected by the build, so one copy) and the printed document.
NET_CSS = """
.cap-net-chart { list-style: none; margin: 0.6rem 0 1rem; padding: 0; }
.cap-net-chart li { margin: 0; }
.cap-net-row, .cap-net-axis { display: grid; grid-template-columns: minmax(9rem, 17rem) minmax(10rem, 1fr);
  column-gap: 0.8rem; align-items: center; break-inside: avoid; page-break-inside: avoid; }
.cap-net-row { padding: 0.25rem 0; border-top: 1px solid var(--cap-border, #ddd); }
.cap-net-row.is-overall, .cap-net-row.is-pillar { font-weight: 600; }
.cap-net-row.is-pillar { margin-top: 0.4rem; border-top: 2px solid var(--cap-border-strong, #999); }
.cap-net-row.is-theme .cap-net-label { padding-left: 1rem; font-weight: normal; }
.cap-net-text { grid-column: 2; font-size: 0.85em; font-weight: normal; }
.cap-net-track, .cap-net-scale { position: relative; height: 1.3rem; margin: 0 0.5rem; }
.cap-net-track { border-left: 1px solid #888; border-right: 1px solid #888;
  background: linear-gradient(90deg, transparent calc(50% - 0.5px), #bbb calc(50% - 0.5px), #bbb calc(50% + 0.5px),
  transparent calc(50% + 0.5px)); }
.cap-net-scale { height: 1rem; font-size: 0.75em; }
.cap-net-scale span { position: absolute; transform: translateX(-50%); white-space: nowrap; }
.cap-net-scale span:first-child { transform: none; }
.cap-net-scale span:last-child { transform: translateX(-100%); }
.cap-net-whisker { position: absolute; top: calc(50% - 1px); height: 0; border-top: 2px solid #555; }
.cap-net-box { position: absolute; top: 15%; height: 70%; border: 2px solid #0b3d62; background: #cfe0ee;
  min-width: 3px; }
.cap-net-median { position: absolute; top: 0; bottom: 0; width: 0; border-left: 4px solid #0b3d62;
  margin-left: -2px; }
.cap-net-own { position: absolute; top: calc(50% - 0.45rem); width: 0.9rem; height: 0.9rem; margin-left: -0.45rem;
  transform: rotate(45deg); border: 2px solid #fff; background: #b3261e; outline: 1px solid #b3261e; }
.cap-net-withheld { font-style: italic; }
.cap-net-legend { display: flex; flex-wrap: wrap; gap: 0.3rem 1.2rem; padding: 0; list-style: none; font-size: 0.85em; }
.cap-net-legend li { display: flex; align-items: center; gap: 0.4rem; margin: 0; }
.cap-net-legend .cap-net-track { display: inline-block; width: 4rem; height: 1rem; margin: 0; background: none; }
.cap-net-notice { border-left: 4px solid #b26a00; padding: 0.3rem 0.6rem; background: #fff4e0; color: #222; }
.cap-net-table td, .cap-net-table th { text-align: left; }
.cap-net-table td.cap-num { text-align: right; white-space: nowrap; }
.cap-net-table td[data-label="Position"] { min-width: 8em; }
@media print { .cap-net-table { font-size: 8pt; } .cap-net-alt > summary { display: none; } }
.cap-net-box, .cap-net-own, .cap-net-notice { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
@media (max-width: 36em) {
  .cap-net-row, .cap-net-axis { grid-template-columns: 1fr; }
  .cap-net-text { grid-column: 1; }
  .cap-net-axis > span:first-child { display: none; }
}
"""

STAT_COLUMNS = (("n", "Structures"), ("min", "Minimum"), ("q1", "1er quartile"), ("median", "Médiane"),
                ("q3", "3e quartile"), ("max", "Maximum"), ("mean", "Moyenne"))


def rows(q: Questionnaire, result: dict[str, Any]) -> list[tuple[str, str, str, dict[str, Any]]]:
    """(kind, id, title, statistics) in questionnaire order: overall, then each pillar and its themes."""
    out = [("overall", "overall", "Score global", result["overall"])]
    for p in q.pillars:
        out.append(("pillar", p.id, f"{p.number}. {p.title}", result["pillars"][p.id]))
        out.extend(("theme", t.id, t.title, result["themes"][t.id]) for t in p.themes)
    return out


def filters_text(q: Questionnaire, filters: dict[str, str]) -> str:
    parts = []
    if filters.get("type"):
        parts.append(f"type : {q.type_label(filters['type']) if filters['type'] != 'inconnu' else 'non précisé'}")
    if filters.get("activity"):
        parts.append(f"activité : {q.profile_label(filters['activity'])}")
    if filters.get("region"):
        parts.append(f"région : {filters['region']}")
    if filters.get("size"):
        parts.append(f"taille : {SIZE_LABELS.get(filters['size'], filters['size']).lower()}")
    return " ; ".join(parts) or "toutes les structures"


def withheld_text(min_group: int) -> str:
    return (f"Moins de {min_group} structures : chiffres non affichés, pour qu'aucune structure ne puisse être "
            "reconnue.")


def stat_text(s: dict[str, Any], min_group: int) -> str:
    """The figures of one distribution in words (the chart's text alternative)."""
    if s.get("withheld"):
        return withheld_text(min_group)
    if not s["n"]:
        return "Aucun score dans ce groupe."
    return (f"médiane {fmt.percent(s['median'])} ; la moitié des structures entre {fmt.percent(s['q1'])} et "
            f"{fmt.percent(s['q3'])} ; de {fmt.percent(s['min'])} à {fmt.percent(s['max'])} ; "
            f"{s['n']} structure{'s' if s['n'] > 1 else ''}")


def _x(value: float) -> str:
    return f"{max(0.0, min(100.0, value)):.2f}%"


def track(s: dict[str, Any], own: float | None = None) -> str:
    """The range bar of one distribution: min–max line, quartile box, median mark, the structure's diamond."""
    parts = []
    if s.get("median") is not None:
        parts.append(f'<span class="cap-net-whisker" style="left:{_x(s["min"])};width:{_x(s["max"] - s["min"])}"></span>'
                     f'<span class="cap-net-box" style="left:{_x(s["q1"])};width:{_x(s["q3"] - s["q1"])}"></span>'
                     f'<span class="cap-net-median" style="left:{_x(s["median"])}"></span>')
    if own is not None:
        parts.append(f'<span class="cap-net-own" style="left:{_x(own)}"></span>')
    return f'<span class="cap-net-track" aria-hidden="true">{"".join(parts)}</span>'


def _data(s: dict[str, Any]) -> str:
    """The unrounded figures as data attributes (what tests compare with `aggregate --json`)."""
    return "".join(f' data-{k}="{"" if s.get(k) is None else repr(float(s[k])) if k != "n" else s[k]}"'
                   for k in ("n", "min", "q1", "median", "q3", "max", "mean")) \
        + f' data-withheld="{"true" if s.get("withheld") else "false"}"'


def _own_of(own: dict[str, Any] | None, kind: str, item_id: str) -> dict[str, Any] | None:
    if not own or own.get("error"):
        return None
    return own["overall"] if kind == "overall" else own["pillars" if kind == "pillar" else "themes"].get(item_id)


def _own_text(mine: dict[str, Any] | None) -> str:
    if not mine or mine.get("percent") is None:
        return ""
    where = f", {mine['position']}" if mine.get("position") else ""
    return f" Votre structure : {fmt.percent(mine['percent'])}{where}."


def chart(q: Questionnaire, result: dict[str, Any], own: dict[str, Any] | None = None) -> str:
    min_group = result.get("min_group", MIN_GROUP)
    scale = "".join(f'<span style="left:{v}%">{fmt.percent(v)}</span>' for v in (0, 25, 50, 75, 100))
    items = [f'<li class="cap-net-axis" aria-hidden="true"><span></span><span class="cap-net-scale">{scale}</span></li>']
    for kind, item_id, title, s in rows(q, result):
        mine = _own_of(own, kind, item_id)
        own_value = mine.get("percent") if mine else None
        own_attr = f' data-own="{float(own_value)!r}"' if own_value is not None else ""
        text = stat_text(s, min_group)
        text = (text[:1].upper() + text[1:] + ("." if not s.get("withheld") and s["n"] else "")) + _own_text(mine)
        items.append(f'<li class="cap-net-row is-{kind}" data-stat="{esc(item_id)}"{_data(s)}{own_attr}>'
                     f'<span class="cap-net-label">{esc(title)}</span>{track(s, own_value)}'
                     f'<span class="cap-net-text{" cap-net-withheld" if s.get("withheld") else ""}">{esc(text)}</span>'
                     '</li>')
    return f'<ul class="cap-net-chart" aria-label="Répartition des scores par pilier et par thème">{"".join(items)}</ul>'


def legend(own: bool) -> str:
    own_item = ('<li><span class="cap-net-track"><span class="cap-net-own" style="left:50%"></span></span>'
                'votre structure</li>' if own else "")
    return ('<ul class="cap-net-legend" aria-label="Légende des graphiques">'
            '<li><span class="cap-net-track"><span class="cap-net-whisker" style="left:5%;width:90%"></span></span>'
            'du plus bas au plus haut score</li>'
            '<li><span class="cap-net-track"><span class="cap-net-box" style="left:25%;width:50%"></span></span>'
            'la moitié des structures (du 1er au 3e quartile)</li>'
            '<li><span class="cap-net-track"><span class="cap-net-median" style="left:50%"></span></span>'
            'médiane</li>' + own_item + '</ul>')


def table(q: Questionnaire, result: dict[str, Any], own: dict[str, Any] | None = None) -> str:
    """The same figures as the chart, as a table (each cell named for narrow screens)."""
    has_own = bool(own and not own.get("error"))
    heads = ["Pilier / thème"] + [label for _, label in STAT_COLUMNS] + (["Votre structure", "Position"] if has_own else [])
    head = "".join(f'<th scope="col">{esc(h)}</th>' for h in heads)
    body = []
    min_group = result.get("min_group", MIN_GROUP)
    for kind, item_id, title, s in rows(q, result):
        cells = [f'<th scope="row">{esc(title)}</th>']
        if s.get("withheld"):
            cells.append(f'<td colspan="{len(STAT_COLUMNS)}" data-label="Chiffres">{esc(withheld_text(min_group))}</td>')
        else:
            for key, label in STAT_COLUMNS:
                value = s["n"] if key == "n" else fmt.percent(s[key])
                cells.append(f'<td class="cap-num" data-label="{esc(label)}">{value}</td>')
        if has_own:
            mine = _own_of(own, kind, item_id) or {}
            cells.append(f'<td class="cap-num" data-label="Votre structure">{fmt.percent(mine.get("percent"))}</td>'
                         f'<td data-label="Position">{esc(mine.get("position") or "–")}</td>')
        body.append(f'<tr class="is-{kind}">{"".join(cells)}</tr>')
    return (f'<table class="cap-net-table cap-stack"><caption>Scores du groupe, en pourcentage</caption>'
            f'<thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>')


def counts_table(q: Questionnaire, result: dict[str, Any]) -> str:
    rows_html = []
    for key, label, name in (("by_type", "Type", lambda k: q.type_label(k) if k != "inconnu" else "Type non précisé"),
                             ("by_activity", "Activité", q.profile_label), ("by_region", "Région", str),
                             ("by_size", "Taille", lambda k: SIZE_LABELS.get(k, k))):
        rows_html.extend(f'<tr><td data-label="Critère">{label}</td><th scope="row">{esc(name(k))}</th>'
                         f'<td class="cap-num" data-label="Structures">{n}</td></tr>'
                         for k, n in (result.get(key) or {}).items())
    if not rows_html:
        return ""
    return ('<table class="cap-net-counts cap-stack"><caption>Structures du groupe par type, activité, région et '
            'taille (une structure de plusieurs types compte dans chacun)</caption><thead><tr><th scope="col">Critère'
            '</th><th scope="col">Valeur</th><th scope="col">Structures</th></tr></thead>'
            f'<tbody>{"".join(rows_html)}</tbody></table>')


def view_html(q: Questionnaire, result: dict[str, Any], own: dict[str, Any] | None = None, level: int = 2) -> str:
    """The view of one group: a summary line, the range bars, the table, the counts."""
    min_group = result.get("min_group", MIN_GROUP)
    h = f"h{level}"
    summary = (f'<p class="cap-net-summary" data-count="{result["count"]}">Groupe affiché : '
               f'<strong>{esc(filters_text(q, result.get("filters") or {}))}</strong>, '
               f'{result["count"]} structure{"s" if result["count"] > 1 else ""}'
               + (f' sur {result["total"]} fichiers retenus' if result.get("total", result["count"]) != result["count"]
                  else "") + '.</p>')
    notice = ""
    if result["count"] < min_group:
        notice = (f'<p class="cap-net-notice" data-withheld-group>Ce groupe compte moins de {min_group} structures : '
                  "ses chiffres ne sont pas affichés, pour qu'aucune structure ne puisse être reconnue. Élargissez "
                  "les filtres.</p>")
    own_line = ""
    if own and own.get("error"):
        own_line = f'<p class="cap-net-notice">{esc(own["name"])} : {esc(own["error"])}</p>'
    elif own:
        own_line = (f'<p class="cap-net-own-line">Le losange rouge marque <strong>{esc(own["name"])}</strong> : '
                    f'score global {fmt.percent(own["overall"]["percent"])}'
                    + (f', {esc(own["overall"]["position"])} du groupe' if own["overall"]["position"] else "") + ".</p>")
    return (summary + notice + own_line + legend(bool(own and not own.get("error")))
            + f'<{h}>Scores par pilier et par thème</{h}>' + chart(q, result, own)
            + f'<details class="cap-net-alt" open><summary>Les mêmes chiffres en tableau</summary>'
              f'<div class="cap-table-scroll" tabindex="0" role="region" aria-label="Tableau des scores du groupe">'
              f'{table(q, result, own)}</div></details>'
            + f'<{h}>Composition du groupe</{h}>' + counts_table(q, result))


def network_page(q: Questionnaire, result: dict[str, Any], own: dict[str, Any] | None = None, date: str = "") -> str:
    """The standalone printable document of a view (the Réseau page's print, `aggregate --html`)."""
    dated = f", le {fmt.date(date)}" if date else ""
    head = (f'<h1>Résultats consolidés du réseau</h1><p>{result["total"] if "total" in result else result["count"]} '
            f'évaluations lues, questionnaire {esc(q.id)} version {esc(q.version)}{dated}. Les groupes de moins de '
            f'{result.get("min_group", MIN_GROUP)} structures ne sont pas chiffrés.</p>')
    return page("Résultats consolidés du réseau", f"<style>{NET_CSS}</style>" + head + view_html(q, result, own))


def view_csv(q: Questionnaire, result: dict[str, Any], own: dict[str, Any] | None = None) -> str:
    """The view as CSV for French spreadsheets (UTF-8 with BOM, ';', CRLF); every cell through `safe_cell`."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    has_own = bool(own and not own.get("error"))
    heads = ["Groupe", "Niveau", "Identifiant", "Intitulé"] + [label for _, label in STAT_COLUMNS]
    heads += ["Votre structure", "Position"] if has_own else []
    writer.writerow([safe_cell(h) for h in heads])
    group = filters_text(q, result.get("filters") or {})
    min_group = result.get("min_group", MIN_GROUP)
    kinds = {"overall": "Ensemble", "pillar": "Pilier", "theme": "Thème"}
    for kind, item_id, title, s in rows(q, result):
        row = [group, kinds[kind], "" if kind == "overall" else item_id, title]
        if s.get("withheld"):
            row += [str(s["n"])] + [f"masqué (moins de {min_group} structures)"] * (len(STAT_COLUMNS) - 1)
        else:
            row += [str(s["n"])] + [fmt.number(s[key]) if s[key] is not None else "" for key, _ in STAT_COLUMNS[1:]]
        if has_own:
            mine = _own_of(own, kind, item_id) or {}
            row += [fmt.number(mine["percent"]) if mine.get("percent") is not None else "", mine.get("position") or ""]
        writer.writerow([safe_cell(cell) for cell in row])
    return "\ufeff" + out.getvalue()

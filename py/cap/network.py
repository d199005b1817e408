"""Standalone HTML report of network statistics (from `aggregate`)."""

from __future__ import annotations

from typing import Any

from . import fmt
from .model import Questionnaire
from .report import _page, esc


def _bar(summary: dict[str, Any]) -> str:
    """A box-plot line in SVG: min–max whisker, quartile box, median mark, on a 0–100 % axis."""
    if not summary["n"]:
        return '<span>–</span>'
    x = lambda v: 4 + v * 2  # noqa: E731 - a tiny scale
    label = (f"médiane {fmt.percent(summary['median'])}, quartiles {fmt.percent(summary['q1'])} à "
             f"{fmt.percent(summary['q3'])}, de {fmt.percent(summary['min'])} à {fmt.percent(summary['max'])}")
    return (f'<svg viewBox="0 0 208 20" width="208" height="20" role="img" aria-label="{esc(label)}">'
            f'<line x1="{x(summary["min"]):.1f}" x2="{x(summary["max"]):.1f}" y1="10" y2="10" stroke="#555"/>'
            f'<rect x="{x(summary["q1"]):.1f}" y="4" width="{max(1, x(summary["q3"]) - x(summary["q1"])):.1f}" '
            f'height="12" fill="#cfe0ee" stroke="#0b3d62"/>'
            f'<line x1="{x(summary["median"]):.1f}" x2="{x(summary["median"]):.1f}" y1="2" y2="18" stroke="#0b3d62" '
            f'stroke-width="3"/></svg>')


def network_page(q: Questionnaire, result: dict[str, Any]) -> str:
    types = "".join(f"<tr><th scope=\"row\">{esc(q.type_label(t))}</th><td>{n}</td></tr>"
                    for t, n in result["by_type"].items())
    activities = "".join(f"<tr><th scope=\"row\">{esc(q.profile_label(t))}</th><td>{n}</td></tr>"
                         for t, n in (result.get("by_activity") or {}).items())
    rows = []
    for p in q.pillars:
        rows.append((p.title, result["pillars"][p.id], "pillar"))
        rows.extend((t.title, result["themes"][t.id], "theme") for t in p.themes)
    body = "".join(
        f'<tr class="{cls}"><th scope="row">{esc(title)}</th><td>{s["n"]}</td><td>{fmt.percent(s["mean"])}</td>'
        f'<td>{fmt.percent(s["median"])}</td><td>{fmt.percent(s["q1"])}</td><td>{fmt.percent(s["q3"])}</td>'
        f'<td>{_bar(s)}</td></tr>' for title, s, cls in rows)
    html = (f'<h1>Résultats consolidés du réseau</h1><p>{result["count"]} évaluations, questionnaire {esc(q.id)} '
            f'version {esc(q.version)}. Score global médian : {fmt.percent(result["overall"]["median"])}.</p>'
            f'<h2>Évaluations par type de structure</h2><p>Une structure qui a plusieurs types (un groupe, par '
            f'exemple) compte dans chacun : la somme peut dépasser le nombre d\'évaluations.</p>'
            f'<table><thead><tr><th scope="col">Type</th>'
            f'<th scope="col">Nombre</th></tr></thead><tbody>{types}</tbody></table>'
            + (f'<h2>Évaluations par activité</h2><table><thead><tr><th scope="col">Activité</th>'
               f'<th scope="col">Nombre</th></tr></thead><tbody>{activities}</tbody></table>' if activities else "")
            + f'<h2>Scores par pilier et par thème</h2><table><thead><tr><th scope="col">Pilier / thème</th>'
            f'<th scope="col">n</th><th scope="col">Moyenne</th><th scope="col">Médiane</th><th scope="col">1er quartile</th>'
            f'<th scope="col">3e quartile</th><th scope="col">Répartition (0 à 100 %)</th></tr></thead><tbody>{body}</tbody></table>')
    return _page("Résultats consolidés du réseau", html)

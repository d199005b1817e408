"""HTML of the results and of the printable plan. The browser and the CLI print the same document.

Every text that comes from a user or a file goes through `esc`. Charts are inline SVG with a
text alternative and a table beside them.
"""

from __future__ import annotations

from typing import Any

from . import fmt
from .html import esc, page, raw_number
from .model import Questionnaire
from .plan import STATUS_LABELS, situation_of, suggestions
from .score import indicator_values, score, strengths

# -- charts -----------------------------------------------------------------------------------

def bars(rows: list[tuple[str, float | None, float | None]], caption: str) -> str:
    """Horizontal bars for a printed document: one row per (label, percent, reference percent), the
    value written beside each bar and the reference as a vertical mark. Plain HTML and CSS (no
    script, no image): the table printed next to it carries the same figures."""
    items = []
    for label, value, ref in rows:
        width = 0.0 if value is None else max(0.0, min(100.0, float(value)))
        mark = ("" if ref is None else
                f'<span class="mark" style="left:{max(0.0, min(100.0, float(ref))):.1f}%"></span>')
        items.append(f'<li><span class="label">{esc(label)}</span><span class="track" aria-hidden="true">'
                     f'<span class="fill" style="width:{width:.1f}%"></span>{mark}</span>'
                     f'<span class="value">{fmt.percent(value)}</span></li>')
    return (f'<figure class="cap-bars-doc"><figcaption>{esc(caption)}</figcaption>'
            f'<ul>{"".join(items)}</ul></figure>')


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
            f'<td data-score="{esc(p.id)}" data-value="{raw_number(ps["percent"])}">{fmt.percent(ps["percent"])}</td>'
            f'<td>{fmt.level(ps["level"])}</td><td>{fmt.percent(ps["expected"])}</td>'
            f'<td>{fmt.percent(None if ps["completion"] is None else ps["completion"] * 100)}{flag}</td></tr>')
        for t in p.themes:
            ts = s["themes"][t.id]
            rows.append(
                f'<tr class="theme"><th scope="row">{esc(t.title)}</th>'
                f'<td data-score="{esc(t.id)}" data-value="{raw_number(ts["percent"])}">{fmt.percent(ts["percent"])}</td>'
                f'<td>{fmt.level(ts["level"])}</td><td>{fmt.percent(ts["expected"])}</td><td></td></tr>')
    return ('<table class="cap-scores"><caption>Scores par pilier et par thème</caption><thead><tr>'
            '<th scope="col">Pilier / thème</th><th scope="col">Score</th><th scope="col">Niveau</th>'
            f'<th scope="col">{REPERE}</th><th scope="col">Réponses</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>{REPERE_NOTE}')


def pillar_bars(q: Questionnaire, s: dict[str, Any]) -> str:
    """The score of each pillar as a bar, the tool's reference as a mark (printed documents)."""
    return bars([(p.short_title or p.title, s["pillars"][p.id]["percent"], s["pillars"][p.id]["expected"]) for p in q.pillars],
                f"Score par pilier (barre) et {REPERE.lower()} (trait)")


def overall_block(s: dict[str, Any]) -> str:
    o = s["overall"]
    partial = (' <span class="cap-partial">Résultat partiel : au moins un pilier a moins de la moitié '
               'de réponses.</span>') if o["partial"] else ""
    completion = fmt.percent(None if o["completion"] is None else o["completion"] * 100)
    return (f'<p class="cap-overall">Score global : <strong data-score="overall" data-value="{raw_number(o["percent"])}">'
            f'{fmt.percent(o["percent"])}</strong> <span class="cap-level">({fmt.level(o["level"])})</span>'
            f' · {o["answered"]} réponses sur {o["applicable"]} critères ({completion}).{partial}</p>')


def strengths_block(q: Questionnaire, s: dict[str, Any], limit: int = 5) -> str:
    ids = strengths(q, s, limit)
    if not ids:
        return '<p>Aucun point fort encore : aucun critère n\'atteint le niveau visé.</p>'
    items = "".join(f'<li>{esc(q.criterion_by_id[c].question)} <em>(niveau {s["criteria"][c]["value"]})</em> '
                    f'<span class="cap-id">{esc(c)}</span></li>' for c in ids)
    return f'<ul class="cap-strengths">{items}</ul>'


def gaps_block(q: Questionnaire, plan: dict[str, Any], limit: int = 8) -> str:
    items = plan["suggestions"][:limit]
    if not items:
        return "<p>Aucun écart avec le niveau visé pour les critères répondus.</p>"
    rows = "".join(
        f'<tr><th scope="row">{esc(i["question"])} <span class="cap-id">{esc(i["criterion"])}</span></th>'
        f'<td>{i["value"]}</td><td>{i["target"]}</td><td>{esc(i["action"])}'
        f'<span class="situation">Situation visée : {esc(i["situation"])}</span></td>'
        f'<td>{esc(", ".join(q.offer_by_id[o].title for o in i["offers"] if o in q.offer_by_id))}</td></tr>'
        for i in items)
    return ('<table class="cap-gaps"><caption>Écarts au niveau visé, par priorité</caption><thead><tr>'
            '<th scope="col">Critère</th><th scope="col">Niveau</th><th scope="col">Visé</th>'
            '<th scope="col">Action proposée</th><th scope="col">Offres</th></tr></thead>'
            f'<tbody>{rows}</tbody></table>'
            f'<p class="cap-note">{GAP_NOTE}</p>')


def clarify_block(q: Questionnaire, plan: dict[str, Any]) -> str:
    if not plan["clarify"]:
        return ""
    items = "".join(f'<li>{esc(i["question"])} <span class="cap-id">{esc(i["criterion"])}</span></li>'
                    for i in plan["clarify"])
    return f'<h3>À clarifier (« je ne sais pas »)</h3><ul class="cap-clarify">{items}</ul>'


def results_html(q: Questionnaire, assessment: dict[str, Any], s: dict[str, Any] | None = None,
                 p: dict[str, Any] | None = None) -> str:
    """The live results fragment of the assessment page (scores and plan passed when already computed)."""
    s = s or score(q, assessment)
    p = p or suggestions(q, assessment, s)
    return (f'<section class="cap-results" aria-label="Résultats">{overall_block(s)}'
            f'{scores_table(q, s)}<h3>Points forts</h3>{strengths_block(q, s)}'
            f'<h3>Priorités de progrès</h3>{gaps_block(q, p)}{clarify_block(q, p)}</section>')


# -- the printable plan -----------------------------------------------------------------------



GAP_NOTE = ("Écart : le nombre de niveaux entre la réponse d'aujourd'hui et le niveau visé. Les écarts sont classés "
            "par priorité = écart × poids du critère × importance pour la structure (1 faible, 2 normale, "
            "3 forte) ; à priorité égale, dans l'ordre du questionnaire.")
PROPOSED = 8  # while the plan is empty, the printed plan proposes this many suggestions
PROPOSED_LABEL = "Proposée"


def _head(q: Questionnaire, a: dict[str, Any], title: str) -> str:
    """The document's heading: what it is, for whom, from which assessment (a few lines, not a cover page)."""
    structure = a.get("structure") or {}
    rows = [("Profil", ", ".join(q.profile_labels(structure))),
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
    dl = "".join(f"<div><dt>{esc(k)}</dt><dd>{esc(v)}</dd></div>" for k, v in rows)
    kind = "Évaluation collective" if a.get("kind") == "consolidated" else "Auto-évaluation"
    name = structure.get("name") or "Structure sans nom"
    return (f'<header class="doc-head"><p class="sub">CAP en ligne · {kind}</p><h1>{esc(title)} — {esc(name)}</h1>'
            f'<dl>{dl}</dl></header>')


def plan_items(q: Questionnaire, a: dict[str, Any], p: dict[str, Any]) -> tuple[list[dict[str, Any]], bool, int]:
    """What the printed plan lists: (items, proposed, left out).

    The actions the structure kept (dropped ones left out); while it has kept none, the first
    `PROPOSED` suggestions it has not dropped, proposed rather than "À faire", and how many more
    suggestions the tool holds. `p` is `suggestions(q, a)`.
    """
    plan = [i for i in a.get("plan") or [] if isinstance(i, dict)]
    kept = [i for i in plan if i.get("status") != "dropped"]
    if kept:
        return [{**i, "situation": situation_of(q, a, i)} for i in kept], False, 0
    dropped = {i.get("criterion") for i in plan if isinstance(i.get("criterion"), str)}
    fresh = [s for s in p["suggestions"] if s["criterion"] not in dropped]
    items = [{"id": f"suggestion-{s['criterion']}", "criterion": s["criterion"], "action": s["action"],
              "situation": s["situation"], "owner": "", "due": "", "status": "proposed", "offers": s["offers"],
              "value": s["value"], "target": s["target"]} for s in fresh[:PROPOSED]]
    return items, True, len(fresh) - len(items)


def _offers(item: dict[str, Any]) -> list[str]:
    offers = item.get("offers")
    return [o for o in offers if isinstance(o, str)] if isinstance(offers, list) else []


def _offer_titles(q: Questionnaire, item: dict[str, Any]) -> str:
    return ", ".join(q.offer_by_id[o].title if o in q.offer_by_id else o for o in _offers(item))


def actions_table(q: Questionnaire, items: list[dict[str, Any]], proposed: bool = False) -> str:
    """The action plan. The action text gets the width (about 75 characters a line), its criterion
    and offers under it in small type; then who, when, and where the action stands."""
    if not items:
        return "<p>Aucune action dans le plan.</p>"
    rows = []
    for i in items:
        criterion = i.get("criterion")
        c = q.criterion_by_id.get(criterion) if isinstance(criterion, str) else None
        about = (f'Critère : {esc(q.theme_by_id[c.theme_id].title)} <span class="cap-id">{esc(c.id)}</span>'
                 if c else "Action libre")
        if proposed:
            about += f' · niveau {esc(i.get("value"))}, visé {esc(i.get("target"))}'
        offers = _offer_titles(q, i)
        situation = i.get("situation") if isinstance(i.get("situation"), str) else ""
        about = (f'<span class="meta">{about}</span>'
                 + (f'<span class="situation">Situation visée : {esc(situation)}</span>' if situation else "")
                 + (f'<span class="meta">Offres : {esc(offers)}</span>' if offers else ""))
        due = f'<span class="due">{esc(fmt.month(i.get("due")))}</span>' if i.get("due") else ""
        status = PROPOSED_LABEL if proposed else STATUS_LABELS.get(i.get("status") or "todo", i.get("status"))
        rows.append(f'<tr><td>{esc(i.get("action"))}{about}</td><td>{esc(i.get("owner"))}{due}</td>'
                    f'<td>{esc(status)}</td></tr>')
    head = "Action proposée" if proposed else "Action"
    caption = "Actions proposées, par priorité" if proposed else "Actions du plan de progrès"
    return (f'<table class="cap-actions{" proposed" if proposed else ""}"><caption>{caption}</caption><thead><tr>'
            f'<th scope="col">{head}</th><th scope="col">{"Qui, quand" if proposed else "Responsable, échéance"}</th>'
            '<th scope="col">Statut</th></tr>'
            f'</thead><tbody>{"".join(rows)}</tbody></table>')


def proposed_note(count: int, more: int) -> str:
    """Why the plan shows proposals, and where the suggestions left out are."""
    rest = (f" {more} autres écarts sont classés dans CAP en ligne, étape « Plan de progrès »." if more > 1
            else " Un autre écart est classé dans CAP en ligne, étape « Plan de progrès »." if more == 1 else "")
    return ('<p class="cap-note">Le plan d\'actions de la structure est encore vide : voici les '
            f'{count} actions proposées par CAP en ligne pour les écarts les plus prioritaires (écart × poids × '
            'importance), à discuter en équipe, reformuler et confier à un responsable avec une échéance.'
            f'{rest}</p>')


def offers_block(q: Questionnaire, items: list[dict[str, Any]]) -> str:
    used: list[str] = []
    for i in items:
        for o in _offers(i):
            if o in q.offer_by_id and o not in used:
                used.append(o)
    if not used:
        return "<p>Aucune offre liée aux actions retenues.</p>"
    parts = []
    for oid in used:
        o = q.offer_by_id[oid]
        ext = ' <span class="ext">(ressource externe au réseau)</span>' if o.external else ""
        parts.append(f'<div class="offer"><h3>{esc(o.title)}{ext}</h3><p>{esc(o.field)} — {esc(o.description)}</p></div>')
    return f'<div class="offers">{"".join(parts)}</div>'


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


SUMMARY_ACTIONS = 5  # the one-page summary lists this many actions; the plan document lists them all
SUMMARY_CHARS = 220  # and cuts a longer action's text at a word, with "…"


def _cut(text: Any, limit: int) -> str:
    """`text` on one line, cut at a word boundary to at most `limit` characters, with "…" when cut."""
    text = " ".join(str(text or "").split())
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    if " " in cut[limit // 2:]:
        cut = cut[:cut.rfind(" ")]
    return cut.rstrip(" ,;:.") + "…"


def summary_section(q: Questionnaire, a: dict[str, Any], s: dict[str, Any], p: dict[str, Any] | None = None) -> str:
    """One page for the board, the general assembly and partners (printed on its own).

    It fits one A4 page whatever the plan holds: the first actions, each cut to a few lines, and
    how many more the plan document lists."""
    structure = a.get("structure") or {}
    p = p or suggestions(q, a, s)
    pillars = "".join(f'<tr><th scope="row">{esc(pl.title)}</th><td>{fmt.percent(s["pillars"][pl.id]["percent"])}</td>'
                      f'<td>{fmt.percent(s["pillars"][pl.id]["expected"])}</td></tr>' for pl in q.pillars)
    items, proposed, more = plan_items(q, a, p)
    top = items[:SUMMARY_ACTIONS]
    rest = len(items) - len(top) + more
    actions = "".join(f"<li>{esc(_cut(i.get('action'), SUMMARY_CHARS))}"
                      + (f" — {esc(_cut(i.get('owner'), 60))}" if i.get("owner") else "")
                      + (f", {esc(fmt.month(i.get('due')))}" if i.get("due") else "") + "</li>" for i in top)
    plural = "s" if rest > 1 else ""
    more_line = ("" if not rest else
                 f'<p class="more">… et {rest} autre{plural} écart{plural} à traiter : voir le plan de progrès.</p>'
                 if proposed else f'<p class="more">… et {rest} autre{plural} action{plural} : voir le plan complet.</p>')
    title = "Actions proposées (le plan d'actions est encore vide)" if proposed and top else "Priorités du plan"
    offers: list[str] = []
    for i in top:
        offers.extend(o for o in _offers(i) if o in q.offer_by_id and o not in offers)
    offer_line = ", ".join(esc(q.offer_by_id[o].title) for o in offers) or "aucune pour l'instant"
    facts = (f'{esc(", ".join(q.profile_labels(structure)))} · évaluation du {fmt.date(a.get("updated"))} · '
             f'questionnaire {esc(q.version)}')
    return (f'<section class="summary"><h2>Synthèse — {esc(structure.get("name") or "Structure sans nom")}</h2>'
            f'<p class="facts">{facts}</p>{overall_block(s)}<div class="summary-grid">{pillar_bars(q, s)}'
            f'<table><thead><tr><th scope="col">Pilier</th><th scope="col">Score</th>'
            f'<th scope="col">{REPERE}</th></tr></thead><tbody>{pillars}</tbody></table></div>'
            f'<h3>Points forts</h3>{strengths_block(q, s, 3)}'
            f'<h3>{title}</h3><ol>{actions or "<li>Aucune action.</li>"}</ol>{more_line}'
            f'<p><strong>Offres de services à mobiliser :</strong> {offer_line}.</p></section>')


def plan_page(q: Questionnaire, a: dict[str, Any]) -> str:
    """The printable plan: a standalone A4 document, no interface chrome, no script.

    The action plan comes first; then the offers, the scores and the priorities."""
    s = score(q, a)
    p = suggestions(q, a, s)
    name = (a.get("structure") or {}).get("name") or "Structure sans nom"
    items, proposed, more = plan_items(q, a, p)
    if proposed and items:
        plan = (f'<h2 id="plan-actions">Plan d\'actions : actions proposées</h2>{proposed_note(len(items), more)}'
                f'{actions_table(q, items, proposed=True)}')
        priorities = ""  # the proposals above are the priorities
    else:
        plan = f'<h2 id="plan-actions">Plan d\'actions</h2>{actions_table(q, items)}'
        priorities = gaps_block(q, p, 10)
    body = (_head(q, a, "Plan de progrès") + plan
            + f'<h2>Offres de services à mobiliser</h2>{offers_block(q, items)}'
            + f'<h2>Où en est la structure</h2>{overall_block(s)}{pillar_bars(q, s)}{scores_table(q, s)}'
            + f'<h2>Points forts</h2>{strengths_block(q, s)}'
            + (f'<h2>Priorités</h2>{priorities}{clarify_block(q, p)}' if priorities or p["clarify"] else "")
            + f'<h2>Indicateurs</h2>{indicators_block(q, a)}')
    return page(f"Plan de progrès — {name}", body)


def summary_page(q: Questionnaire, a: dict[str, Any]) -> str:
    """The one-page summary alone."""
    name = (a.get("structure") or {}).get("name") or "Structure sans nom"
    return page(f"Synthèse — {name}", summary_section(q, a, score(q, a)))

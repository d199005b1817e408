"""Markdown/HTML generated from the questionnaire for the site's pages (build time only).

Each marker `<!-- cap:NAME [ARG] -->` in a page is replaced by `render(name, arg, ctx)`: every
marker is registered in `RENDERERS` (the method pages' renderers here, the application pages'
static HTML from form.py, collective.py and reseau.py); an unknown marker raises, so a typo fails
the build instead of printing a raw comment.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from cap import fmt
from cap.html import esc as e
from cap.model import Criterion, Questionnaire
from cap.score import score
from site_config import collective, form, reseau

PILLAR_PAGES = {"ID": "piliers/identite.md", "SR": "piliers/services.md", "SU": "piliers/supports.md",
                "AC": "piliers/amelioration.md"}
CSESS = {1: "Gouvernance démocratique", 2: "Concertation dans l'élaboration de la stratégie",
         3: "Territorialisation de l'activité et des emplois", 4: "Politique salariale et exemplarité sociale",
         5: "Lien avec les usagers, bénéficiaires et clients", 6: "Diversité, non-discrimination, égalité femmes-hommes",
         7: "Développement durable", 8: "Éthique et déontologie"}


class MarkerError(ValueError):
    pass


@dataclass
class Context:
    q: Questionnaire
    page: str  # source path of the page, e.g. "piliers/identite.md"
    base: str  # relative path from the page to the site root, e.g. "../"



def link(ctx: Context, target_md: str, anchor: str = "") -> str:
    """Relative URL from the current page to another source page (use_directory_urls is off)."""
    url = ctx.base + target_md.replace(".md", ".html")
    return url + ("#" + anchor if anchor else "")


def _offer_links(ctx: Context, ids: tuple[str, ...] | list[str]) -> str:
    return ", ".join(f'<a href="{link(ctx, "offre.md", "offre-" + o)}">{e(ctx.q.offer_by_id[o].title)}</a>'
                     for o in ids)


def legal_html(c: Criterion) -> str:
    """The texts a criterion restates, as plain links (the reader's click, never a request of the page)."""
    if not c.legal:
        return ""
    items = "".join(
        f'<li><a href="{e(r.url)}" rel="external noopener noreferrer">{e(r.text)}</a></li>' if r.url else f"<li>{e(r.text)}</li>"
        for r in c.legal)
    return f'<ul class="cap-legal">{items}</ul>'


def criterion_html(ctx: Context, c: Criterion, for_print: bool = False) -> str:
    q = ctx.q
    levels = "".join(f'<tr><th scope="row">{lv.level} · {e(q.scale.levels[lv.level - 1].label)}</th>'
                     f'<td>{e(lv.text)}</td>' + ('<td class="cap-tick" aria-hidden="true">☐</td>' if for_print else "")
                     + "</tr>" for lv in c.levels)
    facts = [f'<a href="{link(ctx, "echelle.md", "repere")}">Repère proposé par l\'outil</a> : '
             f"<strong>niveau {c.requirement}</strong> (votre équipe peut viser un autre niveau)",
             f"Poids : {fmt.number(c.weight)}"]
    if c.core:
        facts.append("Critère essentiel (« non concerné » impossible)")
    if c.applies_to:
        facts.append(f"Concerne : {e(', '.join(c.applies_to))} — {e(c.applies_note)}")
    if c.regulatory:
        facts.append(f"Critère réglementaire : règle vérifiée le {fmt.date(c.checked)}")
    elif c.legal:
        facts.append(f"Textes cités vérifiés le {fmt.date(c.checked)}")
    refs = [f"Guide CSESS : {', '.join(f'thème {n} ({e(CSESS[n])})' for n in c.refs.csess)}"]
    if c.refs.iso9001:
        refs.append(f"ISO 9001 : chapitre{'s' if len(c.refs.iso9001) > 1 else ''} {e(', '.join(c.refs.iso9001))}")
    if c.refs.ust:
        titles = {r.id: r.title for r in q.registers}
        refs.append("Utilité sociale : " + ", ".join(f"registre « {e(titles[r])} »" for r in c.refs.ust))
    evidence = "".join(f"<li>{e(x)}</li>" for x in c.evidence)
    head = "" if for_print else "Niveau"
    extra_col = '<th scope="col">Notre niveau</th>' if for_print else ""
    if for_print:
        tail = ('<p class="cap-notes">Non concerné ☐ (justifier) · Je ne sais pas ☐ · Notes :</p>'
                '<div class="cap-lines" aria-hidden="true"></div>')
        if c.core:
            tail = tail.replace("Non concerné ☐ (justifier) · ", "")
    else:
        tail = ""
    return (f'<div class="cap-criterion-card" id="{e(c.id)}">'
            f'<p class="cap-question"><span class="cap-id">{e(c.id)}</span> <strong>{e(c.question)}</strong></p>'
            f'<p class="cap-why"><em>Pourquoi c\'est important.</em> {e(c.why)}</p>'
            f'<p class="cap-falc"><em>Version simplifiée :</em> {e(c.easy_read)}</p>'
            f'<table class="cap-levels-table"><thead><tr><th scope="col">{head or "Niveau"}</th>'
            f'<th scope="col">Ce que l\'on observe</th>{extra_col}</tr></thead><tbody>{levels}</tbody></table>'
            f'<p class="cap-facts">{" · ".join(facts)}</p>'
            + ("" if for_print or not c.legal else
               f'<p class="cap-legal-head"><strong>Textes de référence</strong> '
               f'(<a href="{link(ctx, "references.md", c.id.lower())}">tous les textes cités</a>) :</p>'
               + legal_html(c))
            + f'<p><strong>Preuves possibles :</strong></p><ul>{evidence}</ul>'
            + ("" if for_print else f'<p><strong>Offres à mobiliser :</strong> {_offer_links(ctx, c.offers)}</p>')
            + f'<p class="cap-refs">{" · ".join(refs)}</p>{tail}</div>')


def pillar_md(ctx: Context, pillar_id: str) -> str:
    p = ctx.q.pillar_by_id.get(pillar_id)
    if p is None:
        raise MarkerError(f"pilier inconnu : {pillar_id}")
    parts = [f"<p class=\"cap-lead\">{e(p.description)}</p>",
             f"Ce pilier compte {len(p.themes)} thèmes et {len(p.criteria)} critères.\n"]
    for t in p.themes:
        parts.append(f"## {e(t.title)} {{ #{t.id} }}\n")
        if t.description:
            parts.append(f"<p>{e(t.description)}</p>\n")
        for c in t.criteria:
            parts.append(f"### {c.id} {{ #{c.id.lower()}-titre data-toc-label=\"{c.id}\" }}\n")
            parts.append(criterion_html(ctx, c) + "\n")
    return "\n".join(parts)


def pillars_summary(ctx: Context, _: str) -> str:
    rows = "".join(f'<tr><td><a href="{link(ctx, PILLAR_PAGES[p.id])}">{p.number}. {e(p.title)}</a></td>'
                   f'<td>{len(p.themes)}</td><td>{len(p.criteria)}</td></tr>' for p in ctx.q.pillars)
    total = (f'<tr><th scope="row">Total</th><td>{len(ctx.q.themes)}</td><td>{len(ctx.q.criteria)}</td></tr>')
    return ('<table class="cap-summary"><thead><tr><th scope="col">Pilier</th><th scope="col">Thèmes</th>'
            f'<th scope="col">Critères</th></tr></thead><tbody>{rows}{total}</tbody></table>')


def scale_md(ctx: Context, _: str) -> str:
    s = ctx.q.scale
    rows = "".join(f'<tr><th scope="row">{lv.value} · {e(lv.label)}</th><td>{e(lv.meaning)}</td>'
                   f'<td>{fmt.percent((lv.value - 1) / 3 * 100)}</td></tr>' for lv in s.levels)
    rows += (f'<tr><th scope="row">{e(s.na_label)}</th><td>{e(s.na_meaning)}</td><td>non compté</td></tr>'
             f'<tr><th scope="row">{e(s.dk_label)}</th><td>{e(s.dk_meaning)}</td><td>non compté, à clarifier</td></tr>')
    return ('<table class="cap-scale"><thead><tr><th scope="col">Réponse</th><th scope="col">Sens</th>'
            f'<th scope="col">Score du critère</th></tr></thead><tbody>{rows}</tbody></table>')


def worked_example(ctx: Context, _: str) -> str:
    """A real theme, three of its criteria answered, and the engine's own figures."""
    q = ctx.q
    theme = next(t for t in q.themes if len(t.criteria) >= 3 and any(c.weight != 1 for c in t.criteria[:3]))
    picks = theme.criteria[:3]
    values = [3, 1, "dk"]
    others = {c.id: {"value": 2} for c in q.criteria if c.theme_id != theme.id and c.pillar_id == theme.pillar_id}
    answers = {c.id: {"value": v} for c, v in zip(picks, values, strict=True)} | others
    a = {"answers": answers, "structure": {"type": None}}
    s = score(q, a)
    rows = []
    for c, v in zip(picks, values, strict=True):
        entry = s["criteria"][c.id]
        shown = fmt.percent(entry["percent"]) if entry["percent"] is not None else "non compté"
        rows.append(f'<tr><td>{e(c.id)}</td><td>{e(q.scale.label(v))}{f" ({v})" if isinstance(v, int) else ""}</td>'
                    f'<td>{fmt.number(c.weight)}</td><td>{shown}</td></tr>')
    scored = [(c, v) for c, v in zip(picks, values, strict=True) if isinstance(v, int)]
    scored += [(c, 2) for c in theme.criteria[3:]]
    formula = " + ".join(f"{fmt.number(c.weight)} × {fmt.percent((v - 1) / 3 * 100)}" for c, v in scored)
    weights = " + ".join(fmt.number(c.weight) for c, _ in scored)
    pillar = q.pillar_by_id[theme.pillar_id]
    rest = "" if len(theme.criteria) == 3 else (
        f"<p>Les autres critères du thème ({', '.join(c.id for c in theme.criteria[3:])}) sont au niveau 2.</p>")
    others_note = (f"<p>Les autres thèmes du pilier « {e(pillar.title)} » ont toutes leurs réponses au niveau 2, "
                   f"soit {fmt.percent(100 / 3)} chacun.</p>")
    return (f'<p>Exemple calculé par le moteur au moment de la publication du site, sur le thème '
            f'« {e(theme.title)} » ({e(theme.id)}).</p>'
            '<table class="cap-example"><thead><tr><th scope="col">Critère</th><th scope="col">Réponse</th>'
            f'<th scope="col">Poids</th><th scope="col">Score du critère</th></tr></thead><tbody>{"".join(rows)}'
            f'</tbody></table>{rest}'
            f'<p>Score du thème = ({formula}) ÷ ({weights}) = <strong>{fmt.percent(s["themes"][theme.id]["percent"])}</strong>, '
            f'soit {fmt.level(s["themes"][theme.id]["level"])}. « Je ne sais pas » n\'entre pas dans le calcul : '
            'il devient un point « à clarifier » du plan.</p>'
            f'{others_note}<p>Score du pilier = moyenne simple de ses {len(pillar.themes)} thèmes = '
            f'<strong>{fmt.percent(s["pillars"][pillar.id]["percent"])}</strong>.</p>')


def indicators_md(ctx: Context, _: str) -> str:
    q = ctx.q
    parts = []
    for r in q.registers:
        items = [i for i in q.indicators if i.register == r.id]
        parts.append(f"<h2 id=\"registre-{e(r.id)}\">{e(r.title)}</h2><p>{e(r.description)}</p>")
        rows = []
        for i in items:
            kind = "Nombre saisi" if i.type == "count" else (
                f"Taux calculé : {e(q.indicator_by_id[i.numerator].label)} ÷ {e(q.indicator_by_id[i.denominator].label)}")
            nature = {"realisation": "Réalisation", "resultat": "Résultat"}.get(i.nature, "")
            source = f'<br><strong>Où trouver le chiffre\u202f:</strong> {e(i.source)}' if i.source else ""
            rows.append(f'<tr id="indicateur-{e(i.id)}"><th scope="row">{e(i.label)}<br><code>{e(i.id)}</code></th>'
                        f'<td>{e(i.definition)}{source}</td><td>{e(i.unit)}</td><td>{e(i.period)}</td>'
                        f'<td>{nature}</td><td>{kind}</td></tr>')
        if rows:
            parts.append('<table class="cap-indicators"><thead><tr><th scope="col">Indicateur</th>'
                         '<th scope="col">Définition et source</th><th scope="col">Unité</th><th scope="col">Période</th>'
                         '<th scope="col">Nature</th>'
                         f'<th scope="col">Calcul</th></tr></thead><tbody>{"".join(rows)}</tbody></table>')
    return "\n".join(parts)


def offers_md(ctx: Context, _: str) -> str:
    q = ctx.q
    fields: dict[str, list] = {}
    for o in q.offers:
        fields.setdefault(o.field, []).append(o)
    parts = []
    for field, offers in fields.items():
        parts.append(f"<h2>{e(field)}</h2>")
        for o in offers:
            used = [c for c in q.criteria if o.id in c.offers]
            crit_links = ", ".join(f'<a href="{link(ctx, PILLAR_PAGES[c.pillar_id], c.id)}">{e(c.id)}</a>' for c in used)
            ext = ' <span class="cap-badge">ressource externe au réseau</span>' if o.external else ""
            parts.append(f'<div class="cap-offer" id="offre-{e(o.id)}"><h3>{e(o.title)}{ext}</h3><p>{e(o.description)}</p>'
                         f'<p class="cap-refs">Critères concernés ({len(used)}) : {crit_links}</p></div>')
    return "\n".join(parts)


def structure_types_md(ctx: Context, _: str) -> str:
    rows = "".join(f"<tr><td><code>{e(t.id)}</code></td><td>{e(t.label)}</td></tr>" for t in ctx.q.structure_types)
    return f'<table><thead><tr><th scope="col">Code</th><th scope="col">Type</th></tr></thead><tbody>{rows}</tbody></table>'


def grid_md(ctx: Context, _: str) -> str:
    q = ctx.q
    # A <section>: Material's search indexer ends an exclusion at the first closing tag of the
    # same name, and the grid is full of <div>s.
    parts = ['<section class="cap-grid" data-search-exclude>'
             '<div class="cap-grid-head"><p>Structure : ______________________ · Type : ____________ · '
             'Rôle : ____________ · Date : ___ / ___ / ______</p></div>']
    for p in q.pillars:
        parts.append(f'<h2 class="cap-grid-pillar">Pilier {p.number} — {e(p.title)}</h2>')
        for t in p.themes:
            parts.append(f"<h3>{e(t.title)}</h3>")
            parts.extend(criterion_html(ctx, c, for_print=True) for c in t.criteria)
    parts.append("</section>")
    return "\n".join(parts)


def references_md(ctx: Context, _: str) -> str:
    """Every criterion that restates a rule, then those that cite one, with their texts and dates."""
    q = ctx.q

    def table(criteria: list[Criterion]) -> str:
        rows = "".join(
            f'<tr id="{e(c.id.lower())}"><th scope="row"><a href="{link(ctx, PILLAR_PAGES[c.pillar_id], c.id)}">'
            f'{e(c.id)}</a></th><td>{e(c.question)}'
            + (f'<br><span class="cap-refs">Concerne : {e(", ".join(c.applies_to))}</span>' if c.applies_to else "")
            + f'</td><td>{legal_html(c)}</td><td>{fmt.date(c.checked)}</td></tr>' for c in criteria)
        # Out of the search index (a <section>, as for the grid): each question is found on its pillar page only.
        return ('<section data-search-exclude><table class="cap-references"><thead><tr><th scope="col">Critère</th>'
                '<th scope="col">Question</th><th scope="col">Textes de référence</th><th scope="col">Vérifié le</th>'
                f'</tr></thead><tbody>{rows}</tbody></table></section>')

    regulatory = [c for c in q.criteria if c.regulatory]
    citing = [c for c in q.criteria if c.legal and not c.regulatory]
    dates = sorted({c.checked for c in regulatory + citing if c.checked})
    parts = [f'<p>{len(regulatory)} critères réglementaires et {len(citing)} autres critères qui citent un texte, '
             f'dans la version {e(q.version)} du questionnaire. Dates de vérification : '
             f'{", ".join(fmt.date(d) for d in dates) or "aucune"}.</p>',
             "## Critères réglementaires { #criteres-reglementaires }", table(regulatory)]
    if citing:
        parts += ["## Autres critères qui citent un texte { #autres-criteres }",
                  "<p>Ces critères vont au-delà de la règle, mais une partie de ce qu'ils décrivent est une obligation.</p>",
                  table(citing)]
    return "\n\n".join(parts) + "\n"


def version_md(ctx: Context, _: str) -> str:
    return f"{e(ctx.q.version)}"


def _app_page(build: Callable[[Questionnaire, str], str]) -> Callable[[Context, str], str]:
    """An application page's static HTML (it takes the questionnaire and the path to the site root)."""
    return lambda ctx, _: build(ctx.q, ctx.base)


RENDERERS: dict[str, Callable[[Context, str], str]] = {
    "form": _app_page(form.form_html), "synthese": _app_page(collective.synthese_html),
    "evolution": _app_page(collective.evolution_html), "reseau": _app_page(reseau.reseau_html),
    "pillar": pillar_md, "pillars-summary": pillars_summary, "scale": scale_md, "worked-example": worked_example,
    "indicators": indicators_md, "offers": offers_md, "structure-types": structure_types_md, "grid": grid_md,
    "version": version_md, "references": references_md,
}


def render(name: str, arg: str, ctx: Context) -> str:
    renderer = RENDERERS.get(name)
    if renderer is None:
        raise MarkerError(f"{ctx.page} : marqueur inconnu « cap:{name} » (connus : {', '.join(sorted(RENDERERS))})")
    return renderer(ctx, arg)

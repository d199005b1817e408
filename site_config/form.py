"""The assessment page's static HTML, generated from the questionnaire at build time.

A guided flow on one page: an introduction step, one step per theme, the indicators, the results
and the plan (`.cap-step[data-step-id]`, one shown at a time; app.js switches them). A theme's
criteria are shipped in a `<template>` that app.js puts in the page the first time the step is
opened, so the page holds the few elements of the step on screen, not every criterion.

The form works before Python is ready: app.js saves answers as they are typed; scores come
from the worker. Test hooks (ARCHITECTURE.md, « Contracts »): radios named by criterion id, `structure-type`
checkboxes, `[data-goto]`, `#cap-app[data-step]`, `[data-state]`, `[data-score]`, `[data-action]`.
"""

from __future__ import annotations

import json

from cap.formats import new_assessment
from cap.html import esc as e
from cap.model import Criterion, Labelled, Questionnaire

# Drawn by CSS when its radio is checked or focused (sibling selectors: `:has()` on 500 labels
# made every change restyle the whole page).
FRAME = '<span class="cap-frame" aria-hidden="true"></span>'
DIRECTION_NOTE = ("Cette question concerne surtout la direction : répondez « Je ne sais pas » "
                  "si vous ne savez pas.")


def _blank(q: Questionnaire) -> str:
    """The blank assessment the page starts from: the engine's one definition (`formats.new_assessment`),
    written at build time because the page shows and stores one before the engine is ready; the page
    gives it its id and dates."""
    a = new_assessment(q)
    a.update(id="", created="", updated="")
    return json.dumps(a, ensure_ascii=False, separators=(",", ":"))


def _criterion(q: Questionnaire, c: Criterion) -> str:
    cid = e(c.id)
    applies = f' data-applies="{e(" ".join(c.applies_to))}"' if c.applies_to else ""
    easy = tuple(getattr(c, "easy_answers", ()) or ())
    easy_q = getattr(c, "easy_read", "") or ""
    direction = getattr(c, "audience", "") == "direction"
    classes = "cap-criterion" + (" has-easy" if len(easy) == 4 else "") + (" has-easy-q" if easy_q else "")

    def level(lv) -> str:
        simple = (f'<span class="cap-choice-text cap-easy-answer">{e(easy[lv.level - 1])}</span>'
                  if len(easy) == 4 else "")
        return (f'<label class="cap-choice cap-level-{lv.level}"><input type="radio" name="{cid}" value="{lv.level}">'
                f'{FRAME}<span class="cap-choice-head">{lv.level} · {e(q.scale.levels[lv.level - 1].label)}</span>'
                f'<span class="cap-choice-text cap-level-text">{e(lv.text)}</span>{simple}</label>')

    others = (f'<label class="cap-choice cap-other"><input type="radio" name="{cid}" value="dk">{FRAME}'
              f'<span class="cap-choice-head">{e(q.scale.dk_label)}</span></label>')
    if not c.core:
        others += (f'<label class="cap-choice cap-other"><input type="radio" name="{cid}" value="na">{FRAME}'
                   f'<span class="cap-choice-head">{e(q.scale.na_label)}</span></label>')
    note = (f'<p class="cap-excluded" hidden>Ne concerne pas votre structure : {e(c.applies_note)} '
            'Vous pouvez passer au suivant.</p>') if c.applies_to else ""
    core = ('<p class="cap-core-note">Critère essentiel, pour toutes les structures : '
            '« non concerné » n\'est pas proposé.</p>') if c.core else ""
    audience = f'<p class="cap-direction-note">{DIRECTION_NOTE}</p>' if direction else ""
    evidence = "".join(f"<li>{e(x)}</li>" for x in c.evidence)
    question = f'<span class="cap-q">{e(c.question)}</span>'
    if easy_q:
        question += f'<span class="cap-q-easy">{e(easy_q)}</span>'
    # The question first, its code small after it; help, comment and justification after the
    # answers, so that the keyboard reaches the answers at once.
    return (
        f'<fieldset class="{classes}" id="c-{cid}" data-criterion="{cid}"{applies}>'
        f'<legend>{question} <span class="cap-id">{cid}</span></legend>{note}{audience}{core}'
        f'<div class="cap-choices">{"".join(level(lv) for lv in c.levels)}</div><div class="cap-others">{others}</div>'
        f'<div class="cap-justification" hidden><label for="j-{cid}">Pourquoi votre structure n\'est-elle pas '
        f'concernée ? <span class="cap-required">(obligatoire)</span></label>'
        f'<textarea id="j-{cid}" name="justification:{cid}" rows="2" maxlength="5000"></textarea></div>'
        f'<details class="cap-help"><summary>Aide : pourquoi c\'est important, preuves</summary>'
        f'<p>{e(c.why)}</p><p>Preuves possibles :</p><ul>{evidence}</ul></details>'
        f'<details class="cap-comment"><summary>Ajouter un commentaire</summary><label for="m-{cid}">Commentaire '
        f'(faits, exemples)</label><textarea id="m-{cid}" name="comment:{cid}" rows="2" maxlength="5000"></textarea>'
        f'</details></fieldset>')


def _indicators(q: Questionnaire) -> str:
    rows = []
    for i in q.indicators:
        iid = e(i.id)
        if i.type == "count":
            field = (f'<input type="number" min="0" step="any" inputmode="decimal" id="ind-{iid}" '
                     f'name="indicator:{iid}" aria-describedby="ind-{iid}-def">')
        else:
            field = f'<output id="ind-{iid}" data-indicator="{iid}" aria-live="off">–</output>'
        rows.append(f'<div class="cap-indicator"><label for="ind-{iid}">{e(i.label)} <span class="cap-unit">'
                    f'({e(i.unit)})</span></label>{field}<p class="cap-hint" id="ind-{iid}-def">{e(i.definition)}'
                    + (" Calculé à partir des nombres saisis." if i.type == "rate" else "") + "</p></div>")
    return "".join(rows)


TYPE_ATTR, ACTIVITY_ATTR = 'name="structure-type"', 'name="structure-activity"'  # test hooks (ARCHITECTURE.md)


def profile_checks(attribute: str, items: tuple[Labelled, ...]) -> str:
    """One labelled checkbox per type or activity; `attribute` names the group (e.g. 'name="structure-type"')."""
    return "".join(f'<label class="cap-check"><input type="checkbox" {attribute} value="{e(t.id)}"> '
                   f'{e(t.label)}</label>' for t in items)


class _Steps:
    """The steps in order, with what their headings and Précédent / Suivant buttons say."""

    def __init__(self, q: Questionnaire) -> None:
        self.items: list[tuple[str, str]] = [("intro", "Votre structure et vous")]
        self.items += [(t.id, t.title) for t in q.themes]
        if q.indicators:
            self.items.append(("indicateurs", "Indicateurs d'utilité sociale"))
        self.items += [("resultats", "Résultats"), ("plan", "Plan de progrès")]
        self.index = {sid: n for n, (sid, _) in enumerate(self.items)}

    def stepper(self, sid: str, where: str = "") -> str:
        n = self.index[sid]
        return (f'<span class="cap-stepper">Étape {n + 1} sur {len(self.items)}'
                f'{f" · {e(where)}" if where else ""}</span> ')

    def nav(self, sid: str, easy_toggle: bool = False) -> str:
        n = self.index[sid]
        parts = []
        if n > 0:
            pid, ptitle = self.items[n - 1]
            parts.append(f'<a class="md-button cap-prev" href="#etape={e(pid)}" data-goto="{e(pid)}">'
                         f'<span class="cap-nav-word">Précédent</span> <span class="cap-nav-name">{e(ptitle)}</span></a>')
        if n + 1 < len(self.items):
            nid, ntitle = self.items[n + 1]
            parts.append(f'<a class="md-button md-button--primary cap-next" href="#etape={e(nid)}" data-goto="{e(nid)}">'
                         f'<span class="cap-nav-word">Suivant</span> <span class="cap-nav-name">{e(ntitle)}</span></a>')
        toggle = ('<button type="button" class="cap-linkish" data-action="easy-toggle" aria-pressed="false">'
                  'Version simplifiée</button>') if easy_toggle else ""
        return f'<nav class="cap-step-nav" aria-label="Étapes">{"".join(parts)}{toggle}</nav>'


def _sommaire(q: Questionnaire, steps: _Steps) -> str:
    """The task list: every step, each theme with its status (app.js writes it), a link to each."""
    def link(sid: str, title: str) -> str:  # titles only: the step's heading shows the theme's code
        return f'<a href="#etape={e(sid)}" data-goto="{e(sid)}">{e(title)}</a>'

    groups = [f'<li class="cap-task">{link("intro", "Votre structure et vous")}</li>',
              f'<li class="cap-task" data-bilan-task hidden>{link("bilan", "Bilan du plan précédent")}</li>']
    for p in q.pillars:
        tasks = "".join(
            f'<li class="cap-task">{link(t.id, t.title)}'
            f'<span class="cap-task-status" data-task-status="{e(t.id)}">Non commencé</span></li>' for t in p.themes)
        groups.append(f'<li class="cap-task-group"><span class="cap-task-pillar">Pilier {p.number} — '
                      f'{e(p.short_title or p.title)}</span> <span class="cap-progress" data-progress="{e(p.id)}">'
                      f'0 / {len(p.criteria)}</span><ol class="cap-tasks">{tasks}</ol></li>')
    if q.indicators:
        groups.append(f'<li class="cap-task">{link("indicateurs", "Indicateurs d’utilité sociale")}'
                      '<span class="cap-task-status is-optional">Facultatif</span></li>')
    groups.append(f'<li class="cap-task">{link("resultats", "Résultats")}</li>')
    groups.append(f'<li class="cap-task">{link("plan", "Plan de progrès")}</li>')
    return (f'<nav class="cap-sommaire" id="cap-sommaire" aria-labelledby="cap-sommaire-title">'
            f'<h2 id="cap-sommaire-title">Sommaire</h2><ol class="cap-tasks cap-tasks-top">{"".join(groups)}</ol></nav>')


def _intro(q: Questionnaire, steps: _Steps, base: str) -> str:
    roles = "".join(f'<option value="{e(r.id)}">{e(r.label)}</option>' for r in q.roles)
    activities = q.activities
    activity_box = (f'<fieldset class="cap-profile"><legend>Activités <span class="cap-hint">(facultatif)</span></legend>'
                    f'<div class="cap-checks">{profile_checks(ACTIVITY_ATTR, activities)}</div></fieldset>'
                    ) if activities else ""
    return f"""<section class="cap-step cap-intro" data-step-id="intro" id="etape-intro" aria-labelledby="h-intro">
<h2 id="h-intro" tabindex="-1">{steps.stepper("intro")}Votre structure et vous</h2>
<p>Pour chaque question, choisissez la phrase qui ressemble le plus à ce qui se passe vraiment
aujourd'hui. Si vous ne savez pas, dites-le : c'est une information utile. Le
<a href="{e(base)}echelle.html">calcul des scores</a> est expliqué à part. À plusieurs, chacun exporte son
fichier (menu « Mes évaluations ») et l'animateur les réunit dans la
<a href="{e(base)}synthese.html">synthèse collective</a>.</p>
<div class="cap-row"><label for="cap-structure-name">Nom de la structure</label>
<input id="cap-structure-name" name="structure-name" type="text" maxlength="200"></div>
<fieldset class="cap-profile"><legend>Type de structure <span class="cap-hint">(une ou plusieurs cases ; sans case
cochée, toutes les questions s'affichent)</span></legend>
<div class="cap-checks">{profile_checks(TYPE_ATTR, q.structure_types)}</div></fieldset>
{activity_box}
<div class="cap-row"><label for="cap-role">Qui répond ?</label>
<select id="cap-role" name="respondent-role"><option value="">Choisir…</option>{roles}</select></div>
<div class="cap-row"><label for="cap-name">Votre nom <span class="cap-hint">(facultatif, reste sur cet appareil)</span></label>
<input id="cap-name" name="respondent-name" type="text" maxlength="200" autocomplete="name"></div>
<div class="cap-row"><label class="cap-inline"><input type="checkbox" name="easy-read" data-action="easy-read">
Version simplifiée <span class="cap-hint">: des questions et des réponses en phrases courtes, quand elles existent</span></label></div>
<div class="cap-buttons cap-start">
<button type="button" class="md-button md-button--primary" data-action="start">Commencer</button>
<button type="button" class="md-button" data-action="example">Essayer avec un exemple</button>
</div>
</section>"""


def _bilan(q: Questionnaire) -> str:
    """The review of last year's plan (a new campaign, `campaign.js` fills it): outside the step
    count, reached from the sommaire or when the campaign is made; then the first theme."""
    first = q.themes[0]
    return (f'<section class="cap-step cap-bilan" data-step-id="bilan" id="cap-bilan" aria-labelledby="h-bilan" hidden>'
            f'<h2 id="h-bilan" tabindex="-1">Bilan du plan précédent</h2>'
            f'<div data-bilan><p>Cette évaluation ne reprend pas d\'évaluation précédente. Pour en faire une, ouvrez '
            f'« Mes évaluations » puis « Nouvelle évaluation à partir de… ».</p></div>'
            f'<nav class="cap-step-nav" aria-label="Étapes"><a class="md-button cap-prev" href="#etape=intro" '
            f'data-goto="intro"><span class="cap-nav-word">Précédent</span> <span class="cap-nav-name">Votre structure '
            f'et vous</span></a><a class="md-button md-button--primary cap-next" href="#etape={e(first.id)}" '
            f'data-goto="{e(first.id)}"><span class="cap-nav-word">Suivant</span> <span class="cap-nav-name">'
            f'{e(first.title)}</span></a></nav></section>')


def form_html(q: Questionnaire, base: str) -> str:
    steps = _Steps(q)
    bar_pillars = "".join(f'<li><span class="cap-status-name">{e(p.short_title or p.title)}</span> '
                          f'<span data-progress="{e(p.id)}">0 / {len(p.criteria)}</span></li>' for p in q.pillars)
    themes = []
    for p in q.pillars:
        for t in p.themes:
            tid = e(t.id)
            intro = f'<p class="cap-theme-intro">{e(t.description)}</p>' if getattr(t, "description", "") else ""
            themes.append(
                f'<section class="cap-step cap-theme" data-step-id="{tid}" id="etape-{tid}" aria-labelledby="h-{tid}" hidden>'
                f'<h2 id="h-{tid}" tabindex="-1">{steps.stepper(t.id, f"Pilier {p.number} — {p.short_title or p.title}")}'
                f'{e(t.title)} <span class="cap-id">{tid}</span></h2>{intro}'
                f'<template data-criteria>{"".join(_criterion(q, c) for c in t.criteria)}</template>'
                f'{steps.nav(t.id, easy_toggle=True)}</section>')
    indicators = ""
    if q.indicators:
        indicators = (f'<section class="cap-step" data-step-id="indicateurs" id="cap-indicators" aria-labelledby="h-ind" hidden>'
                      f'<h2 id="h-ind" tabindex="-1">{steps.stepper("indicateurs")}Indicateurs d\'utilité sociale territoriale</h2>'
                      '<p>Facultatif. Saisissez les nombres de l\'année civile écoulée ; les taux sont calculés pour vous.</p>'
                      f'<div class="cap-indicator-grid">{_indicators(q)}</div>{steps.nav("indicateurs")}</section>')
    export = '<button type="button" class="md-button" data-action="export-json">Exporter (fichier JSON)</button>'
    return f"""
<div id="cap-app" class="cap-app" data-state="loading" data-form="complete" data-step="intro" data-base="{e(base)}" data-questionnaire="{e(q.id)}" data-version="{e(q.version)}" data-blank="{e(_blank(q))}">
<p class="cap-engine" role="status" aria-live="polite" data-engine-status>Chargement du moteur de calcul… Vous pouvez déjà répondre : vos réponses sont enregistrées sur cet appareil.</p>
<div class="cap-alerts" role="alert" aria-live="assertive" data-alerts></div>
<div class="cap-migration" role="status" data-migration hidden></div>
<div class="cap-toolbar">
<p class="cap-current">Évaluation : <strong data-current-name>nouvelle, pas encore enregistrée</strong></p>
<button type="button" class="md-button cap-menu-toggle" aria-expanded="false" aria-controls="cap-menu" data-menu-toggle>Mes évaluations</button>
<section class="cap-box cap-manage" id="cap-menu" aria-labelledby="cap-manage-title" hidden>
<h2 id="cap-manage-title">Mes évaluations sur cet appareil</h2>
<div class="cap-row"><label for="cap-current">Ouvrir</label>
<select id="cap-current" data-action="switch"></select></div>
<div class="cap-buttons">
<button type="button" class="md-button" data-action="new">Nouvelle évaluation</button>
<button type="button" class="md-button" data-action="campaign" hidden>Nouvelle évaluation à partir de celle-ci</button>
<label class="md-button cap-file">Nouvelle évaluation à partir d'un fichier<input type="file" accept=".json,application/json" data-action="campaign-file"></label>
<button type="button" class="md-button" data-action="rename">Renommer</button>
<button type="button" class="md-button" data-action="duplicate">Dupliquer</button>
<button type="button" class="md-button" data-action="delete">Supprimer</button>
<button type="button" class="md-button" data-action="example">Essayer avec un exemple</button>
</div>
<div class="cap-buttons">
{export}
<label class="md-button cap-file">Importer un fichier JSON<input type="file" accept=".json,application/json" data-action="import-json"></label>
<button type="button" class="md-button cap-danger" data-action="clear">Effacer mes données</button>
</div>
<p class="cap-export-note" data-export-note></p>
</section>
</div>
<div class="cap-status" role="region" aria-label="Avancement et enregistrement" data-bar>
<ul class="cap-status-progress" aria-label="Réponses par pilier">{bar_pillars}</ul>
<p class="cap-status-score">Score global : <span data-bar-score>–</span></p>
<p class="cap-status-saved" role="status" data-save-status>Pas encore de réponse.</p>
<p class="cap-status-links"><a class="cap-to-sommaire" href="#cap-sommaire">Sommaire</a> <a href="#etape=resultats" data-goto="resultats">Résultats</a> <a href="#etape=plan" data-goto="plan">Plan</a></p>
</div>
<div class="cap-layout">
<div class="cap-main">
<form id="cap-form" class="cap-form" autocomplete="off" novalidate data-search-exclude>
{_intro(q, steps, base)}
{"".join(themes)}
{indicators}
</form>
{_bilan(q)}
<section class="cap-step cap-results-box" data-step-id="resultats" id="cap-results" aria-labelledby="h-results" hidden>
<h2 id="h-results" tabindex="-1">{steps.stepper("resultats")}Résultats</h2>
<div data-results><p class="cap-hint">Les résultats s'afficheront ici dès que le moteur de calcul sera prêt.</p></div>
<div class="cap-buttons">{export}
<button type="button" class="md-button" data-action="print-summary">Imprimer la synthèse d'une page</button></div>
{steps.nav("resultats")}
</section>
<section class="cap-step" data-step-id="plan" id="cap-plan" aria-labelledby="h-plan" hidden>
<h2 id="h-plan" tabindex="-1">{steps.stepper("plan")}Plan de progrès</h2>
<div data-plan><p class="cap-hint">Le plan se construit à partir de vos réponses.</p></div>
<div class="cap-buttons">
<button type="button" class="md-button md-button--primary" data-action="print-plan">Imprimer le plan</button>
<button type="button" class="md-button" data-action="print-summary">Imprimer la synthèse d'une page</button>
<button type="button" class="md-button" data-action="export-csv">Exporter le plan (CSV)</button>
<button type="button" class="md-button" data-action="export-odt">Télécharger le plan (ODT)</button>
{export}
</div>
<p class="cap-export-note" data-export-note></p>
{steps.nav("plan")}
</section>
</div>
{_sommaire(q, steps)}
</div>
<iframe class="cap-print-frame" title="Document à imprimer" data-print-frame hidden></iframe>
</div>
<script type="module" src="{e(base)}assets/cap/app.js"></script>
"""

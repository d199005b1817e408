"""The assessment page's static HTML, generated from the questionnaire at build time.

The form works before Python is ready: app.js saves answers as they are typed; scores come
from the worker. Test hooks (DESIGN.md): radios named by criterion id, `structure-type`,
`[data-state]`, `[data-score]`, `[data-action]`.
"""

from __future__ import annotations

from cap.model import Criterion, Questionnaire
from cap.report import esc as e

# Drawn by CSS when its radio is checked or focused (sibling selectors: `:has()` on 500 labels
# made every change restyle the whole page).
FRAME = '<span class="cap-frame" aria-hidden="true"></span>'



def _criterion(q: Questionnaire, c: Criterion) -> str:
    cid = e(c.id)
    applies = f' data-applies="{e(" ".join(c.applies_to))}"' if c.applies_to else ""
    levels = "".join(
        f'<label class="cap-choice cap-level-{lv.level}"><input type="radio" name="{cid}" value="{lv.level}">{FRAME}'
        f'<span class="cap-choice-head">{lv.level} · {e(q.scale.levels[lv.level - 1].label)}</span>'
        f'<span class="cap-choice-text">{e(lv.text)}</span></label>' for lv in c.levels)
    others = (f'<label class="cap-choice cap-other"><input type="radio" name="{cid}" value="dk">{FRAME}'
              f'<span class="cap-choice-head">{e(q.scale.dk_label)}</span></label>')
    if not c.core:
        others += (f'<label class="cap-choice cap-other"><input type="radio" name="{cid}" value="na">{FRAME}'
                   f'<span class="cap-choice-head">{e(q.scale.na_label)}</span></label>')
    note = (f'<p class="cap-excluded" hidden>Ce critère ne concerne pas votre type de structure : {e(c.applies_note)} '
            'Vous pouvez passer au suivant.</p>') if c.applies_to else ""
    core = ('<p class="cap-core-note">Critère essentiel : il concerne toutes les structures '
            '(« non concerné » n\'est pas proposé).</p>') if c.core else ""
    evidence = "".join(f"<li>{e(x)}</li>" for x in c.evidence)
    return (
        f'<fieldset class="cap-criterion" id="c-{cid}" data-criterion="{cid}"{applies}>'
        f'<legend><span class="cap-id">{cid}</span> <span class="cap-q">{e(c.question)}</span></legend>{note}'
        f'<details class="cap-help"><summary>Aide : pourquoi c\'est important, preuves</summary>'
        f'<p>{e(c.why)}</p><p>Preuves possibles :</p><ul>{evidence}</ul></details>'
        f'<details class="cap-easy"><summary>Version facile à lire</summary><p lang="fr">{e(c.easy_read)}</p></details>'
        f'{core}<div class="cap-choices">{levels}</div><div class="cap-others">{others}</div>'
        f'<div class="cap-justification" hidden><label for="j-{cid}">Pourquoi votre structure n\'est-elle pas '
        f'concernée ? <span class="cap-required">(obligatoire)</span></label>'
        f'<textarea id="j-{cid}" name="justification:{cid}" rows="2" maxlength="5000"></textarea></div>'
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


def form_html(q: Questionnaire, base: str) -> str:
    types = "".join(f'<option value="{e(t.id)}">{e(t.label)}</option>' for t in q.structure_types)
    roles = "".join(f'<option value="{e(r.id)}">{e(r.label)}</option>' for r in q.roles)
    nav = "".join(f'<li><a href="#pilier-{e(p.id)}">{p.number}. {e(p.title)}</a> '
                  f'<span class="cap-progress" data-progress="{e(p.id)}"></span></li>' for p in q.pillars)
    bar_pillars = "".join(f'<li><span class="cap-status-name">{e(p.short_title or p.title)}</span> '
                          f'<span data-progress="{e(p.id)}">0 / {len(p.criteria)}</span></li>' for p in q.pillars)
    pillars = []
    for n, p in enumerate(q.pillars):
        body = []
        for t in p.themes:
            body.append(f'<h3 id="theme-{e(t.id)}">{e(t.title)}</h3>')
            body.extend(_criterion(q, c) for c in t.criteria)
        # Everything after the first theme arrives as inert templates that app.js moves in
        # right after the page is shown: the first screen is a few criteria, not 11k elements.
        first = 1 + len(p.themes[0].criteria) if n == 0 else 0
        content = "".join(body[:first])
        if body[first:]:
            content += f'<template data-deferred-pillar>{"".join(body[first:])}</template>'
        pillars.append(f'<section class="cap-pillar" id="pilier-{e(p.id)}" aria-labelledby="h-{e(p.id)}">'
                       f'<h2 id="h-{e(p.id)}">Pilier {p.number} — {e(p.title)}</h2>'
                       f'<p class="cap-progress-line">Réponses : <span data-progress="{e(p.id)}">0 / '
                       f'{len(p.criteria)}</span></p>{content}</section>')
    return f"""
<div id="cap-app" class="cap-app" data-state="loading" data-form="partial" data-base="{e(base)}" data-questionnaire="{e(q.id)}" data-version="{e(q.version)}">
<p class="cap-engine" role="status" aria-live="polite" data-engine-status>Chargement du moteur de calcul… Vous pouvez déjà répondre : vos réponses sont enregistrées sur cet appareil.</p>
<div class="cap-alerts" role="alert" aria-live="assertive" data-alerts></div>
<section class="cap-box cap-manage" aria-labelledby="cap-manage-title">
<h2 id="cap-manage-title">Mes évaluations sur cet appareil</h2>
<div class="cap-row"><label for="cap-current">Évaluation en cours</label>
<select id="cap-current" data-action="switch"></select></div>
<div class="cap-buttons">
<button type="button" class="md-button" data-action="new">Nouvelle évaluation</button>
<button type="button" class="md-button" data-action="rename">Renommer</button>
<button type="button" class="md-button" data-action="duplicate">Dupliquer</button>
<button type="button" class="md-button" data-action="delete">Supprimer</button>
<button type="button" class="md-button" data-action="example">Essayer avec un exemple</button>
</div>
<div class="cap-buttons">
<button type="button" class="md-button md-button--primary" data-action="export-json">Exporter (fichier JSON)</button>
<label class="md-button cap-file">Importer un fichier JSON<input type="file" accept=".json,application/json" data-action="import-json"></label>
<button type="button" class="md-button cap-danger" data-action="clear">Effacer mes données</button>
</div>
<p class="cap-export-note" data-export-note></p>
</section>
<div class="cap-status" role="region" aria-label="Avancement et enregistrement" data-bar>
<ul class="cap-status-progress" aria-label="Réponses par pilier">{bar_pillars}</ul>
<p class="cap-status-score">Score global : <span data-bar-score>–</span></p>
<p class="cap-status-saved" role="status" data-save-status>Pas encore de réponse.</p>
<p class="cap-status-links"><a href="#cap-results">Résultats</a> <a href="#cap-plan">Plan</a></p>
</div>
<form id="cap-form" class="cap-form" autocomplete="off" novalidate data-search-exclude>
<fieldset class="cap-box cap-identity"><legend>Votre structure et vous</legend>
<div class="cap-row"><label for="cap-structure-name">Nom de la structure</label>
<input id="cap-structure-name" name="structure-name" type="text" maxlength="200"></div>
<div class="cap-row"><label for="cap-structure-type">Type de structure</label>
<select id="cap-structure-type" name="structure-type"><option value="">Choisir…</option>{types}</select></div>
<div class="cap-row"><label for="cap-role">Votre rôle</label>
<select id="cap-role" name="respondent-role"><option value="">Choisir…</option>{roles}</select></div>
<div class="cap-row"><label for="cap-name">Votre nom <span class="cap-hint">(facultatif, reste sur cet appareil)</span></label>
<input id="cap-name" name="respondent-name" type="text" maxlength="200" autocomplete="name"></div>
<div class="cap-row"><label class="cap-inline"><input type="checkbox" name="easy-read" data-action="easy-read"> Afficher la version facile à lire de toutes les questions</label></div>
</fieldset>
<nav class="cap-box cap-toc" aria-label="Piliers du questionnaire"><ol>{nav}<li><a href="#cap-results">Résultats</a></li><li><a href="#cap-plan">Plan de progrès</a></li><li><a href="#cap-indicators">Indicateurs</a></li></ol></nav>
{"".join(pillars)}
<section class="cap-box" id="cap-indicators" aria-labelledby="h-ind">
<h2 id="h-ind">Indicateurs d'utilité sociale territoriale</h2>
<p>Saisissez les nombres de l'année civile écoulée. Les taux sont calculés pour vous.</p>
<div class="cap-indicator-grid">{_indicators(q)}</div>
</section>
</form>
<section class="cap-box cap-results-box" id="cap-results" aria-labelledby="h-results" tabindex="-1">
<h2 id="h-results">Résultats</h2>
<div data-results><p class="cap-hint">Les résultats s'afficheront ici dès que le moteur de calcul sera prêt.</p></div>
</section>
<section class="cap-box" id="cap-plan" aria-labelledby="h-plan">
<h2 id="h-plan">Plan de progrès</h2>
<div data-plan><p class="cap-hint">Le plan se construit à partir de vos réponses.</p></div>
<div class="cap-buttons">
<button type="button" class="md-button md-button--primary" data-action="print-plan">Imprimer le plan</button>
<button type="button" class="md-button" data-action="print-summary">Imprimer la synthèse d'une page</button>
<button type="button" class="md-button" data-action="export-csv">Exporter le plan (CSV)</button>
</div>
</section>
<iframe class="cap-print-frame" title="Document à imprimer" data-print-frame hidden></iframe>
</div>
<script type="module" src="{e(base)}assets/cap/app.js"></script>
"""

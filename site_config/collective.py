"""Static HTML of the collective pages (synthèse collective, évolution), generated at build time.

The text of the grid (questions, level descriptors, pillar and theme titles) is written here once;
`synthese.js` (and its `synthese-*.js` modules) / `evolution.js` fill the parts that depend on the
participants' files (the list of files: `filelist.js`) with HTML the engine builds (op `synthesis`:
py/cap/synthesis.py; op `evolution`) and inserts it as it is.

Test hooks: `#cap-synthese[data-state]` / `#cap-evolution[data-state]` (loading, ready, error);
`data-changes` / `data-merged` (synthèse) or `data-updated` (évolution): the page is current when
they are equal, and then `data-failed="true"` says the engine call for that change failed (the files
stay listed, the session is kept; the next change, or « Réessayer » (`[data-retry]`), asks again);
each file's row `tr[data-file]` has `data-file-status` = `accepted`, `refused` (set aside, with its
reason), `waiting` or `failed`; each criterion card `article[data-criterion]` carries
`data-proposed`, `data-divergent`, `data-clarify`, `data-spread`, `data-agreed` once files are
merged; `[data-action=…]` on every control.
"""


from __future__ import annotations

import json

from cap.html import esc as e
from cap.html import raw_block as _compact
from cap.model import Criterion, Questionnaire
from site_config.form import profile_checks

# Regions of France (mainland and overseas), for the optional region of the anonymised export:
# a list rather than free text, so that nothing identifying can be typed into the file.
REGIONS = (
    "Auvergne-Rhône-Alpes", "Bourgogne-Franche-Comté", "Bretagne", "Centre-Val de Loire", "Corse", "Grand Est",
    "Hauts-de-France", "Île-de-France", "Normandie", "Nouvelle-Aquitaine", "Occitanie", "Pays de la Loire",
    "Provence-Alpes-Côte d'Azur", "Guadeloupe", "Guyane", "Martinique", "La Réunion", "Mayotte",
)



def _labels(q: Questionnaire) -> str:
    """Role and scale labels for the script, as JSON in data attributes (escaped for HTML)."""
    roles = {r.id: r.label for r in q.roles}
    scale = {str(lv.value): lv.label for lv in q.scale.levels}
    scale.update({"na": q.scale.na_label, "dk": q.scale.dk_label})
    return (f' data-roles="{e(json.dumps(roles, ensure_ascii=False))}"'
            f' data-scale="{e(json.dumps(scale, ensure_ascii=False))}"')


def _files_box(prefix: str, what: str, folder: bool = False) -> str:
    """Drop zone + file picker (+ a folder picker: every JSON file inside) + the assessments saved on this device."""
    folder_input = (f'<label class="md-button cap-file">Choisir un dossier<input type="file" webkitdirectory multiple '
                    f'data-action="add-folder" aria-describedby="{prefix}-drop-help"></label>') if folder else ""
    return f"""
<div class="cap-drop" data-drop>
<p id="{prefix}-drop-help">Déposez ici {what} (fichiers JSON exportés depuis la page Évaluer), ou choisissez-les :</p>
<label class="md-button md-button--primary cap-file">Choisir des fichiers<input type="file" multiple accept=".json,application/json" data-action="add-files" aria-describedby="{prefix}-drop-help"></label>
{folder_input}
</div>
<fieldset class="cap-saved">
<legend>Ou prenez des évaluations enregistrées sur cet appareil</legend>
<div data-saved-list><p class="cap-hint">Aucune évaluation enregistrée sur cet appareil.</p></div>
<div class="cap-buttons"><button type="button" class="md-button" data-action="add-saved">Ajouter les évaluations cochées</button></div>
</fieldset>"""


def _levels(q: Questionnaire, c: Criterion) -> str:
    items = "".join(f'<li data-level="{lv.level}"><strong>{lv.level} · {e(q.scale.levels[lv.level - 1].label)}</strong> '
                    f'<span data-descriptor>{e(lv.text)}</span></li>' for lv in c.levels)
    return f'<ol class="cap-syn-levels">{items}</ol>'


def _card(q: Questionnaire, c: Criterion) -> str:
    cid = e(c.id)
    core = ' data-core="true"' if c.core else ""
    core_note = ('<p class="cap-core-note">Critère essentiel : « non concerné » n\'est pas possible.</p>'
                 if c.core else "")
    return (f'<article class="cap-syn-criterion" id="s-{cid}" data-criterion="{cid}" data-pillar="{e(c.pillar_id)}" '
            f'data-theme="{e(c.theme_id)}"{core} aria-labelledby="s-{cid}-h" tabindex="-1" data-search-exclude>'
            f'<h4 id="s-{cid}-h"><span class="cap-id">{cid}</span> <span class="cap-q">{e(c.question)}</span></h4>'
            f'{core_note}<details class="cap-syn-help"><summary>Les quatre niveaux de ce critère</summary>'
            f'{_levels(q, c)}</details><div class="cap-syn-dyn" data-dyn></div></article>')


def _criteria(q: Questionnaire) -> str:
    parts = []
    for p in q.pillars:
        parts.append(f'<h3 class="cap-syn-pillar" id="sp-{e(p.id)}">Pilier {p.number} — {e(p.title)}</h3>')
        for t in p.themes:
            parts.append(f'<h4 class="cap-syn-theme">{e(t.title)}</h4>')
            parts.extend(_card(q, c) for c in t.criteria)
    return "".join(parts)


def _map_rows(q: Questionnaire) -> str:
    """The frame of the divergence map: one row per pillar, in it one line per theme named in words;
    the script fills each theme's cells (a symbol and the criterion's number, its question in the
    cell's title and in text for screen readers)."""
    rows = []
    for p in q.pillars:
        themes = "".join(f'<div class="cap-map-theme" data-map-theme="{e(t.id)}"><p class="cap-map-theme-title">'
                         f'{e(t.title)}</p><ul class="cap-map-cells" aria-label="{e(t.title)}"></ul></div>'
                         for t in p.themes)
        rows.append(f'<div class="cap-map-row" data-map-pillar="{e(p.id)}"><h3 class="cap-map-title">'
                    f'<a href="#sp-{e(p.id)}">{p.number}. {e(p.title)}</a></h3><div>{themes}</div></div>')
    return "".join(rows)


def _meeting(q: Questionnaire) -> str:
    values = "".join(f'<button type="button" class="cap-meet-value" data-value="{lv.value}" aria-pressed="false">'
                     f'<kbd>{lv.value}</kbd> {e(lv.label)}</button>' for lv in q.scale.levels)
    values += (f'<button type="button" class="cap-meet-value" data-value="na" aria-pressed="false"><kbd>N</kbd> '
               f'{e(q.scale.na_label)}</button>'
               f'<button type="button" class="cap-meet-value" data-value="dk" aria-pressed="false"><kbd>?</kbd> '
               f'{e(q.scale.dk_label)}</button>'
               '<button type="button" class="cap-meet-value cap-meet-clear" data-value="" aria-pressed="false">'
               '<kbd>Suppr</kbd> Revenir à la proposition</button>')
    return f"""
<dialog class="cap-meeting" aria-labelledby="syn-meet-title" aria-describedby="syn-meet-keys" data-meeting>
<div class="cap-meet-bar">
<p class="cap-meet-pos" data-meet-pos></p>
<div class="cap-meet-nav">
<button type="button" class="md-button" data-meet="prev"><span aria-hidden="true">←</span> Précédent</button>
<button type="button" class="md-button md-button--primary" data-meet="next">Suivant <span aria-hidden="true">→</span></button>
<button type="button" class="md-button" data-meet="fullscreen">Plein écran</button>
<button type="button" class="md-button" data-meet="close">Quitter le mode réunion</button>
</div>
</div>
<h2 id="syn-meet-title" tabindex="-1"><span class="cap-id" data-meet-id></span> <span data-meet-question></span></h2>
<p class="cap-meet-flags" data-meet-flags></p>
<div class="cap-meet-main">
<div class="cap-meet-info">
<div data-meet-dist></div>
<div data-meet-roles></div>
<div data-meet-comments></div>
</div>
<fieldset class="cap-meet-decide">
<legend>Réponse retenue par l'équipe</legend>
<p class="cap-meet-current" data-meet-current></p>
<div class="cap-meet-values" data-meet-values>{values}</div>
<label for="syn-meet-reason">Raison de ce choix (faits, preuves ; ce qui manque pour le niveau suivant) <kbd>R</kbd></label>
<textarea id="syn-meet-reason" rows="3" maxlength="5000" data-meet-reason></textarea>
</fieldset>
</div>
<p class="cap-hint cap-meet-keys" id="syn-meet-keys">Clavier : <kbd>1</kbd> à <kbd>4</kbd> niveau retenu, <kbd>N</kbd> non concerné, <kbd>?</kbd> je ne sais pas, <kbd>Suppr</kbd> revenir à la proposition, <kbd>R</kbd> écrire la raison (<kbd>Échap</kbd> pour en sortir), <kbd>Entrée</kbd> ou <kbd>→</kbd> critère suivant, <kbd>←</kbd> précédent, <kbd>Échap</kbd> quitter.</p>
<p class="cap-sr" aria-live="polite" data-meet-live></p>
</dialog>"""


def synthese_html(q: Questionnaire, base: str) -> str:
    types = profile_checks('data-field="types"', q.structure_types)
    activities = profile_checks('data-field="activities"', q.activities)
    profile = ('<fieldset class="cap-profile"><legend>Type de structure <span class="cap-hint">(une ou plusieurs '
               'cases ; au départ, tous ceux que les participants ont cochés)</span></legend>'
               f'<div class="cap-checks">{types}</div></fieldset>')
    if q.activities:
        profile += ('<fieldset class="cap-profile"><legend>Activités <span class="cap-hint">(facultatif)</span></legend>'
                    f'<div class="cap-checks">{activities}</div></fieldset>')
    regions = "".join(f'<option value="{e(r)}">{e(r)}</option>' for r in REGIONS)
    return _compact(f"""
<div id="cap-synthese" class="cap-app cap-collective" data-state="loading" data-base="{e(base)}" data-questionnaire="{e(q.id)}" data-version="{e(q.version)}"{_labels(q)}>
<p class="cap-engine" role="status" aria-live="polite" data-engine-status>Chargement du moteur de calcul… Vous pouvez déjà ajouter les fichiers.</p>
<div class="cap-alerts" role="alert" aria-live="assertive" data-alerts></div>
<nav class="cap-box cap-steps" aria-label="Étapes de la synthèse"><ol>
<li><a href="#syn-files">Les fichiers des participants</a></li>
<li><a href="#syn-map">La carte des divergences</a></li>
<li><a href="#syn-criteria">Critère par critère</a></li>
<li><a href="#syn-result">L'évaluation consolidée</a></li>
<li><a href="#syn-export">L'export anonymisé pour le réseau</a></li>
</ol></nav>

<section class="cap-box" id="syn-files" aria-labelledby="syn-files-h">
<h2 id="syn-files-h">1. Les fichiers des participants</h2>
<p>Chaque participant exporte son évaluation depuis la page <a href="{e(base)}evaluer.html">Évaluer</a> et vous transmet le fichier. Les fichiers sont lus <strong>sur cet appareil</strong> : rien n'est envoyé.</p>
{_files_box("syn", "les fichiers des participants ou leur dossier", folder=True)}
<div class="cap-row"><label class="cap-inline"><input type="checkbox" data-action="show-names"> Afficher les noms des participants (sinon, seulement leur rôle et « Participant 1, 2… »)</label></div>
<div data-general-notes></div>
<div class="cap-table-scroll" data-files-box hidden>
<table class="cap-syn-files cap-stack"><caption>Fichiers de la séance</caption>
<thead><tr><th scope="col">Fichier</th><th scope="col">Participant</th><th scope="col">État</th><th scope="col">Retirer</th></tr></thead>
<tbody data-files></tbody></table>
</div>
<p class="cap-syn-count" role="status" data-files-summary></p>
<div class="cap-buttons"><button type="button" class="md-button cap-danger" data-action="new-session">Nouvelle séance</button></div>
<p class="cap-hint">La séance (fichiers, réponses retenues et raisons) est gardée sur cet appareil : vous la retrouvez si vous rechargez la page. « Nouvelle séance » l'efface.</p>
</section>

<section class="cap-box" id="syn-map" aria-labelledby="syn-map-h" data-needs-merge hidden>
<h2 id="syn-map-h">2. Par où commencer : la carte des divergences</h2>
<p class="cap-syn-overview" data-overview></p>
<ul class="cap-map-legend" aria-label="Légende de la carte">
<li><span class="cap-cell-sample is-divergent" aria-hidden="true">≠</span> divergent : les réponses s'écartent d'au moins deux niveaux</li>
<li><span class="cap-cell-sample is-clarify" aria-hidden="true">?</span> à clarifier : au moins un tiers de « je ne sais pas »</li>
<li><span class="cap-cell-sample is-agree" aria-hidden="true">=</span> proche : écart de moins de deux niveaux</li>
<li><span class="cap-cell-sample is-empty" aria-hidden="true">–</span> sans réponse chiffrée</li>
<li><span class="cap-cell-sample is-excluded" aria-hidden="true">/</span> ne concerne pas ce type de structure</li>
<li><span class="cap-cell-sample is-agreed" aria-hidden="true">✔</span> réponse retenue en séance</li>
</ul>
<div class="cap-row"><label for="syn-order">Ordre des critères</label>
<select id="syn-order" data-action="order"><option value="talk">À discuter d'abord : divergents, puis à clarifier</option><option value="grid">Ordre du questionnaire</option></select></div>
<div class="cap-map" data-map>{_map_rows(q)}</div>
<details class="cap-syn-alt"><summary>La carte sous forme de tableau</summary><div class="cap-table-scroll" data-map-table tabindex="0" role="region" aria-label="Tableau des critères et de leurs signaux"></div></details>
<div class="cap-buttons"><button type="button" class="md-button md-button--primary" data-action="meeting">Ouvrir le mode réunion</button></div>
<p class="cap-hint">Le mode réunion montre un critère à la fois, en grands caractères, pour un vidéoprojecteur ; la réponse retenue se saisit d'une touche.</p>
</section>

<section class="cap-box" id="syn-criteria" aria-labelledby="syn-criteria-h" data-needs-merge hidden>
<h2 id="syn-criteria-h">3. Critère par critère</h2>
<p>Pour chaque critère : la répartition des réponses par niveau et par rôle, la valeur proposée (la médiane basse des réponses chiffrées), les signaux et les commentaires. La réponse retenue se saisit en <a href="#syn-map">mode réunion</a>.</p>
{_criteria(q)}
</section>

<section class="cap-box" id="syn-result" aria-labelledby="syn-result-h" data-needs-merge hidden>
<h2 id="syn-result-h">4. L'évaluation consolidée</h2>
<p>Elle reprend la réponse retenue en séance pour chaque critère, sinon la valeur proposée, avec les rôles des participants et les statistiques de chaque critère. Enregistrée sur cet appareil, elle apparaît dans la liste de la page <a href="{e(base)}evaluer.html">Évaluer</a>, où se complètent le plan d'actions, les cibles et les indicateurs (ils sont conservés si la synthèse change ensuite).</p>
<div class="cap-row"><label for="syn-name">Nom de la structure</label><input id="syn-name" type="text" maxlength="200" data-field="name"></div>
{profile}
<div class="cap-buttons">
<button type="button" class="md-button md-button--primary" data-action="save">Enregistrer sur cet appareil</button>
<a class="md-button" href="{e(base)}evaluer.html" data-action="open-evaluer" hidden>Ouvrir dans la page Évaluer</a>
<button type="button" class="md-button" data-action="export-json">Exporter (fichier JSON)</button>
<button type="button" class="md-button" data-action="print-plan">Imprimer le plan de progrès</button>
</div>
<p class="cap-syn-saved" role="status" data-save-status></p>
<div data-results></div>
</section>

<section class="cap-box" id="syn-export" aria-labelledby="syn-export-h">
<h2 id="syn-export-h">5. Export anonymisé pour le réseau</h2>
<p>Pour aider le réseau à connaître ses adhérents, vous pouvez lui transmettre un fichier <strong>anonymisé</strong> : type de structure, région si vous le souhaitez, date, version du questionnaire, scores et niveau de chaque critère. <strong>Aucun nom, aucun commentaire, aucun texte libre.</strong> Vous voyez tout son contenu avant de le télécharger ; c'est vous qui choisissez de l'envoyer, ou non.</p>
<div class="cap-row"><label for="syn-anon-source">Évaluation à exporter</label><select id="syn-anon-source" data-anon-source></select></div>
<div class="cap-row"><label for="syn-anon-region">Région (facultatif)</label><select id="syn-anon-region" data-anon-region><option value="">Ne pas préciser</option>{regions}</select></div>
<div class="cap-buttons"><button type="button" class="md-button" data-action="anon-preview">Voir le contenu du fichier</button></div>
<div data-anon-box hidden>
<div class="cap-table-scroll cap-anon-scroll" data-anon-preview tabindex="0" role="region" aria-label="Aperçu du fichier anonymisé"></div>
<div class="cap-buttons"><button type="button" class="md-button md-button--primary" data-action="anon-download">Télécharger l'export anonymisé</button></div>
</div>
</section>
{_meeting(q)}
<iframe class="cap-print-frame" title="Document à imprimer" data-print-frame hidden></iframe>
</div>
<script type="module" src="{e(base)}assets/cap/synthese.js"></script>
""")


def evolution_html(q: Questionnaire, base: str) -> str:
    return _compact(f"""
<div id="cap-evolution" class="cap-app cap-collective" data-state="loading" data-base="{e(base)}" data-questionnaire="{e(q.id)}" data-version="{e(q.version)}"{_labels(q)}>
<p class="cap-engine" role="status" aria-live="polite" data-engine-status>Chargement du moteur de calcul… Vous pouvez déjà ajouter les évaluations.</p>
<div class="cap-alerts" role="alert" aria-live="assertive" data-alerts></div>
<section class="cap-box" id="evo-files" aria-labelledby="evo-files-h">
<h2 id="evo-files-h">Les évaluations à comparer</h2>
<p>Choisissez au moins deux évaluations <strong>de la même structure</strong>, faites à des dates différentes : par exemple l'évaluation consolidée de l'an dernier et celle de cette année. Elles sont classées par date (celle de leur dernière modification). Rien n'est envoyé.</p>
{_files_box("evo", "les évaluations à comparer")}
<div data-general-notes></div>
<div class="cap-table-scroll" data-files-box hidden>
<table class="cap-evo-files cap-stack"><caption>Évaluations choisies, de la plus ancienne à la plus récente</caption>
<thead><tr><th scope="col">Date</th><th scope="col">Évaluation</th><th scope="col">Fichier</th><th scope="col">État</th><th scope="col">Retirer</th></tr></thead>
<tbody data-files></tbody></table>
</div>
<p class="cap-syn-count" role="status" data-files-summary></p>
</section>
<section class="cap-box" id="evo-result" aria-labelledby="evo-result-h" data-evo-result hidden>
<h2 id="evo-result-h">Ce qui a changé</h2>
<div class="cap-buttons"><button type="button" class="md-button md-button--primary" data-action="print">Imprimer l'évolution</button></div>
<div data-evolution></div>
</section>
<iframe class="cap-print-frame" title="Document à imprimer" data-print-frame hidden></iframe>
</div>
<script type="module" src="{e(base)}assets/cap/evolution.js"></script>
""")

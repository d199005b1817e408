"""Static HTML of the Réseau page (a regional advisor's view of many anonymised exports), at build time.

`reseau.js` fills it with what the engine returns (worker op `network_view`): the list of refused
files, the filters' options, and the view's HTML (range bars, table, counts: `cap.network`).

Test hooks: `#cap-reseau[data-state]` (loading, ready, error); `data-changes` / `data-updated`
(the view is current when they are equal; then `data-failed="true"` says the engine call failed);
`[data-files-summary]` with `data-accepted` / `data-refused`; each refused file's row
`tr[data-file][data-file-status=refused]` with its reason; the filters `select[data-filter=type|
activity|region|size]`; each distribution `[data-stat=overall|<pillar>|<theme>]` with its unrounded
figures in `data-n`, `data-min`, `data-q1`, `data-median`, `data-q3`, `data-max`, `data-mean`,
`data-withheld`; `[data-withheld-group]` when the whole group is under the minimum; `[data-action=…]`
on every control.
"""

from __future__ import annotations

from cap.aggregate import MIN_GROUP
from cap.html import esc as e
from cap.html import raw_block as _compact
from cap.model import Questionnaire
from cap.network import NET_CSS


def _select(key: str, label: str) -> str:
    return (f'<div class="cap-row"><label for="res-f-{key}">{label}</label>'
            f'<select id="res-f-{key}" data-filter="{key}"><option value="">Toutes</option></select></div>')


def reseau_html(q: Questionnaire, base: str) -> str:
    filters = "".join(_select(k, label) for k, label in (("type", "Type de structure"), ("activity", "Activité"),
                                                        ("region", "Région"), ("size", "Taille")))
    return _compact(f"""
<div id="cap-reseau" class="cap-app cap-collective" data-state="loading" data-base="{e(base)}" data-questionnaire="{e(q.id)}" data-version="{e(q.version)}" data-min-group="{MIN_GROUP}">
<style>{NET_CSS}</style>
<p class="cap-engine" role="status" aria-live="polite" data-engine-status>Chargement du moteur de calcul… Vous pouvez déjà ajouter les fichiers.</p>
<div class="cap-alerts" role="alert" aria-live="assertive" data-alerts></div>
<section class="cap-box" id="res-files" aria-labelledby="res-files-h">
<h2 id="res-files-h">1. Les exports anonymisés des structures</h2>
<p>Chaque structure fait son export anonymisé sur la page <a href="{e(base)}synthese.html#syn-export">Synthèse collective</a> et vous l'envoie. Ajoutez ici tous les fichiers reçus, ou le dossier qui les contient : ils sont lus <strong>sur cet appareil</strong>, rien n'est envoyé. Une évaluation complète est aussi acceptée : elle est anonymisée à la lecture.</p>
<div class="cap-drop" data-drop>
<p id="res-drop-help">Déposez ici les fichiers (ou un dossier), ou choisissez-les :</p>
<div class="cap-buttons">
<label class="md-button md-button--primary cap-file">Choisir un dossier<input type="file" webkitdirectory multiple data-action="add-folder" aria-describedby="res-drop-help"></label>
<label class="md-button cap-file">Choisir des fichiers<input type="file" multiple accept=".json,application/json" data-action="add-files" aria-describedby="res-drop-help"></label>
</div>
</div>
<p class="cap-syn-count" role="status" data-files-summary>Aucun fichier ajouté pour l'instant.</p>
<div class="cap-table-scroll" data-refused-box hidden>
<table class="cap-res-refused cap-stack"><caption>Fichiers écartés (les autres sont pris en compte)</caption>
<thead><tr><th scope="col">Fichier</th><th scope="col">Raison</th></tr></thead>
<tbody data-refused-list></tbody></table>
</div>
<div class="cap-buttons"><button type="button" class="md-button cap-danger" data-action="clear-files" hidden>Retirer tous les fichiers</button></div>
</section>
<section class="cap-box" id="res-group" aria-labelledby="res-group-h">
<h2 id="res-group-h">2. Le groupe à regarder</h2>
<div class="cap-res-filters">{filters}</div>
<p class="cap-hint" data-rule>Les chiffres d'un groupe de moins de {MIN_GROUP} structures ne sont jamais affichés (ni médiane, ni quartiles, ni minimum, ni maximum) : avec si peu de structures, on pourrait reconnaître l'une d'elles. Élargissez alors les filtres.</p>
</section>
<section class="cap-box" id="res-own" aria-labelledby="res-own-h">
<h2 id="res-own-h">3. Situer une structure <span class="cap-hint">(facultatif)</span></h2>
<p>Choisissez le fichier d'une structure (son évaluation ou son export anonymisé) : un losange rouge la place sur chaque barre, et le tableau dit où elle se situe. Le fichier n'est pas ajouté au groupe.</p>
<div class="cap-buttons">
<label class="md-button cap-file">Choisir le fichier de la structure<input type="file" accept=".json,application/json" data-action="own-file"></label>
<button type="button" class="md-button" data-action="similar" hidden>Voir les structures similaires</button>
<button type="button" class="md-button" data-action="own-clear" hidden>Ne plus situer cette structure</button>
</div>
<p role="status" data-own-status></p>
</section>
<section class="cap-box" id="res-view" aria-labelledby="res-view-h" data-view-box hidden>
<h2 id="res-view-h">4. La répartition des scores</h2>
<div class="cap-buttons">
<button type="button" class="md-button" data-action="export-csv">Exporter ce tableau (CSV)</button>
<button type="button" class="md-button" data-action="print">Imprimer ou enregistrer en PDF</button>
<button type="button" class="md-button md-button--primary" data-action="export-network">Télécharger le fichier réseau</button>
</div>
<p class="cap-hint">Le <strong>fichier réseau</strong> (JSON) contient les chiffres de ce groupe et de ses sous-groupes par type et par taille, jamais ceux d'un groupe de moins de {MIN_GROUP} structures, ni aucun fichier de structure. Envoyez-le aux structures : chacune le charge sur l'étape « Résultats » de la page <a href="{e(base)}evaluer.html">Évaluer</a> et se compare aux structures qui lui ressemblent.</p>
<div data-view></div>
</section>
<iframe class="cap-print-frame" title="Document à imprimer" data-print-frame hidden></iframe>
</div>
<script type="module" src="{e(base)}assets/cap/reseau.js"></script>
""")

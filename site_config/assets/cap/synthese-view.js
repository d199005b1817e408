// @ts-check
// The synthesis page drawn from the engine's reply (op `synthesis`, py/cap/synthesis.py): the list
// of files with each one's state, then (once participants are merged) the overview, the divergence
// map and its table, the criterion cards and the consolidated results. The HTML is built and
// escaped in Python; this module inserts it and sets the cards' test hooks (`data-proposed`…).
import { fileRow, fillRows, noteSpans, showGeneral, unread } from "./filelist.js";
import { el } from "./util.js";

/**
 * @typedef {object} CriterionView
 * @property {{ proposed: string, divergent: string, clarify: string, spread: string, agreed: string }} data
 * @property {boolean} applies
 * @property {string[]} choices the values this criterion takes ("na" not on a core criterion)
 * @property {string} card the card's HTML (its parts marked `data-part` for the meeting mode)
 * @property {string} [proposed] where it applies: the proposed value's label
 * @property {string} [note] where it applies: why it comes here in the "talk" order
 * @property {string} [spoken] where it applies: what the meeting mode says of it
 */
/**
 * @typedef {object} SynthesisReply
 * @property {{ name: string, participant: string }[]} files the files merged, each with its participant
 * @property {import("./filelist.js").Note[]} notes
 * @property {any} assessment the consolidated assessment, as saved, exported and printed
 * @property {{ results: string, overview: string, table: string, map: Record<string, string> }} html
 * @property {Record<string, CriterionView>} criteria
 * @property {string[]} order
 * @property {string[]} meeting the criteria the meeting mode goes through, in order
 * @property {Record<string, string>} labels each answer's label by its value as text
 */

/**
 * The list of files: each one's state (merged, set aside with the engine's reason, waiting, failed).
 * @param {HTMLElement} root
 * @param {import("./synthese-session.js").Session} session
 * @param {SynthesisReply | null} reply
 * @param {boolean} failed the last merge failed
 */
export function renderFiles(root, session, reply, failed) {
  /** @param {string} selector */
  const $ = (selector) => /** @type {HTMLElement} */ (root.querySelector(selector));
  const notes = reply?.notes || [];
  const kept = new Map((reply?.files || []).map((f) => [f.name, f.participant]));
  $("[data-files-box]").hidden = session.files.length === 0;
  const rows = session.files.map((f, index) => {
    const status = el("td");
    let state = "refused";
    const setAside = el("strong", { class: "cap-refused", text: "✗ Mis de côté" });
    if (typeof f.text !== "string") { // set aside earlier; only its name and the reason are kept
      status.append(setAside, el("span", { class: "cap-note cap-note-refused", text: `Raison : ${f.refused}` }),
        el("span", { class: "cap-note", text: "Seul son nom est gardé sur cet appareil." }));
    } else if (!reply) {
      const [now, words] = unread(root, failed);
      state = now;
      status.append(words);
    } else if (kept.has(f.name)) {
      state = "accepted";
      status.append(el("strong", { class: "cap-ok", text: "✓ Accepté" }));
    } else {
      status.append(setAside);
    }
    status.append(...noteSpans(notes, f.name));
    return fileRow(f.name, state, [el("td", { class: "cap-file-name", text: f.name }), kept.get(f.name) || "–", status],
      String(index));
  });
  fillRows($("[data-files]"), rows);
  showGeneral($("[data-general-notes]"), notes);
  const total = session.files.length;
  const accepted = kept.size;
  const summary = $("[data-files-summary]");
  if (!total) summary.textContent = "Aucun fichier pour l'instant.";
  else if (failed) summary.textContent = `${total} fichier(s) : la synthèse n'a pas pu être faite.`;
  else if (!reply && session.files.some((f) => typeof f.text === "string")) {
    summary.textContent = `${total} fichier(s) en attente de lecture.`;
  } else if (!reply) summary.textContent = `Aucun participant dans la synthèse ; ${total} fichier(s) mis de côté.`;
  else {
    const refused = total - accepted;
    summary.textContent = `${accepted} participant(s) dans la synthèse`
      + (refused ? ` ; ${refused} fichier(s) mis de côté (voir la raison dans le tableau).` : ".");
  }
}

/**
 * Overview, map, table, cards and results of a merge with participants.
 * @param {HTMLElement} root
 * @param {Map<string, HTMLElement>} cards
 * @param {SynthesisReply} reply
 */
export function renderMerge(root, cards, reply) {
  /** @param {string} selector */
  const $ = (selector) => /** @type {HTMLElement} */ (root.querySelector(selector));
  $("[data-overview]").innerHTML = reply.html.overview; // every HTML here is built and escaped by the Python package
  for (const row of /** @type {NodeListOf<HTMLElement>} */ (root.querySelectorAll("[data-map-theme]"))) {
    row.querySelector(".cap-map-cells").innerHTML = reply.html.map[row.dataset.mapTheme] || "";
  }
  $("[data-map-table]").innerHTML = reply.html.table;
  // A redraw replaces the "Discuter" buttons: one that had the focus (the meeting closed on it) keeps it.
  const focused = /** @type {HTMLElement | null} */ (document.activeElement?.closest?.("[data-dyn] [data-discuss]"))
    ?.dataset.discuss;
  for (const [cid, card] of cards) {
    const view = reply.criteria[cid];
    if (!view) continue;
    Object.assign(card.dataset, view.data);
    card.classList.toggle("is-excluded", !view.applies);
    card.classList.toggle("is-divergent", view.data.divergent === "true" && view.applies);
    card.querySelector("[data-dyn]").innerHTML = view.card;
    if (cid === focused) /** @type {HTMLElement} */ (card.querySelector("[data-discuss]"))?.focus({ preventScroll: true });
  }
  $("[data-results]").innerHTML = reply.html.results;
}

/**
 * The consolidated assessment's structure in its fields (the name is left alone while it is typed in).
 * @param {HTMLElement} root
 * @param {any} structure
 */
export function renderStructure(root, structure) {
  const s = structure || {};
  const name = /** @type {HTMLInputElement} */ (root.querySelector("[data-field=name]"));
  if (document.activeElement !== name) name.value = s.name || "";
  /** @param {string} field @param {string[]} ids */
  const tick = (field, ids) => {
    for (const box of /** @type {NodeListOf<HTMLInputElement>} */ (root.querySelectorAll(`input[data-field=${field}]`))) {
      box.checked = (ids || []).includes(box.value);
    }
  };
  tick("types", s.types || (s.type ? [s.type] : []));
  tick("activities", s.activities);
}

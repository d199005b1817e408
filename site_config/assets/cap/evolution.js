// @ts-check
// The Évolution page: earlier assessments (files or saved ones) → engine op `evolution`, which
// reads them, orders them by date, compares them and returns the HTML (chart, tables, lists).
// Nothing is computed here; the DOM is built with textContent, engine HTML is escaped in Python.
import { createEngine } from "./engine.js";
import {
  addPicked, dropZone, fileRow, fillRows, liveView, noteSpans, showGeneral, showSaved, takeSaved, unread,
} from "./filelist.js";
import { Store } from "./storage.js";
import { alertBox, el, engineStatus, engineTrouble, frDate, printHtml } from "./util.js";

/** @typedef {{ name: string, date: string, kind: string, id: string | null, structure: string }} EvoFile */
/** @typedef {{ files: EvoFile[], notes: import("./filelist.js").Note[], html: string }} EvoReply */

/** @param {HTMLElement} root */
function main(root) {
  /** @param {string} selector */
  const $ = (selector) => /** @type {HTMLElement} */ (root.querySelector(selector));
  const store = new Store();
  const alerts = alertBox($("[data-alerts]"));
  const engine = createEngine(root.dataset.base);
  const ROLES = JSON.parse(root.dataset.roles || "{}");
  /** @type {{ files: import("./filelist.js").PageFile[], data: EvoReply | null }} */
  const state = { files: [], data: null };
  const payloadFiles = () => state.files.map(({ name, text, size }) => ({ name, text, size }));

  const view = liveView(root, {
    hook: "updated",
    load: async () => {
      state.data = state.files.length ? await engine.call("evolution", { files: payloadFiles() }) : null;
    },
    failed: () => { state.data = null; },
    failure: (err) => `La comparaison n'a pas pu être faite : ${engineTrouble(err)}. Les évaluations choisies restent `
      + "dans la liste : elle sera refaite au prochain changement, ou avec « Réessayer ». Si cela se répète, retirez "
      + "la dernière évaluation ajoutée, ou rechargez la page.",
    render,
    alerts,
  });

  function render() {
    renderFiles();
    const html = state.data?.html || "";
    $("[data-evolution]").innerHTML = html; // HTML built and escaped by the Python package
    $("[data-evo-result]").hidden = !html;
  }

  function renderFiles() {
    const data = state.data;
    const notes = data?.notes || [];
    $("[data-files-box]").hidden = state.files.length === 0;
    const rows = [];
    const kept = new Set();
    for (const f of data?.files || []) { // in the engine's order: by date
      kept.add(f.name);
      const kind = f.kind === "consolidated" ? "synthèse collective" : "évaluation individuelle";
      rows.push(fileRow(f.name, "accepted", [frDate(f.date) || "Sans date", `${f.structure || "Sans nom"} (${kind})`,
        el("td", { class: "cap-file-name", text: f.name }),
        el("td", {}, el("strong", { class: "cap-ok", text: "✓ Retenue" }), ...noteSpans(notes, f.name))], f.name));
    }
    for (const f of state.files.filter((x) => !kept.has(x.name))) {
      const [status, words] = data ? ["refused", ""] : unread(root, view.failed, "e");
      const text = data ? el("strong", { class: "cap-refused", text: "✗ Mise de côté" }) : words;
      rows.push(fileRow(f.name, status, ["–", "–", el("td", { class: "cap-file-name", text: f.name }),
        el("td", {}, text, ...noteSpans(notes, f.name))], f.name));
    }
    fillRows($("[data-files]"), rows);
    showGeneral($("[data-general-notes]"), notes);
    const n = data ? data.files.length : 0;
    const total = state.files.length;
    const summary = $("[data-files-summary]");
    if (!total) summary.textContent = "Aucune évaluation choisie pour l'instant.";
    else if (view.failed) summary.textContent = `${total} fichier(s) : la comparaison n'a pas pu être faite.`;
    else if (!data) summary.textContent = `${total} fichier(s) en attente de lecture.`;
    else if (n < 2) summary.textContent = `${n} évaluation retenue : ajoutez-en au moins une autre, d'une autre date, pour voir l'évolution.`;
    else summary.textContent = `${n} évaluations comparées, de la plus ancienne à la plus récente.`;
  }

  /** @param {ArrayLike<File> | File[] | null} picked */
  async function addFiles(picked) {
    view.touch(); // the page is not current until these files are compared
    await addPicked(picked, state.files, alerts);
    view.changed();
  }

  function addSaved() {
    const named = (a) => `Enregistrée : ${a.structure?.name || "Sans nom"} (${a.kind === "consolidated" ? "synthèse"
      : "individuelle"}, ${frDate(a.updated)})`;
    if (takeSaved($("[data-saved-list]"), store, state.files, alerts, named)) view.changed();
  }

  async function print() {
    try {
      const { html } = await engine.call("evolution", { files: payloadFiles(), print: true });
      if (!html) { alerts.show("Ajoutez au moins deux évaluations pour imprimer leur évolution.", "warning"); return; }
      printHtml($("[data-print-frame]"), html);
    } catch (err) {
      alerts.show(`Impression impossible : ${engineTrouble(err)}.`);
    }
  }

  root.addEventListener("click", (event) => {
    const button = /** @type {HTMLElement} */ (event.target).closest("button");
    if (!button) return;
    if (button.dataset.action === "add-saved") addSaved();
    else if (button.dataset.action === "print") print();
    else if (button.dataset.remove !== undefined) {
      state.files = state.files.filter((f) => f.name !== button.dataset.remove);
      view.changed();
      $("[data-action=add-files]").focus();
    }
  });
  root.addEventListener("change", (event) => {
    const input = /** @type {HTMLInputElement} */ (event.target);
    if (input.dataset?.action === "add-files") addFiles(input.files).finally(() => { input.value = ""; });
  });
  dropZone($("[data-drop]"), (files) => addFiles(files));

  showSaved($("[data-saved-list]"), store, { roleLabel: (role) => (role ? ROLES[role] || role : "") });
  view.touch();
  renderFiles();
  engineStatus(root, engine, view.refresh, alerts, "");
}

const root = document.getElementById("cap-evolution");
if (root) main(root);

// The Évolution page: earlier assessments (files or saved ones) → engine op `evolution`, which
// reads them, orders them by date, compares them and returns the HTML (chart, tables, lists).
// Nothing is computed here; the DOM is built with textContent, engine HTML is escaped in Python.
import { createEngine } from "./engine.js";
import { Store } from "./storage.js";
import {
  addReadFiles, alertBox, el, engineStatus, engineTrouble, frDate, labelCells, printHtml, renderSaved, setupDrop,
  showRetry, uniqueName,
} from "./util.js";

function main(root) {
  const $ = (selector, scope = root) => scope.querySelector(selector);
  const $$ = (selector, scope = root) => Array.from(scope.querySelectorAll(selector));
  const store = new Store();
  const alerts = alertBox($("[data-alerts]"));
  const engine = createEngine(root.dataset.base);
  const state = { files: [], data: null, changes: 0, busy: false, again: false, failed: false, troubleAlert: null };

  const trouble = engineTrouble;

  const payloadFiles = () => state.files.map(({ name, text, size }) => ({ name, text, size }));

  function touch() {
    state.changes += 1;
    root.dataset.changes = String(state.changes);
  }

  function changed() {
    touch();
    update();
  }

  async function update() {
    if (root.dataset.state !== "ready") { renderFiles(); return; }
    if (state.busy) { state.again = true; return; }
    state.busy = true;
    const seq = state.changes;
    try {
      state.data = state.files.length ? await engine.call("evolution", { files: payloadFiles() }) : null;
      state.failed = false;
      state.troubleAlert?.remove();
      state.troubleAlert = null;
      delete root.dataset.failed;
    } catch (err) {
      // Every file stays listed, and removable; the next change asks again.
      state.data = null;
      state.failed = true;
      root.dataset.failed = "true";
      // An engine that stopped says so itself, and restarts: the comparison runs again once it is ready.
      if (root.dataset.state === "ready") {
        showTrouble(`La comparaison n'a pas pu être faite : ${trouble(err)}. Les évaluations choisies restent dans `
          + "la liste : elle sera refaite au prochain changement, ou avec « Réessayer ». Si cela se répète, retirez "
          + "la dernière évaluation ajoutée, ou rechargez la page.");
      }
    } finally {
      renderFiles();
      const html = state.data?.html || "";
      $("[data-evolution]").innerHTML = html; // HTML built and escaped by the Python package
      $("[data-evo-result]").hidden = !html;
      root.dataset.updated = String(seq); // tests wait for updated === changes (and read data-failed)
      state.busy = false;
      if (state.again) { state.again = false; update(); }
    }
  }

  /** One message for a failed comparison, replaced by the next one, removed once one succeeds. */
  function showTrouble(text) {
    state.troubleAlert = showRetry(alerts, state.troubleAlert, text, () => { touch(); update(); });
  }

  function removeButton(name) {
    return el("button", { type: "button", class: "md-button cap-small", "data-remove": name,
      "aria-label": `Retirer « ${name} »`, text: "Retirer" });
  }

  function renderFiles() {
    const data = state.data;
    $("[data-files-box]").hidden = state.files.length === 0;
    const notesFor = (name) => (data ? data.notes.filter((n) => n.file === name) : []);
    const noteSpans = (name) => notesFor(name).map((n) => el("span", { class: `cap-note cap-note-${n.level}` },
      n.level === "refused" ? `Raison : ${n.message}` : `Attention : ${n.message}`));
    const rows = [];
    const kept = new Set();
    for (const f of data?.files || []) {
      kept.add(f.name);
      const kind = f.kind === "consolidated" ? "synthèse collective" : "évaluation individuelle";
      rows.push(el("tr", { "data-file-status": "accepted", "data-file": f.name }, el("td", { text: frDate(f.date) || "Sans date" }),
        el("td", { text: `${f.structure || "Sans nom"} (${kind})` }), el("td", { class: "cap-file-name", text: f.name }),
        el("td", {}, el("strong", { class: "cap-ok", text: "✓ Retenue" }), ...noteSpans(f.name)),
        el("td", {}, removeButton(f.name))));
    }
    for (const f of state.files.filter((x) => !kept.has(x.name))) {
      let status = "refused";
      let text = el("strong", { class: "cap-refused", text: "✗ Mise de côté" });
      if (state.failed) {
        status = "failed";
        text = "Pas encore lue : voir le message en haut de la page.";
      } else if (!data) {
        status = "waiting";
        text = root.dataset.state === "error" ? "Le moteur de calcul n'a pas démarré." : "En attente du moteur de calcul…";
      }
      rows.push(el("tr", { "data-file-status": status, "data-file": f.name }, el("td", { text: "–" }), el("td", { text: "–" }),
        el("td", { class: "cap-file-name", text: f.name }), el("td", {}, text, ...noteSpans(f.name)),
        el("td", {}, removeButton(f.name))));
    }
    $("[data-files]").replaceChildren(...rows);
    labelCells($("[data-files]").closest("table"));
    const general = data ? data.notes.filter((n) => !n.file) : [];
    $("[data-general-notes]").replaceChildren(...general.map((n) => el("p", { class: "cap-alert cap-alert-warning", text: n.message })));
    const n = data ? data.files.length : 0;
    const summary = $("[data-files-summary]");
    if (!state.files.length) summary.textContent = "Aucune évaluation choisie pour l'instant.";
    else if (state.failed) summary.textContent = `${state.files.length} fichier(s) : la comparaison n'a pas pu être faite.`;
    else if (!data) summary.textContent = `${state.files.length} fichier(s) en attente de lecture.`;
    else if (n < 2) summary.textContent = `${n} évaluation retenue : ajoutez-en au moins une autre, d'une autre date, pour voir l'évolution.`;
    else summary.textContent = `${n} évaluations comparées, de la plus ancienne à la plus récente.`;
  }

  async function addFiles(fileList) {
    touch(); // the page is not current until these files are compared
    for (const file of Array.from(fileList || [])) {
      // One at a time, so that each keeps its real size: the engine names it when a file is too large.
      await addReadFiles([file], state.files, alerts, { size: file.size });
    }
    changed();
  }

  function addSaved() {
    const boxes = $$("[data-saved-list] input:checked");
    if (!boxes.length) { alerts.show("Cochez d'abord une ou plusieurs évaluations enregistrées.", "warning"); return; }
    const taken = new Set(state.files.map((f) => f.name));
    for (const box of boxes) {
      try {
        const a = store.load(box.value);
        if (a) {
          const kind = a.kind === "consolidated" ? "synthèse" : "individuelle";
          const name = uniqueName(`Enregistrée : ${a.structure?.name || "Sans nom"} (${kind}, ${frDate(a.updated)})`, taken);
          taken.add(name);
          state.files.push({ name, text: JSON.stringify(a) });
        }
      } catch (err) {
        alerts.show(err.message);
      }
      box.checked = false;
    }
    changed();
  }

  async function print() {
    try {
      const { html } = await engine.call("evolution", { files: payloadFiles(), print: true });
      if (!html) { alerts.show("Ajoutez au moins deux évaluations pour imprimer leur évolution.", "warning"); return; }
      printHtml($("[data-print-frame]"), html);
    } catch (err) {
      alerts.show(`Impression impossible : ${trouble(err)}.`);
    }
  }

  root.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button) return;
    if (button.dataset.action === "add-saved") addSaved();
    else if (button.dataset.action === "print") print();
    else if (button.dataset.remove !== undefined) {
      state.files = state.files.filter((f) => f.name !== button.dataset.remove);
      changed();
      $("[data-action=add-files]").focus();
    }
  });
  root.addEventListener("change", (event) => {
    if (event.target.dataset?.action === "add-files") {
      const input = event.target;
      addFiles(input.files).finally(() => { input.value = ""; });
    }
  });
  setupDrop($("[data-drop]"), (files) => addFiles(files));

  const ROLES = JSON.parse(root.dataset.roles || "{}");
  renderSaved($("[data-saved-list]"), store, { roleLabel: (role) => (role ? ROLES[role] || role : "") });
  touch();
  renderFiles();
  engineStatus(root, engine, update, alerts, "");
}

const root = document.getElementById("cap-evolution");
if (root) main(root);

// The assessment page: form state, autosave, files, and the DOM. Scores, plan and printable
// documents come from the Python package in the worker (engine.js); nothing is computed here.
import { createEngine } from "./engine.js";
import { Store, StorageError } from "./storage.js";
import { PlanEditor } from "./plan.js";
import { READ_LIMIT, alertBox, download, frDate, now, printHtml, slug, uuid } from "./util.js";

const root = document.getElementById("cap-app");
const form = document.getElementById("cap-form");
const $ = (selector, scope = root) => scope.querySelector(selector);
const $$ = (selector, scope = root) => Array.from(scope.querySelectorAll(selector));
const FORMAT = { format: "cap-evaluation", format_version: 1 };

const store = new Store();
const state = { a: null, scoring: false, dirty: false, saveTimer: null, seq: 0 };

function blank(name = "") {
  const stamp = now();
  return { ...FORMAT, questionnaire: { id: root.dataset.questionnaire, version: root.dataset.version },
    id: uuid(), kind: "individual", created: stamp, updated: stamp,
    structure: { name, type: null }, respondent: { name: "", role: null },
    answers: {}, targets: {}, importance: {}, indicators: {}, plan: [] };
}

// -- messages --------------------------------------------------------------------------------

const alerts = alertBox($("[data-alerts]"));
const alertUser = (message, level) => alerts.show(message, level);
const clearAlerts = () => alerts.clear();

function setEngineStatus(text) { $("[data-engine-status]").textContent = text; }

// -- storage -----------------------------------------------------------------------------------

// Counts changes, so that tests (and anyone) can tell when the results shown are current.
function touch() {
  state.seq += 1;
  root.dataset.changes = String(state.seq);
}

function save({ immediate = false } = {}) {
  state.a.updated = now();
  touch();
  clearTimeout(state.saveTimer);
  const write = () => {
    try {
      store.save(state.a);
      store.current = state.a.id;
      refreshList();
      refreshExportNote();
    } catch (err) {
      if (err instanceof StorageError) alertUser(err.message);
      else throw err;
    }
  };
  if (immediate) write(); else state.saveTimer = setTimeout(write, 250);
}

function refreshList() {
  const select = $('[data-action="switch"]');
  const items = store.index().sort((x, y) => String(y.updated).localeCompare(String(x.updated)));
  select.replaceChildren(...items.map((item) => {
    const option = document.createElement("option");
    option.value = item.id;
    const kind = item.kind === "consolidated" ? " (synthèse)" : "";
    option.textContent = `${item.title || item.name || "Sans nom"}${kind} — ${frDate(item.updated, true)}`;
    option.selected = item.id === state.a.id;
    return option;
  }));
}

function refreshExportNote() {
  const meta = store.meta(state.a.id) || {};
  const note = $("[data-export-note]");
  if (!store.persistent) {
    note.textContent = "Attention : l'enregistrement sur cet appareil est désactivé. Exportez votre fichier avant de fermer la page.";
  } else if (!meta.exported) {
    note.textContent = "Pas encore exporté. Pensez à exporter votre fichier pour le garder ailleurs ou le transmettre à l'animateur.";
  } else {
    const late = meta.exported < state.a.updated ? " Des réponses ont changé depuis : exportez à nouveau." : "";
    note.textContent = `Dernier export le ${frDate(meta.exported, true)}.${late}`;
  }
}

// -- form <-> assessment ---------------------------------------------------------------------

function fill({ fresh = false } = {}) {
  const a = state.a;
  if (!fresh) form.reset(); // a page just loaded is already blank: skip touching 500 inputs
  form.elements["structure-name"].value = a.structure?.name || "";
  form.elements["structure-type"].value = a.structure?.type || "";
  form.elements["respondent-role"].value = a.respondent?.role || "";
  form.elements["respondent-name"].value = a.respondent?.name || "";
  for (const [iid, value] of Object.entries(a.indicators || {})) {
    const input = form.elements[`indicator:${iid}`];
    if (input) input.value = value;
  }
  fillAnswers(form, { fresh });
}

// Puts the saved answers into the criteria found in `scope` (the form, or a criterion just added).
function fillAnswers(scope, { fresh = false } = {}) {
  const answers = state.a.answers || {};
  for (const [cid, answer] of Object.entries(answers)) {
    const radio = scope.querySelector(`input[type=radio][name="${CSS.escape(cid)}"][value="${CSS.escape(String(answer.value))}"]`);
    if (radio) radio.checked = true;
    const comment = scope.querySelector(`textarea[name="comment:${CSS.escape(cid)}"]`);
    if (comment && answer.comment) { comment.value = answer.comment; comment.closest("details").open = true; }
    const justification = scope.querySelector(`textarea[name="justification:${CSS.escape(cid)}"]`);
    if (justification && answer.justification) justification.value = answer.justification;
  }
  const fieldsets = scope.matches?.(".cap-criterion") ? [scope] : $$(".cap-criterion", scope);
  fieldsets.forEach((fieldset) => {
    if (!fresh || fieldset.dataset.criterion in answers) updateCriterion(fieldset);
  });
  applyType(fieldsets);
}

// The later pillars come as templates (a lighter first screen). Move their criteria into the
// page a few at a time when the browser is idle, so no task grows long on a slow phone, and
// restore their answers. `data-form="complete"` says the whole form is there.
function insertDeferredPillars() {
  const later = window.requestIdleCallback || ((cb) => setTimeout(() => cb({ timeRemaining: () => 8 }), 1));
  const queue = $$("template[data-deferred-pillar]").flatMap((template) => {
    const nodes = Array.from(template.content.childNodes);
    return nodes.map((node, n) => ({ node, template, last: n === nodes.length - 1 }));
  });
  const step = (deadline) => {
    do {
      const item = queue.shift();
      if (!item) break;
      item.template.before(item.node);
      if (item.node.classList?.contains("cap-criterion")) {
        fillAnswers(item.node, { fresh: true });
        if (state.easyRead) item.node.querySelector("details.cap-easy").open = true;
      }
      if (item.last) item.template.remove();
    } while (queue.length && deadline.timeRemaining() > 4);
    if (queue.length) later(step, { timeout: 200 });
    else root.dataset.form = "complete";
  };
  later(step, { timeout: 200 });
}

function updateCriterion(fieldset) {
  const checked = fieldset.querySelector("input[type=radio]:checked");
  const box = fieldset.querySelector(".cap-justification");
  const isNa = checked?.value === "na";
  const textarea = box.querySelector("textarea");
  const invalid = isNa && !textarea.value.trim() ? "true" : "false";
  // Write only what changes: each write costs a style pass over a large page.
  if (box.hidden === isNa) box.hidden = !isNa;
  if (textarea.required !== isNa) textarea.required = isNa;
  if (textarea.getAttribute("aria-invalid") !== invalid) textarea.setAttribute("aria-invalid", invalid);
  if (fieldset.classList.contains("is-answered") !== Boolean(checked)) fieldset.classList.toggle("is-answered");
}

function applyType(fieldsets = $$(".cap-criterion")) {
  const type = form.elements["structure-type"].value;
  for (const fieldset of fieldsets) {
    if (!fieldset.dataset.applies) continue;
    const excluded = Boolean(type) && !fieldset.dataset.applies.split(" ").includes(type);
    if (fieldset.classList.contains("is-excluded") === excluded) continue;
    fieldset.classList.toggle("is-excluded", excluded);
    fieldset.querySelector(".cap-excluded").hidden = !excluded;
    fieldset.querySelectorAll("input, textarea").forEach((el) => { el.disabled = excluded; });
  }
}

function onFormEvent(event) {
  const el = event.target;
  const a = state.a;
  const name = el.name || "";
  if (el.type === "radio") {
    a.answers[name] = { ...(a.answers[name] || {}), value: el.value === "na" || el.value === "dk" ? el.value : Number(el.value) };
    updateCriterion(el.closest(".cap-criterion"));
  } else if (name.startsWith("comment:") || name.startsWith("justification:")) {
    const [field, cid] = name.split(":");
    const entry = { ...(a.answers[cid] || { value: null }) };
    if (el.value) entry[field] = el.value; else delete entry[field];
    a.answers[cid] = entry;
    if (field === "justification") updateCriterion(el.closest(".cap-criterion"));
  } else if (name.startsWith("indicator:")) {
    const iid = name.slice("indicator:".length);
    const value = el.value === "" ? null : Number(el.value);
    if (value === null || !Number.isFinite(value) || value < 0) delete a.indicators[iid];
    else a.indicators[iid] = value;
  } else if (name === "structure-name") {
    a.structure.name = el.value;
  } else if (name === "structure-type") {
    a.structure.type = el.value || null;
    applyType();
  } else if (name === "respondent-role") {
    a.respondent.role = el.value || null;
  } else if (name === "respondent-name") {
    a.respondent.name = el.value;
  } else if (name === "easy-read") {
    setEasyRead(el.checked);
    return;
  } else {
    return;
  }
  save({ immediate: event.type === "change" });
  rescore();
}

function setEasyRead(on) {
  state.easyRead = on;
  $$("details.cap-easy").forEach((d) => { d.open = on; });
  try { localStorage.setItem("cap-en-ligne:easy-read", on ? "1" : ""); } catch { /* preference only */ }
}

// -- engine ------------------------------------------------------------------------------------

const engine = createEngine(root.dataset.base, {
  onState(stateName, detail) {
    root.dataset.state = stateName;
    if (stateName === "ready") {
      setEngineStatus("Moteur de calcul prêt : les résultats se mettent à jour à chaque réponse.");
      rescore();
    } else if (stateName === "error") {
      setEngineStatus("");
      alertUser(`Le moteur de calcul n'a pas pu démarrer (${detail}). Vos réponses restent enregistrées sur cet `
        + "appareil et vous pouvez les exporter. Rechargez la page pour réessayer ; si le problème continue, "
        + "essayez un navigateur récent (Firefox, Chrome, Edge ou Safari à jour).");
    }
  },
});

const slowTimer = setTimeout(() => {
  if (root.dataset.state === "loading") {
    setEngineStatus("Le moteur de calcul met du temps à se charger (connexion lente ?). Vous pouvez continuer à répondre.");
  }
}, 30000);
engine.ready.finally(() => clearTimeout(slowTimer));

async function rescore() {
  if (root.dataset.state !== "ready") return;
  if (state.scoring) { state.dirty = true; return; }
  state.scoring = true;
  const seq = state.seq;
  try {
    const data = await engine.call("score", { assessment: state.a });
    render(data);
    await planEditor.refresh(data.plan);
    root.dataset.scored = String(seq); // tests wait for scored === changes
  } catch (err) {
    alertUser(`Le calcul a échoué : ${err.message}`);
  } finally {
    state.scoring = false;
    if (state.dirty) { state.dirty = false; rescore(); }
  }
}

function render(data) {
  $("[data-results]").innerHTML = data.html; // HTML built and escaped by the Python package
  for (const [pid, p] of Object.entries(data.scores.pillars)) {
    $$(`[data-progress="${CSS.escape(pid)}"]`).forEach((el) => { el.textContent = `${p.answered} / ${p.applicable}`; });
  }
  for (const ind of data.indicators) {
    const out = root.querySelector(`output[data-indicator="${CSS.escape(ind.id)}"]`);
    if (out) out.textContent = ind.value === null ? "–" : `${ind.value.toLocaleString("fr-FR", { maximumFractionDigits: 1 })} %`;
  }
}

// -- files ---------------------------------------------------------------------------------------

function fileStem() {
  return `cap-${slug(state.a.structure?.name, "evaluation")}-${new Date().toISOString().slice(0, 10)}`;
}

async function exportJson() {
  const stamp = now();
  state.a.exported = stamp;
  let text;
  try {
    text = (await engine.call("export", { assessment: state.a })).text;
  } catch {
    text = JSON.stringify(state.a, null, 2); // the engine is down: still give the user their data
  }
  download(`${fileStem()}.json`, text, "application/json");
  save({ immediate: true });
  try { store.setMeta(state.a.id, { exported: stamp }); } catch (err) { alertUser(err.message); }
  refreshExportNote();
}

async function importJson(input) {
  const file = input.files?.[0];
  input.value = "";
  if (!file) return;
  clearAlerts();
  let text;
  try {
    text = await file.slice(0, READ_LIMIT).text();
  } catch {
    alertUser(`Le fichier « ${file.name} » n'a pas pu être lu.`);
    return;
  }
  let result;
  try {
    result = await engine.call("read", { text });
  } catch (err) {
    const reason = root.dataset.state === "ready" ? err.message : "le moteur de calcul n'est pas prêt ; réessayez dans un instant";
    alertUser(`Import impossible de « ${file.name} » : ${reason} Votre travail en cours n'a pas changé.`);
    return;
  }
  const imported = result.assessment;
  const existing = store.meta(imported.id);
  if (existing) {
    const replace = window.confirm(`Une évaluation avec le même identifiant existe déjà sur cet appareil `
      + `(« ${existing.name || "Sans nom"} »). OK : la remplacer par le fichier importé. Annuler : garder les deux.`);
    if (!replace) imported.id = uuid();
  }
  try {
    store.save(imported);
    store.current = imported.id;
  } catch (err) {
    alertUser(err.message);
    return;
  }
  state.a = imported;
  touch();
  fill();
  refreshList();
  refreshExportNote();
  const msg = alertUser(`Fichier « ${file.name} » importé et enregistré sur cet appareil.`, "success");
  for (const warning of result.warnings) msg.append(document.createElement("br"), `Attention : ${warning}`);
  rescore();
}

async function printDocument(summary) {
  try {
    const { html } = await engine.call("report", { assessment: state.a, summary });
    printHtml($("[data-print-frame]"), html);
  } catch (err) {
    alertUser(`Impression impossible : ${err.message}`);
  }
}

async function exportCsv() {
  try {
    const { text } = await engine.call("csv", { assessment: state.a });
    download(`${fileStem()}-plan.csv`, text, "text/csv;charset=utf-8");
  } catch (err) {
    alertUser(`Export CSV impossible : ${err.message}`);
  }
}

// -- managing several assessments --------------------------------------------------------------

function open(assessment) {
  state.a = assessment;
  touch();
  try { store.current = assessment.id; } catch (err) { alertUser(err.message); }
  fill();
  refreshList();
  refreshExportNote();
  rescore();
}

async function loadExample() {
  try {
    const response = await fetch(new URL("assets/cap/exemple.json", new URL(root.dataset.base, document.baseURI)));
    const example = await response.json();
    example.id = uuid();
    example.updated = now();
    store.save(example);
    open(example);
    alertUser("Exemple chargé : « Atelier fictif ». Il est enregistré à part ; vos évaluations n'ont pas changé.", "success");
  } catch (err) {
    alertUser(`L'exemple n'a pas pu être chargé (${err.message}).`);
  }
}

const actions = {
  "new": () => { const a = blank(); store.save(a); open(a); },
  rename: () => {
    const name = window.prompt("Nom de la structure pour cette évaluation :", state.a.structure?.name || "");
    if (name === null) return;
    state.a.structure.name = name.slice(0, 200);
    form.elements["structure-name"].value = state.a.structure.name;
    save({ immediate: true });
  },
  duplicate: () => {
    const copy = JSON.parse(JSON.stringify(state.a));
    Object.assign(copy, { id: uuid(), created: now(), updated: now() });
    copy.structure.name = `${copy.structure.name || "Sans nom"} (copie)`;
    delete copy.exported;
    store.save(copy);
    open(copy);
  },
  "delete": () => {
    if (!window.confirm("Supprimer cette évaluation de cet appareil ? Si vous ne l'avez pas exportée, elle sera perdue.")) return;
    store.delete(state.a.id);
    const next = store.index()[0];
    open(next ? store.load(next.id) : blank());
    if (!next) save({ immediate: true });
  },
  example: loadExample,
  "export-json": exportJson,
  "print-plan": () => printDocument(false),
  "print-summary": () => printDocument(true),
  "export-csv": exportCsv,
  clear: () => {
    if (!window.confirm("Effacer toutes les évaluations enregistrées sur cet appareil ? C'est définitif : "
      + "exportez d'abord ce que vous voulez garder.")) return;
    store.clearAll();
    state.a = blank();
    touch();
    fill();
    refreshList();
    refreshExportNote();
      alertUser("Toutes vos données ont été effacées de cet appareil.", "success");
    rescore();
  },
};

root.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-action]");
  if (button && actions[button.dataset.action]) actions[button.dataset.action]();
});
root.addEventListener("change", (event) => {
  const action = event.target.dataset?.action;
  if (action === "import-json") importJson(event.target);
  else if (action === "switch") {
    try {
      const next = store.load(event.target.value);
      if (next) open(next);
    } catch (err) {
      alertUser(err.message);
    }
  }
});
form.addEventListener("change", onFormEvent);
form.addEventListener("input", (event) => { if (event.target.tagName === "TEXTAREA" || event.target.type === "text" || event.target.type === "number") onFormEvent(event); });
form.addEventListener("submit", (event) => event.preventDefault());

// -- start ---------------------------------------------------------------------------------------

const planEditor = new PlanEditor({ root: $("[data-plan]"), engine, getAssessment: () => state.a,
  onChange: () => { save({ immediate: true }); rescore(); }, onSave: () => save() });

function start() {
  if (!store.persistent) alertUser(new StorageError("disabled").message, "warning");
  let initial = null;
  try {
    const id = store.current;
    initial = id ? store.load(id) : null;
    if (!initial && store.index().length) initial = store.load(store.index()[0].id);
  } catch (err) {
    alertUser(err.message);
  }
  state.a = initial || blank();
  fill({ fresh: true });
  try { store.save(state.a); store.current = state.a.id; } catch (err) { if (err instanceof StorageError) alertUser(err.message); }
  refreshList();
  refreshExportNote();
  let easy = false;
  try { easy = localStorage.getItem("cap-en-ligne:easy-read") === "1"; } catch { /* preference only */ }
  form.elements["easy-read"].checked = easy;
  if (easy) setEasyRead(true);
  insertDeferredPillars();
}

start();

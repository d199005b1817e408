// The assessment page: form state, autosave, files, and the DOM. Scores, plan and printable
// documents come from the Python package in the worker (engine.js); nothing is computed here.
import { createEngine } from "./engine.js";
import { Store, StorageError, assessmentKey, flatten, mergeVersions, stampChanges } from "./storage.js";
import { PlanEditor } from "./plan.js";
import { Peers } from "./peers.js";
import { Campaign } from "./campaign.js";
import { applyInvite, sessionStem } from "./invite.js";
import { setupParticipant } from "./share.js";
import { READ_LIMIT, alertBox, download, el, frDate, labelCells, now, printHtml, slug, uuid } from "./util.js";

const root = document.getElementById("cap-app");
const form = document.getElementById("cap-form");
const $ = (selector, scope = root) => scope.querySelector(selector);
const $$ = (selector, scope = root) => Array.from(scope.querySelectorAll(selector));
const FORMAT = { format: "cap-evaluation", format_version: Number(root.dataset.formatVersion) || 1 };

const store = new Store();
// `base`: the fields as last written or read (to stamp what changed since); `stamps`: when each
// field last changed (see storage.js); `written`: the text last written, to skip a merge when
// nobody else wrote since.
const state = { a: null, scoring: false, dirty: false, seq: 0, saved: 0, base: new Map(), stamps: {}, written: null };

function blank(name = "") {
  const stamp = now();
  return { ...FORMAT, questionnaire: { id: root.dataset.questionnaire, version: root.dataset.version },
    id: uuid(), kind: "individual", created: stamp, updated: stamp,
    structure: { name, types: [], activities: [] }, respondent: { name: "", role: null },
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

// Every change is written at once (a keystroke too): a tab closed right after typing keeps it.
function save() {
  state.a.updated = now();
  touch();
  persist();
}

/** Write the current assessment, merged field by field with what another tab may have stored
 *  since; returns false when the write failed (the user is told). */
function persist() {
  let fields = stampChanges(state.a, state.base, state.stamps);
  state.base = fields;
  try {
    let record = null;
    try { record = store.loadRecord(state.a.id); } catch { record = null; } // damaged: ours replaces it
    if (record && record.text !== state.written && adopt(record)) fields = flatten(state.a);
    state.written = store.save(state.a, {}, state.stamps);
    store.current = state.a.id;
    state.base = fields;
    state.saved += 1;
    state.unsaved = false;
    root.dataset.saved = String(state.saved);
    showSaved(store.persistent ? "saved" : "memory");
    if (state.storageAlert) { alerts.drop(state.storageAlert); state.storageAlert = null; onStorageBack(); }
    refreshList();
    refreshExportNote();
    return true;
  } catch (err) {
    if (!(err instanceof StorageError)) throw err;
    state.unsaved = true;
    storageFailed(err);
    return false;
  }
}

// The bar's save indicator: what became of the last change, in words.
function showSaved(status) {
  const out = $("[data-save-status]");
  const time = new Date().toLocaleTimeString("fr-FR", { hour: "2-digit", minute: "2-digit" });
  const texts = {
    saved: `Enregistré sur cet appareil à ${time}.`,
    memory: "Non enregistré : l'enregistrement est désactivé. Exportez votre fichier.",
    full: "Non enregistré : l'espace est plein. Exportez votre fichier.",
    disabled: "Non enregistré : l'enregistrement a échoué. Exportez votre fichier.",
  };
  // a live region: write only when the words change, or a screen reader repeats them per keystroke
  if (out.textContent !== texts[status]) out.textContent = texts[status];
  out.classList.toggle("is-failed", status !== "saved");
}

function storageFailed(err) {
  showSaved(err.kind === "full" ? "full" : "disabled");
  state.storageAlert = err.message;
  alertUser(err.message, err.kind === "full" ? "warning" : "error");
}

function onStorageBack() {
  alertUser("L'enregistrement sur cet appareil fonctionne de nouveau : vos réponses sont enregistrées.", "success");
}

/** Take in what another tab stored for this assessment: its later changes win field by field,
 *  ours win where we changed later. The form shows the result without losing the caret. */
function adopt(record) {
  const merged = mergeVersions(state.a, state.stamps, record.assessment, record.stamps);
  state.a = merged.assessment;
  state.stamps = merged.stamps;
  if (merged.changed.length) showFields(merged.changed);
  return merged.changed.length;
}

function showFields(paths) {
  const criteria = new Set();
  let others = false;
  for (const path of paths) {
    const [group, key] = JSON.parse(path);
    if (group === "answers") criteria.add(key); else others = true;
  }
  for (const cid of criteria) {
    const answer = state.a.answers[cid] || {};
    form.querySelectorAll(`input[type=radio][name="${CSS.escape(cid)}"]`).forEach((radio) => {
      radio.checked = radio.value === String(answer.value);
    });
    for (const field of ["comment", "justification"]) {
      const box = form.querySelector(`textarea[name="${field}:${CSS.escape(cid)}"]`);
      if (box && box.value !== (answer[field] || "")) box.value = answer[field] || "";
      if (box && field === "comment" && answer.comment) box.closest("details").open = true;
    }
    const fieldset = form.querySelector(`.cap-criterion[data-criterion="${CSS.escape(cid)}"]`);
    if (fieldset) updateCriterion(fieldset);
  }
  if (others) fillProfile();
  refreshTasks();
  touch();
}

const sameFields = (x, y) => x.size === y.size && [...x].every(([path, value]) => y.get(path) === value);

// Another tab wrote: take in its changes to the assessment shown, and refresh the list.
window.addEventListener("storage", (event) => {
  if (!state.a || !store.persistent || event.storageArea !== store.ls) return;
  if (event.key === assessmentKey(state.a.id)) {
    if (event.newValue === null) {
      alertUser("Cette évaluation a été supprimée dans un autre onglet. Elle reste affichée ici : exportez-la, ou "
        + "modifiez une réponse pour l'enregistrer de nouveau.", "warning");
      state.written = null;
      return;
    }
    let record = null;
    try { record = store.loadRecord(state.a.id); } catch { return; }
    if (!record || record.text === state.written) return;
    state.base = stampChanges(state.a, state.base, state.stamps);
    const changed = adopt(record);
    state.written = record.text;
    state.base = flatten(state.a);
    if (changed) {
      alertUser("Cette évaluation a aussi été modifiée dans un autre onglet : ses changements sont repris ici, "
        + "les vôtres sont gardés.", "warning");
      rescore();
    }
    // ours had changes the other tab had not seen: write the merged result back
    if (!sameFields(flatten(record.assessment), state.base)) persist();
  } else if (event.key === null || event.key?.startsWith("cap-en-ligne:")) {
    refreshList();
  }
});

// Leaving the page (tab closed, app switched on a phone): every change is already written; one
// that could not be (storage full) gets a last try, in case room was made meanwhile.
const flush = () => { if (state.a && state.unsaved) persist(); };
window.addEventListener("pagehide", flush);
document.addEventListener("visibilitychange", () => { if (document.visibilityState === "hidden") flush(); });

function refreshList() {
  const select = $('[data-action="switch"]');
  const items = store.index().sort((x, y) => String(y.updated).localeCompare(String(x.updated)));
  const stored = items.some((item) => item.id === state.a.id);
  const options = items.map((item) => {
    const kind = item.kind === "consolidated" ? " (synthèse)" : "";
    return el("option", { value: item.id, selected: item.id === state.a.id,
      text: `${item.title || item.name || "Sans nom"}${kind} — ${frDate(item.updated, true)}` });
  });
  // nothing is stored until the user starts: the one shown is then only in this page
  if (!stored) options.unshift(el("option", { value: "", selected: true, text: "Nouvelle évaluation (pas encore enregistrée)" }));
  select.replaceChildren(...options);
  campaign.refreshMenu();
  const name = state.a.structure?.name || (stored ? "sans nom" : "nouvelle, pas encore enregistrée");
  const shown = $("[data-current-name]");
  if (shown.textContent !== name) shown.textContent = name;
}

function refreshExportNote() {
  const meta = store.meta(state.a.id) || {};
  let text;
  if (store.status === "full") {
    text = "Attention : l'espace d'enregistrement est plein. Exportez votre fichier avant de fermer la page.";
  } else if (!store.persistent) {
    text = "Attention : l'enregistrement sur cet appareil est désactivé. Exportez votre fichier avant de fermer la page.";
  } else if (!meta.exported) {
    text = "Pas encore exporté. Pensez à exporter votre fichier pour le garder ailleurs ou le transmettre à l'animateur.";
  } else {
    const late = meta.exported < state.a.updated ? " Des réponses ont changé depuis : exportez à nouveau." : "";
    text = `Dernier export le ${frDate(meta.exported, true)}.${late}`;
  }
  $$("[data-export-note]").forEach((note) => { if (note.textContent !== text) note.textContent = text; });
}

// -- form <-> assessment ---------------------------------------------------------------------

function fill({ fresh = false } = {}) {
  if (!fresh) form.reset(); // a page just loaded is already blank: skip touching the inputs
  fillProfile(state.a);
  fillAnswers(form, { fresh });
  campaign.renderBilan();
  refreshTasks();
}

/** The structure's types and activities: format 2 lists, or a format 1 file's single `type`. */
function profileOf(a = state.a) {
  const s = a?.structure || {};
  const list = (v) => (Array.isArray(v) ? v.filter((x) => typeof x === "string") : []);
  const types = Array.isArray(s.types) || Array.isArray(s.activities) ? list(s.types)
    : (typeof s.type === "string" && s.type ? [s.type] : []);
  return { types, activities: list(s.activities) };
}

// The structure, the respondent and the indicators: the fields outside the criteria.
function fillProfile(a = state.a) {
  const set = (name, value) => {
    const input = form.elements[name];
    if (input && input.value !== value) input.value = value;
  };
  set("structure-name", a.structure?.name || "");
  const { types, activities } = profileOf(a);
  form.querySelectorAll("input[name='structure-type']").forEach((box) => { box.checked = types.includes(box.value); });
  form.querySelectorAll("input[name='structure-activity']").forEach((box) => { box.checked = activities.includes(box.value); });
  set("respondent-role", a.respondent?.role || "");
  set("respondent-name", a.respondent?.name || "");
  form.querySelectorAll("input[name^='indicator:']").forEach((input) => {
    const value = a.indicators?.[input.name.slice("indicator:".length)];
    set(input.name, value === undefined || value === null ? "" : String(value));
  });
  form.elements["easy-read"].checked = Boolean(state.easyRead); // form.reset() unticks it
  root.classList.toggle("is-parcours", a.respondent?.role === "parcours");
  applyProfile();
}

// Puts the saved answers into the criteria found in `scope` (the form, or a step just put in the page).
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
    markReview(fieldset);
  });
  campaign.mark(fieldsets); // last year's answer beside each criterion (a new campaign)
  applyProfile(fieldsets);
}

// Criteria a referential update asks to answer (new) or to check again (merged, reworded): the
// engine lists them in the assessment's `review`; an answer given here clears the mark.
const REVIEW_TEXT = {
  added: "Nouveau critère depuis la mise à jour du référentiel : à répondre.",
  split: "Nouveau critère, issu d'un critère partagé en deux : à répondre.",
  merged: "Ce critère en réunit deux : la réponse la plus basse a été reprise, à revoir.",
  reworded: "Ce critère a été reformulé : votre réponse est gardée, à revoir.",
};
function markReview(fieldset) {
  const kind = state.a.review?.[fieldset.dataset.criterion];
  let note = fieldset.querySelector(":scope > .cap-review");
  if (!kind) { note?.remove(); delete fieldset.dataset.review; return; }
  if (!note) {
    note = el("p", { class: "cap-review" });
    fieldset.querySelector("legend").after(note);
  }
  note.textContent = REVIEW_TEXT[kind] || "À revoir après la mise à jour du référentiel.";
  fieldset.dataset.review = kind;
}
function clearReview(cid, fieldset) {
  const review = state.a.review;
  if (!review || !(cid in review)) return;
  delete review[cid];
  if (!Object.keys(review).length) delete state.a.review;
  if (fieldset) markReview(fieldset);
}

function updateCriterion(fieldset) {
  const checked = fieldset.querySelector("input[type=radio]:checked");
  const box = fieldset.querySelector(".cap-justification");
  const isNa = checked?.value === "na";
  const textarea = box.querySelector("textarea");
  const invalid = isNa && !textarea.value.trim() ? "true" : "false";
  // Write only what changes: each write costs a style pass.
  if (box.hidden === isNa) box.hidden = !isNa;
  if (textarea.required !== isNa) textarea.required = isNa;
  if (textarea.getAttribute("aria-invalid") !== invalid) textarea.setAttribute("aria-invalid", invalid);
  if (fieldset.classList.contains("is-answered") !== Boolean(checked)) fieldset.classList.toggle("is-answered");
}

/** A criterion applies when it names no type, when the profile is empty, or when ANY of the
 *  structure's types and activities is among those it names (as the engine scores it). */
function applies(list, profile) {
  return !list || !profile.length || list.some((id) => profile.includes(id));
}

function profileIds() {
  const { types, activities } = profileOf();
  return [...types, ...activities];
}

function applyProfile(fieldsets = $$(".cap-criterion")) {
  const profile = profileIds();
  for (const fieldset of fieldsets) {
    if (!fieldset.dataset.applies) continue;
    const excluded = !applies(fieldset.dataset.applies.split(" "), profile);
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
    clearReview(name, el.closest(".cap-criterion"));
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
  } else if (name === "structure-type" || name === "structure-activity") {
    const ticked = (n) => Array.from(form.querySelectorAll(`input[name="${n}"]:checked`), (box) => box.value);
    a.structure.types = ticked("structure-type");
    a.structure.activities = ticked("structure-activity");
    delete a.structure.type; // a format 1 file's single type, now in `types`
    applyProfile();
  } else if (name === "respondent-role") {
    a.respondent.role = el.value || null;
    root.classList.toggle("is-parcours", a.respondent.role === "parcours");
  } else if (name === "respondent-name") {
    a.respondent.name = el.value;
  } else if (name === "easy-read") {
    setEasyRead(el.checked);
    return;
  } else {
    return;
  }
  save();
  rescore();
  refreshTasks();
}

// "Version simplifiée": the simplified question and answers in place of the others (CSS, one class).
function setEasyRead(on) {
  state.easyRead = on;
  root.classList.toggle("is-simple", on);
  form.elements["easy-read"].checked = on;
  $$('[data-action="easy-toggle"]').forEach((b) => b.setAttribute("aria-pressed", String(on)));
  try { localStorage.setItem("cap-en-ligne:easy-read", on ? "1" : ""); } catch { /* preference only */ }
}

// -- steps -----------------------------------------------------------------------------------
// One step on screen: the introduction, a theme, the indicators, the results or the plan. The
// others are `hidden` (no style, no layout). A theme's criteria come as a <template> that is put in
// the page the first time the step opens, with the stored answers. The URL names the step
// (#etape=ID-PROJ), so the browser's back button goes back a step; the last step of each stored
// assessment is kept beside it (storage.js index line, never in the file) to resume there.

const STEP_PREFIX = "#etape=";
const stepEls = new Map($$(".cap-step").map((section) => [section.dataset.stepId, section]));
const stepIds = [...stepEls.keys()];
const themeIds = stepIds.filter((id) => stepEls.get(id).querySelector("template[data-criteria]"));
const stepOfCriterion = new Map();
const themeCriteria = new Map(); // theme → [{id, applies}], read once from the templates
for (const tid of themeIds) {
  const list = Array.from(stepEls.get(tid).querySelector("template[data-criteria]").content
    .querySelectorAll(".cap-criterion"), (f) => ({ id: f.dataset.criterion, applies: f.dataset.applies?.split(" ") || null }));
  themeCriteria.set(tid, list);
  list.forEach((c) => stepOfCriterion.set(c.id, tid));
}

/** Put a theme's criteria in the page (once), with their stored answers. */
function materialise(section) {
  const template = section.querySelector("template[data-criteria]");
  if (!template) return;
  const fragment = document.importNode(template.content, true);
  const fieldsets = Array.from(fragment.querySelectorAll(".cap-criterion"));
  template.replaceWith(fragment);
  fieldsets.forEach((f) => fillAnswers(f, { fresh: true }));
}

/** The step a URL fragment names: #etape=<step>, #c-<criterion>, or the step holding an element. */
function stepOfHash(hash) {
  if (!hash || hash === "#") return null;
  let id = "";
  try { id = decodeURIComponent(hash.slice(1)); } catch { return null; }
  if (hash.startsWith(STEP_PREFIX)) {
    const step = id.slice(STEP_PREFIX.length - 1);
    return stepEls.has(step) ? { step } : null;
  }
  if (id.startsWith("c-") && stepOfCriterion.has(id.slice(2))) return { step: stepOfCriterion.get(id.slice(2)), criterion: id.slice(2) };
  const target = document.getElementById(id);
  const section = target?.closest(".cap-step");
  return section ? { step: section.dataset.stepId, element: target } : null;
}

function rememberStep(step) {
  if (!store.meta(state.a.id)) return; // not stored yet: nothing to resume
  try { store.setMeta(state.a.id, { step }); } catch { /* a convenience: a full storage keeps the last one */ }
}

/** Show a step. `history`: "push" (a user's move), "replace" or "none" (back button, start).
 *  `focus`: move the focus to the step's heading and scroll to its top (a user's move). */
function showStep(step, { history: how = "push", focus = true, criterion = null, element = null } = {}) {
  if (!stepEls.has(step)) step = "intro";
  const section = stepEls.get(step);
  materialise(section);
  const previous = root.dataset.step;
  if (previous !== step) {
    stepEls.get(previous)?.setAttribute("hidden", "");
    section.hidden = false;
    root.dataset.step = step;
    $$(".cap-sommaire a[aria-current]").forEach((a) => a.removeAttribute("aria-current"));
    $(`.cap-sommaire a[data-goto="${CSS.escape(step)}"]`)?.setAttribute("aria-current", "step");
    rememberStep(step);
  }
  const url = step === "intro" && how === "replace" && !location.hash ? null
    : (criterion ? `#c-${criterion}` : `${STEP_PREFIX}${step}`);
  if (url && how !== "none" && location.hash !== url) {
    window.history[how === "push" ? "pushState" : "replaceState"]({ step }, "", url);
  }
  const target = criterion ? document.getElementById(`c-${criterion}`) : element;
  if (target) {
    if (!target.matches("input, select, textarea, button, a[href], [tabindex]")) target.setAttribute("tabindex", "-1");
    target.focus({ preventScroll: true });
    target.scrollIntoView({ block: "start" });
  } else if (focus) {
    section.querySelector("h2").focus({ preventScroll: true });
    section.scrollIntoView({ block: "start" });
  }
}

/** Follow the URL (back and forward buttons, a link to #c-ID-PROJ-01); other anchors are left alone. */
function followHash() {
  const found = stepOfHash(location.hash);
  if (found) showStep(found.step, { history: "none", criterion: found.criterion, element: found.element });
  else if (!location.hash && root.dataset.step !== "intro") showStep("intro", { history: "none" });
}
window.addEventListener("popstate", followHash);
window.addEventListener("hashchange", followHash);

root.addEventListener("click", (event) => {
  const link = event.target.closest("[data-goto]");
  if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button > 0) return;
  event.preventDefault();
  closeMenu();
  showStep(link.dataset.goto);
});

/** Each theme's status in the sommaire, counting only the criteria that apply to the profile. */
function refreshTasks() {
  const profile = profileIds();
  const answers = state.a.answers || {};
  for (const [tid, list] of themeCriteria) {
    const concerned = list.filter((c) => applies(c.applies, profile));
    const done = concerned.filter((c) => [1, 2, 3, 4, "na", "dk"].includes(answers[c.id]?.value)).length;
    const status = !concerned.length ? ["Ne concerne pas", "is-none"]
      : done === 0 ? ["Non commencé", "is-todo"]
        : done === concerned.length ? ["Terminé", "is-done"] : [`En cours (${done} / ${concerned.length})`, "is-doing"];
    const out = root.querySelector(`[data-task-status="${CSS.escape(tid)}"]`);
    if (out && out.textContent !== status[0]) {
      out.textContent = status[0];
      out.className = `cap-task-status ${status[1]}`;
    }
  }
}

// -- "Mes évaluations": a disclosure holding the list and the file actions ---------------------

const menuToggle = $("[data-menu-toggle]");
const menu = $("#cap-menu");
function closeMenu({ focus = false } = {}) {
  if (menu.hidden) return;
  menu.hidden = true;
  menuToggle.setAttribute("aria-expanded", "false");
  if (focus) menuToggle.focus();
}
menuToggle.addEventListener("click", () => {
  if (!menu.hidden) { closeMenu(); return; }
  menu.hidden = false;
  menuToggle.setAttribute("aria-expanded", "true");
  refreshList();
});
menu.addEventListener("keydown", (event) => { if (event.key === "Escape") closeMenu({ focus: true }); });
document.addEventListener("click", (event) => {
  if (!menu.hidden && !menu.contains(event.target) && !menuToggle.contains(event.target)) closeMenu();
});

// -- engine ------------------------------------------------------------------------------------

const engine = createEngine(root.dataset.base, {
  onState(stateName, detail, info = {}) {
    root.dataset.state = stateName;
    if (stateName === "ready") {
      setEngineStatus("Moteur de calcul prêt : les résultats se mettent à jour à chaque réponse.");
      upgradeShown();
      rescore();
    } else if (stateName === "loading") {
      if (info.restarting !== undefined || state.engineStopped) setEngineStatus("Le moteur de calcul redémarre…");
    } else if (info.restarting) {
      state.engineStopped = true;
      setEngineStatus("Le moteur de calcul redémarre…");
      alertUser(`Le moteur de calcul s'est arrêté (${detail}) et redémarre. Vos réponses sont enregistrées sur cet `
        + "appareil et vous pouvez les exporter ; les résultats reviennent dès qu'il est prêt.", "warning");
    } else {
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
    if (err.code !== "stopped") alertUser(`Le calcul a échoué : ${err.message}`); // a stop is told once, above
  } finally {
    state.scoring = false;
    if (state.dirty) { state.dirty = false; rescore(); }
  }
}

const formatPercent = (value) => (value === null || value === undefined ? "–"
  : `${value.toLocaleString("fr-FR", { maximumFractionDigits: 1 })}\u202f%`);

/** Horizontal bars per pillar and theme: the engine's percents (only formatted here) and a mark
 *  at the tool's reference level; the engine's table below is the accessible alternative. */
function renderBars(scores) {
  const row = (title, s, kind, id) => { // id: peers.js puts the similar structures' marks on the bar
    const fill = el("span", { class: "cap-bar-fill" });
    fill.style.width = `${Math.max(0, Math.min(100, s.percent ?? 0))}%`;
    const track = el("span", { class: "cap-bar-track", "aria-hidden": "true" }, fill);
    if (s.expected !== null && s.expected !== undefined) {
      const mark = el("span", { class: "cap-bar-mark" });
      mark.style.left = `${Math.max(0, Math.min(100, s.expected))}%`;
      track.append(mark);
    }
    const value = s.percent === null ? "pas encore de score" : formatPercent(s.percent);
    return el("li", { class: `cap-bar-row is-${kind}`, "data-bar-id": id }, el("span", { class: "cap-bar-label", text: title }), track,
      el("span", { class: "cap-bar-value" }, value,
        el("span", { class: "cap-bar-ref", text: ` · repère ${formatPercent(s.expected)}` })));
  };
  const groups = [];
  for (const section of $$(".cap-task-group", $(".cap-sommaire"))) {
    const pid = section.querySelector("[data-progress]").dataset.progress;
    const p = scores.pillars[pid];
    if (!p) continue;
    const themes = el("ul", { class: "cap-bar-list" });
    for (const link of section.querySelectorAll("a[data-goto]")) {
      const t = scores.themes[link.dataset.goto];
      if (t) themes.append(row(link.textContent, t, "theme", link.dataset.goto));
    }
    groups.push(row(section.querySelector(".cap-task-pillar").textContent.replace(/^Pilier \d+ — /, ""), p, "pillar", pid), themes);
  }
  // after the overall score, before the engine's table
  const box = el("section", { class: "cap-bars", "aria-labelledby": "h-bars" },
    el("h3", { id: "h-bars", text: "Où en est la structure" }),
    el("p", { class: "cap-hint", text: "Chaque barre donne le score, de 0 à 100 %. Le trait vertical marque le repère "
      + "de l'outil : le score d'une structure au niveau proposé pour chaque critère (le plus souvent le niveau 3). "
      + "Le tableau plus bas donne les mêmes chiffres." }),
    el("ul", { class: "cap-bar-list cap-bar-pillars" }, ...groups.map((g) => (g.tagName === "LI" ? g : el("li", { class: "cap-bar-themes" }, g)))));
  const overall = $("[data-results] .cap-overall");
  if (overall) overall.after(box); else $("[data-results]").prepend(box);
}

function render(data) {
  $("[data-results]").innerHTML = data.html; // HTML built and escaped by the Python package
  $$("[data-results] table").forEach(labelCells); // narrow screens stack rows, each value named
  renderBars(data.scores);
  peers.draw(state.a); // "structures similaires", when a network file is loaded
  refreshTasks();
  const overall = data.scores.overall.percent; // the engine's figure, only formatted here
  $("[data-bar-score]").textContent = overall === null ? "–"
    : `${overall.toLocaleString("fr-FR", { maximumFractionDigits: 1 })}\u202f%`;
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
  if (state.a.session) return sessionStem(state.a) || "cap-seance"; // an invited participant (invite.js)
  return `cap-${slug(state.a.structure?.name, "evaluation")}-${new Date().toISOString().slice(0, 10)}`;
}

const EXPORT_WAIT_MS = 4000;

/** An engine call that gives up after `ms` (the answer, or null). */
function within(ms, promise) {
  let timer;
  const late = new Promise((resolve) => { timer = setTimeout(() => resolve(null), ms); });
  return Promise.race([promise.catch(() => null), late]).finally(() => clearTimeout(timer));
}

// The engine checks what is written, so that an export can always be re-imported. When it is not
// there (loading, stopped) or slow, the user still gets their data at once, as stored.
async function exportJson() {
  const stamp = now();
  state.a.exported = stamp;
  const checked = root.dataset.state === "ready"
    ? await within(EXPORT_WAIT_MS, engine.call("export", { assessment: state.a })) : null;
  download(`${fileStem()}.json`, checked?.text ?? JSON.stringify(state.a, null, 2), "application/json");
  save();
  try { store.setMeta(state.a.id, { exported: stamp }); } catch (err) { if (err instanceof StorageError) storageFailed(err); }
  refreshExportNote();
}

async function importJson(input) {
  const file = input.files?.[0];
  input.value = "";
  if (!file) return;
  let text;
  try {
    text = await file.slice(0, READ_LIMIT).text();
  } catch {
    alertUser(`Le fichier « ${file.name} » n'a pas pu être lu. Votre travail en cours n'a pas changé.`);
    return;
  }
  let result;
  try {
    result = await engine.call("read", { text, size: file.size });
  } catch (err) {
    const reason = root.dataset.state === "ready" && err.code !== "stopped" ? err.message
      : "le moteur de calcul n'est pas prêt ; réessayez dans un instant.";
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
  } catch (err) {
    if (!(err instanceof StorageError)) throw err;
    alertUser(`Import de « ${file.name} » impossible : ${err.message} Votre travail en cours n'a pas changé.`);
    return;
  }
  open(imported);
  const msg = alertUser(`Fichier « ${file.name} » importé et enregistré sur cet appareil.`, "success");
  for (const warning of result.warnings) msg.append(document.createElement("br"), `Attention : ${warning}`);
  if (result.migration) showMigration(result.migration);
}

/** What a referential or format update changed in the file shown, in a few lines and a list. */
function showMigration(migration) {
  const box = $("[data-migration]");
  const list = el("ul");
  for (const change of migration.changes || []) list.append(el("li", { text: change.note || change.kind }));
  const details = el("details", {}, el("summary", { text: "Le détail, critère par critère" }), list);
  box.replaceChildren(el("p", { text: migration.summary }), ...(migration.changes?.length ? [details] : []));
  box.hidden = false;
}

/** A stored assessment made with an earlier referential or file format: brought up to date by the
 *  engine once it is ready, saved, and the user told what changed. Until then it shows as it was. */
async function upgradeShown() {
  const a = state.a;
  if (!a || (Number(a.format_version) >= FORMAT.format_version && a.questionnaire?.version === root.dataset.version)) return;
  const seq = state.seq;
  let result;
  try {
    result = await engine.call("read", { assessment: a });
  } catch {
    return; // shown and scored as it is; tried again on the next visit
  }
  if (!result.migration || state.a !== a) return;
  if (state.seq !== seq) { upgradeShown(); return; } // changed meanwhile: migrate the latest
  const stored = Boolean(store.meta(a.id));
  if (stored) {
    try { store.save(result.assessment); } catch (err) { if (err instanceof StorageError) storageFailed(err); else throw err; }
  }
  const record = stored ? store.loadRecord(a.id) : null;
  open(record?.assessment || result.assessment, record || { stamps: {}, text: null });
  showMigration(result.migration);
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

// The plan as an editable document (OpenDocument text), made by the engine: the same file as
// `python -m cap report FILE --odt` for the same assessment.
async function exportOdt() {
  try {
    const { base64 } = await engine.call("odt", { assessment: state.a });
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    download(`${fileStem()}-plan.odt`, bytes, "application/vnd.oasis.opendocument.text");
  } catch (err) {
    alertUser(`Téléchargement du plan (ODT) impossible : ${err.message}`);
  }
}

// -- managing several assessments --------------------------------------------------------------

/** Show `assessment` (already stored, or not storable: then it lives in the page until saved). */
function open(assessment, record = null) {
  state.a = assessment;
  state.stamps = record?.stamps || {};
  state.written = record?.text ?? null;
  state.base = flatten(assessment);
  touch();
  try { store.current = assessment.id; } catch { /* the list still works; the next save retries */ }
  fill();
  refreshList();
  refreshExportNote();
  rescore();
  // where this assessment was left (an opened one), else its introduction
  showStep(store.meta(assessment.id)?.step || "intro", { history: "replace", focus: false });
}

/** Open a stored assessment by id; a damaged one is set aside and reported. */
function openStored(id) {
  let record;
  try {
    record = store.loadRecord(id);
  } catch (err) {
    if (!(err instanceof StorageError)) throw err;
    alertUser(err.message);
    refreshList();
    return false;
  }
  if (!record) return false;
  open(record.assessment, record);
  if (root.dataset.state === "ready") upgradeShown();
  return true;
}

/** Store a new assessment, then show it; when there is no room, stay on the current one. */
function openNew(assessment, what) {
  try {
    store.save(assessment);
  } catch (err) {
    if (!(err instanceof StorageError)) throw err;
    if (err.kind === "full") storageFailed(err); // the one alert about it, brought back into view
    else alertUser(`${what} impossible : ${err.message}`, "warning");
    return false;
  }
  open(assessment, { stamps: {}, text: null });
  showSaved("saved");
  return true;
}

async function loadExample() {
  let example;
  try {
    const response = await fetch(new URL("assets/cap/exemple.json", new URL(root.dataset.base, document.baseURI)));
    example = await response.json();
  } catch (err) {
    alertUser(`L'exemple n'a pas pu être chargé (${err.message}).`);
    return;
  }
  example.id = uuid();
  example.updated = now();
  if (openNew(example, "Chargement de l'exemple")) {
    alertUser("Exemple chargé : « Atelier fictif ». Il est enregistré à part ; vos évaluations n'ont pas changé.", "success");
  }
}

function clearAll() {
  const list = store.index();
  let session = null;
  try { session = JSON.parse(store.read("cap-en-ligne:session") || "null"); } catch { session = null; }
  const files = Array.isArray(session?.files) ? session.files.length : 0;
  const shown = state.a.structure?.name || "Sans nom";
  const others = list.filter((item) => item.id !== state.a.id).length;
  const lines = ["Effacer toutes vos données de cet appareil ?",
    `– l'évaluation affichée (« ${shown} »)${others ? ` et ${others} autre(s) évaluation(s) enregistrée(s)` : ""} ;`];
  if (session) lines.push(`– la synthèse collective en cours (${files} fichier(s) de participants et les réponses retenues) ;`);
  lines.push("– vos préférences d'affichage.", "",
    "Exportez d'abord ce que vous voulez garder. Vous pourrez annuler tant que cette page reste ouverte.");
  if (!window.confirm(lines.join("\n"))) return;
  const snapshot = store.snapshot();
  const current = state.a;
  store.clearAll();
  clearAlerts();
  open(blank(), { stamps: {}, text: null });
  const msg = alertUser("Toutes vos données ont été effacées de cet appareil. ", "success");
  const undo = el("button", { type: "button", class: "md-button cap-small", "data-action": "undo-clear",
    text: "Annuler l'effacement" });
  undo.addEventListener("click", () => {
    try {
      store.clearAll();
      store.restore(snapshot);
    } catch (err) {
      alertUser(`L'effacement n'a pas pu être annulé entièrement : ${err.message}`);
      return;
    }
    msg.remove();
    openStored(current.id) || open(current);
    alertUser("Vos données sont rétablies.", "success");
  }, { once: true });
  msg.insertBefore(undo, msg.lastChild);
}

const actions = {
  // Commencer: the assessment is stored from now on, and the first theme opens.
  start: () => {
    if (!store.meta(state.a.id)) { save(); rescore(); }
    showStep(themeIds[0]);
  },
  "easy-toggle": () => setEasyRead(!state.easyRead),
  "new": () => openNew(blank(), "Nouvelle évaluation"),
  rename: () => {
    const name = window.prompt("Nom de la structure pour cette évaluation :", state.a.structure?.name || "");
    if (name === null) return;
    state.a.structure.name = name.slice(0, 200);
    form.elements["structure-name"].value = state.a.structure.name;
    save();
  },
  duplicate: () => {
    const copy = JSON.parse(JSON.stringify(state.a));
    Object.assign(copy, { id: uuid(), created: now(), updated: now() });
    copy.structure.name = `${copy.structure.name || "Sans nom"} (copie)`;
    delete copy.exported;
    openNew(copy, "Copie");
  },
  "delete": () => {
    if (!window.confirm("Supprimer cette évaluation de cet appareil ? Si vous ne l'avez pas exportée, elle sera perdue.")) return;
    store.delete(state.a.id);
    const rest = store.index().sort((x, y) => String(y.updated).localeCompare(String(x.updated)));
    if (!rest.some((item) => openStored(item.id))) open(blank()); // stored once the user starts
  },
  example: loadExample,
  "export-json": exportJson,
  "print-plan": () => printDocument(false),
  "print-summary": () => printDocument(true),
  "export-csv": exportCsv,
  "export-odt": exportOdt,
  clear: clearAll,
  campaign: () => newCampaign(state.a),
};

// A failed action says so in French; it never leaves an uncaught error behind.
async function run(action) {
  try {
    await actions[action]();
  } catch (err) {
    if (err instanceof StorageError) storageFailed(err);
    else alertUser(`L'action n'a pas abouti (${err?.message || err}). Vos réponses enregistrées n'ont pas changé.`);
  }
}

root.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-action]");
  if (!button || !actions[button.dataset.action]) return;
  if (menu.contains(button)) closeMenu({ focus: true }); // an action chosen in "Mes évaluations" closes it
  run(button.dataset.action);
});
root.addEventListener("change", (event) => {
  const action = event.target.dataset?.action;
  if (action === "import-json") {
    closeMenu({ focus: true });
    importJson(event.target).catch((err) => alertUser(`Import impossible : ${err.message}`));
  } else if (action === "campaign-file") {
    closeMenu({ focus: true });
    const input = event.target;
    newCampaign(input.files?.[0]).finally(() => { input.value = ""; });
  } else if (action === "switch" && event.target.value) {
    openStored(event.target.value); // the menu stays open: arrow keys go through the list
  }
});
form.addEventListener("change", onFormEvent);
form.addEventListener("input", (event) => { if (event.target.tagName === "TEXTAREA" || event.target.type === "text" || event.target.type === "number") onFormEvent(event); });
form.addEventListener("submit", (event) => event.preventDefault());

// -- start ---------------------------------------------------------------------------------------

const planEditor = new PlanEditor({ root: $("[data-plan]"), engine, getAssessment: () => state.a,
  onChange: () => { save(); rescore(); }, onSave: () => save() });
const peers = new Peers({ step: $("#cap-results"), engine, store, alert: alertUser });

// -- a new campaign from the last one (campaign.js shows and asks; the engine does the work) ------
const campaign = new Campaign({ root, engine, getAssessment: () => state.a, isStored: () => Boolean(store.meta(state.a.id)),
  alert: alertUser,
  onReviewed: (previous, plan) => { state.a.previous = previous; state.a.plan = plan; save(); rescore(); },
  onTaken: (answers, copied) => {
    for (const cid of copied) { state.a.answers[cid] = answers[cid]; clearReview(cid); }
    fillAnswers(form);
    save();
    rescore();
    refreshTasks();
  } });

/** "Nouvelle évaluation à partir de celle de 2025": from the assessment shown, or a picked file (a
 *  File). The new one is stored and opens on the review of last year's plan. */
async function newCampaign(source) {
  if (!source) return;
  const what = source instanceof File ? `« ${source.name} »` : "cette évaluation";
  let reply;
  try {
    reply = await campaign.make(source);
  } catch (err) {
    const reason = root.dataset.state === "ready" && err.code !== "stopped" ? err.message
      : "le moteur de calcul n'est pas prêt ; réessayez dans un instant.";
    alertUser(`Nouvelle évaluation à partir de ${what} impossible : ${reason} Votre travail en cours n'a pas changé.`);
    return;
  }
  if (!openNew(reply.assessment, "Nouvelle évaluation")) return;
  showStep("bilan");
  const msg = alertUser(`Nouvelle évaluation créée à partir de celle de ${reply.year || "l'an dernier"} : commencez par le `
    + "bilan de son plan. Ses réponses s'affichent sous chaque question, sans être cochées.", "success");
  for (const warning of reply.warnings || []) msg.append(document.createElement("br"), `Attention : ${warning}`);
}

function start() {
  document.documentElement.classList.add("cap-with-status"); // scroll padding for the bar in view
  if (store.status === "disabled") alertUser(new StorageError("disabled").message, "warning");
  if (store.status === "full") storageFailed(new StorageError("full"));
  if (navigator.storage?.persist && store.status !== "disabled") {
    navigator.storage.persisted().then((yes) => yes || navigator.storage.persist()).catch(() => {});
  }
  const candidates = [store.current, ...store.index()
    .sort((x, y) => String(y.updated).localeCompare(String(x.updated))).map((item) => item.id)];
  let record = null;
  for (const id of candidates) {
    if (!id) continue;
    try {
      record = store.loadRecord(id);
    } catch (err) {
      if (err instanceof StorageError) alertUser(err.message); else throw err;
    }
    if (record) break;
  }
  state.a = record?.assessment || blank();
  state.stamps = record?.stamps || {};
  state.written = record?.text ?? null;
  state.base = flatten(state.a);
  let easy = false;
  try { easy = localStorage.getItem("cap-en-ligne:easy-read") === "1"; } catch { /* preference only */ }
  if (easy) setEasyRead(true);
  fill({ fresh: true });
  if (record) {
    $("[data-save-status]").textContent = `Enregistré sur cet appareil (dernière modification : ${frDate(state.a.updated, true)}).`;
  }
  // Nothing is stored until the user starts (Commencer, an answer, an import, an example).
  refreshList();
  refreshExportNote();
  // The step the URL names, or where this assessment was left, or the introduction.
  const asked = stepOfHash(location.hash);
  if (asked) showStep(asked.step, { history: "none", focus: false, criterion: asked.criterion, element: asked.element });
  else {
    // an anchor outside the steps (#cap-sommaire…) stays in the URL
    showStep(record ? store.meta(state.a.id)?.step || "intro" : "intro",
      { history: location.hash ? "none" : "replace", focus: false });
  }
}

start();
// Issue 16: an invitation link presets the session, the role and the simplified mode (invite.js); the results
// step offers the answers as QR codes and a "lien de réponse" (share.js).
applyInvite({ current: () => state.a, blank, openNew: (a) => openNew(a, "Invitation"), setEasyRead, alert: alertUser,
  roles: new Set(Array.from(form.elements["respondent-role"].options, (o) => o.value).filter(Boolean)),
  roleLabel: (id) => form.elements["respondent-role"].querySelector(`option[value="${CSS.escape(id)}"]`)?.textContent || id });
setupParticipant({ root, engine, getAssessment: () => state.a, alert: alertUser });

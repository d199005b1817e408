// @ts-check
// The assessment shown, put into the form: the profile and the respondent, the answers of the
// criteria in the page, their states (answered, « non concerné » to justify, excluded by the
// profile, to review after a referential update) and each theme's status in the sommaire.
import { $$, applies, control, form, late, profileIds, profileOf, root, state, touch } from "./app-page.js";
import { themeCriteria } from "./app-outline.js";
import { el } from "./util.js";

/** @param {string} id */
const esc = (id) => CSS.escape(id);

/** Fill the whole form from the assessment shown (`fresh`: the page just loaded, inputs are blank). */
export function fill({ fresh = false } = {}) {
  if (!fresh) form.reset(); // a page just loaded is already blank: skip touching the inputs
  fillProfile(state.a);
  fillAnswers(form, { fresh });
  late.campaign.renderBilan();
  refreshTasks();
}

/** The structure, the respondent and the indicators: the fields outside the criteria.
 * @param {import("./app-page.js").Assessment} [a] */
export function fillProfile(a = state.a) {
  /** @param {string} name @param {string} value */
  const set = (name, value) => {
    const input = control(name);
    if (input && input.value !== value) input.value = value;
  };
  set("structure-name", a.structure?.name || "");
  const { types, activities } = profileOf(a);
  for (const box of form.querySelectorAll("input[name='structure-type']")) {
    const input = /** @type {HTMLInputElement} */ (box);
    input.checked = types.includes(input.value);
  }
  for (const box of form.querySelectorAll("input[name='structure-activity']")) {
    const input = /** @type {HTMLInputElement} */ (box);
    input.checked = activities.includes(input.value);
  }
  set("respondent-role", a.respondent?.role || "");
  set("respondent-name", a.respondent?.name || "");
  for (const input of form.querySelectorAll("input[name^='indicator:']")) {
    const name = /** @type {HTMLInputElement} */ (input).name;
    const value = a.indicators?.[name.slice("indicator:".length)];
    set(name, value === undefined || value === null ? "" : String(value));
  }
  /** @type {HTMLInputElement} */ (control("easy-read")).checked = Boolean(state.easyRead); // form.reset() unticks it
  root.classList.toggle("is-parcours", a.respondent?.role === "parcours");
  applyProfile();
}

/** Put the saved answers into the criteria found in `scope` (the form, or a step just put in the page).
 * @param {ParentNode & Partial<Element>} scope */
export function fillAnswers(scope, { fresh = false } = {}) {
  const answers = state.a.answers || {};
  for (const [cid, answer] of Object.entries(answers)) {
    const radio = /** @type {HTMLInputElement | null} */ (
      scope.querySelector(`input[type=radio][name="${esc(cid)}"][value="${esc(String(answer.value))}"]`));
    if (radio) radio.checked = true;
    const comment = /** @type {HTMLTextAreaElement | null} */ (scope.querySelector(`textarea[name="comment:${esc(cid)}"]`));
    if (comment && answer.comment) { comment.value = answer.comment; comment.closest("details").open = true; }
    const justification = /** @type {HTMLTextAreaElement | null} */ (
      scope.querySelector(`textarea[name="justification:${esc(cid)}"]`));
    if (justification && answer.justification) justification.value = answer.justification;
  }
  const fieldsets = scope.matches?.(".cap-criterion") ? [/** @type {HTMLElement} */ (scope)] : $$(".cap-criterion", scope);
  fieldsets.forEach((fieldset) => {
    if (!fresh || fieldset.dataset.criterion in answers) updateCriterion(fieldset);
    markReview(fieldset);
  });
  late.campaign.mark(fieldsets); // last year's answer beside each criterion (a new campaign)
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

/** @param {HTMLElement} fieldset */
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

/** The criterion is answered: it leaves the list to review (and its mark goes, when `fieldset` is given).
 * @param {string} cid
 * @param {HTMLElement} [fieldset] */
export function clearReview(cid, fieldset) {
  const review = state.a.review;
  if (!review || !(cid in review)) return;
  delete review[cid];
  if (!Object.keys(review).length) delete state.a.review;
  if (fieldset) markReview(fieldset);
}

/** A criterion's state from its inputs: answered, and « non concerné » asking for a justification.
 * @param {HTMLElement} fieldset */
export function updateCriterion(fieldset) {
  const checked = /** @type {HTMLInputElement | null} */ (fieldset.querySelector("input[type=radio]:checked"));
  const box = /** @type {HTMLElement} */ (fieldset.querySelector(".cap-justification"));
  const isNa = checked?.value === "na";
  const textarea = box.querySelector("textarea");
  const invalid = isNa && !textarea.value.trim() ? "true" : "false";
  // Write only what changes: each write costs a style pass.
  if (box.hidden === isNa) box.hidden = !isNa;
  if (textarea.required !== isNa) textarea.required = isNa;
  if (textarea.getAttribute("aria-invalid") !== invalid) textarea.setAttribute("aria-invalid", invalid);
  if (fieldset.classList.contains("is-answered") !== Boolean(checked)) fieldset.classList.toggle("is-answered");
}

/** Criteria that do not apply to the profile are shown as such, their inputs disabled.
 * @param {HTMLElement[]} [fieldsets] */
export function applyProfile(fieldsets = $$(".cap-criterion")) {
  const profile = profileIds();
  for (const fieldset of fieldsets) {
    if (!fieldset.dataset.applies) continue;
    const excluded = !applies(fieldset.dataset.applies.split(" "), profile);
    if (fieldset.classList.contains("is-excluded") === excluded) continue;
    fieldset.classList.toggle("is-excluded", excluded);
    /** @type {HTMLElement} */ (fieldset.querySelector(".cap-excluded")).hidden = !excluded;
    fieldset.querySelectorAll("input, textarea").forEach((input) => {
      /** @type {HTMLInputElement | HTMLTextAreaElement} */ (input).disabled = excluded;
    });
  }
}

/** Each theme's status in the sommaire, counting only the criteria that apply to the profile. */
export function refreshTasks() {
  const profile = profileIds();
  const answers = state.a.answers || {};
  for (const [tid, list] of themeCriteria) {
    const concerned = list.filter((c) => applies(c.applies, profile));
    const done = concerned.filter((c) => [1, 2, 3, 4, "na", "dk"].includes(answers[c.id]?.value)).length;
    const status = !concerned.length ? ["Ne concerne pas", "is-none"]
      : done === 0 ? ["Non commencé", "is-todo"]
        : done === concerned.length ? ["Terminé", "is-done"] : [`En cours (${done} / ${concerned.length})`, "is-doing"];
    const out = root.querySelector(`[data-task-status="${esc(tid)}"]`);
    if (out && out.textContent !== status[0]) {
      out.textContent = status[0];
      out.className = `cap-task-status ${status[1]}`;
    }
  }
}

/** Show fields another tab changed (paths as storage.js's `flatten` names them), without losing the caret.
 * @param {string[]} paths */
export function showFields(paths) {
  const criteria = new Set();
  let others = false;
  for (const path of paths) {
    const [group, key] = JSON.parse(path);
    if (group === "answers") criteria.add(key); else others = true;
  }
  for (const cid of criteria) {
    const answer = state.a.answers[cid] || { value: null };
    form.querySelectorAll(`input[type=radio][name="${esc(cid)}"]`).forEach((radio) => {
      const input = /** @type {HTMLInputElement} */ (radio);
      input.checked = input.value === String(answer.value);
    });
    for (const field of ["comment", "justification"]) {
      const box = /** @type {HTMLTextAreaElement | null} */ (form.querySelector(`textarea[name="${field}:${esc(cid)}"]`));
      if (box && box.value !== (answer[field] || "")) box.value = answer[field] || "";
      if (box && field === "comment" && answer.comment) box.closest("details").open = true;
    }
    const fieldset = /** @type {HTMLElement | null} */ (form.querySelector(`.cap-criterion[data-criterion="${esc(cid)}"]`));
    if (fieldset) updateCriterion(fieldset);
  }
  if (others) fillProfile();
  refreshTasks();
  touch();
}

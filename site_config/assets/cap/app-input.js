// @ts-check
// What the user types or ticks in the form goes into the assessment shown, which is saved at once
// and scored again: answers, comments and justifications, indicators, the profile, the respondent.
import { applyProfile, clearReview, refreshTasks, updateCriterion } from "./app-answers.js";
import { setEasyRead } from "./app-easy.js";
import { form, root, state } from "./app-page.js";
import { rescore } from "./app-results.js";
import { save } from "./app-save.js";

/** @param {Event} event */
function onFormEvent(event) {
  const input = /** @type {HTMLInputElement} */ (event.target);
  const a = state.a;
  const name = input.name || "";
  const fieldset = /** @type {HTMLElement} */ (input.closest(".cap-criterion"));
  if (input.type === "radio") {
    const value = input.value === "na" || input.value === "dk" ? input.value : Number(input.value);
    a.answers[name] = { ...(a.answers[name] || {}), value };
    updateCriterion(fieldset);
    clearReview(name, fieldset);
  } else if (name.startsWith("comment:") || name.startsWith("justification:")) {
    const [field, cid] = name.split(":");
    const entry = { ...(a.answers[cid] || { value: null }) };
    if (input.value) entry[field] = input.value; else delete entry[field];
    a.answers[cid] = entry;
    if (field === "justification") updateCriterion(fieldset);
  } else if (name.startsWith("indicator:")) {
    const iid = name.slice("indicator:".length);
    const value = input.value === "" ? null : Number(input.value);
    if (value === null || !Number.isFinite(value) || value < 0) delete a.indicators[iid];
    else a.indicators[iid] = value;
  } else if (name === "structure-name") {
    a.structure.name = input.value;
  } else if (name === "structure-type" || name === "structure-activity") {
    /** @param {string} n */
    const ticked = (n) => Array.from(form.querySelectorAll(`input[name="${n}"]:checked`), (box) => /** @type {HTMLInputElement} */ (box).value);
    a.structure.types = ticked("structure-type");
    a.structure.activities = ticked("structure-activity");
    delete a.structure.type; // a format 1 file's single type, now in `types`
    applyProfile();
  } else if (name === "respondent-role") {
    a.respondent.role = input.value || null;
    root.classList.toggle("is-parcours", a.respondent.role === "parcours");
  } else if (name === "respondent-name") {
    a.respondent.name = input.value;
  } else if (name === "easy-read") {
    setEasyRead(input.checked);
    return;
  } else {
    return;
  }
  save();
  rescore();
  refreshTasks();
}

form.addEventListener("change", onFormEvent);
form.addEventListener("input", (event) => {
  const target = /** @type {HTMLInputElement} */ (event.target);
  if (target.tagName === "TEXTAREA" || target.type === "text" || target.type === "number") onFormEvent(event);
});
form.addEventListener("submit", (event) => event.preventDefault());

// @ts-check
// One step on screen: the introduction, a theme, the indicators, the results or the plan. The
// others are `hidden` (no style, no layout). A theme's criteria come as a <template> that is put in
// the page the first time the step opens, with the stored answers. The URL names the step
// (#etape=ID-PROJ), so the browser's back button goes back a step; the last step of each stored
// assessment is kept beside it (storage.js index line, never in the file) to resume there.
import { $, $$, root, state, store } from "./app-page.js";
import { STEP_PREFIX, stepEls, stepOfHash } from "./app-outline.js";
import { fillAnswers } from "./app-answers.js";
import { closeMenu } from "./app-list.js";

/** Put a theme's criteria in the page (once), with their stored answers.
 * @param {HTMLElement} section */
function materialise(section) {
  const template = /** @type {HTMLTemplateElement | null} */ (section.querySelector("template[data-criteria]"));
  if (!template) return;
  const fragment = document.importNode(template.content, true);
  const fieldsets = Array.from(fragment.querySelectorAll(".cap-criterion"));
  template.replaceWith(fragment);
  fieldsets.forEach((f) => fillAnswers(f, { fresh: true }));
}

/** @param {string} step */
function rememberStep(step) {
  if (!store.meta(state.a.id)) return; // not stored yet: nothing to resume
  try { store.setMeta(state.a.id, { step }); } catch { /* a convenience: a full storage keeps the last one */ }
}

/**
 * @typedef {object} ShowOptions
 * @property {"push" | "replace" | "none"} [history] "push" (a user's move), "replace" or "none" (back button, start)
 * @property {boolean} [focus] move the focus to the step's heading and scroll to its top (a user's move)
 * @property {string | null} [criterion] a criterion to focus instead (#c-<id>)
 * @property {HTMLElement | null} [element] an element to focus instead (an anchor in the step)
 */

/** Show a step (an unknown one: the introduction).
 * @param {string} step
 * @param {ShowOptions} [options] */
export function showStep(step, { history: how = "push", focus = true, criterion = null, element = null } = {}) {
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

/** The step the URL names when the page opens, else where this assessment was left (`resume`).
 * @param {string} resume */
export function showFirstStep(resume) {
  const asked = stepOfHash(location.hash);
  if (asked) showStep(asked.step, { history: "none", focus: false, criterion: asked.criterion, element: asked.element });
  else showStep(resume, { history: location.hash ? "none" : "replace", focus: false }); // an anchor outside the steps stays
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
  const link = /** @type {HTMLElement | null} */ (/** @type {Element} */ (event.target).closest("[data-goto]"));
  if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button > 0) return;
  event.preventDefault();
  closeMenu();
  showStep(link.dataset.goto);
});

// @ts-check
// The assessment page's steps as the build wrote them (site_config/form.py): the introduction, one
// step per theme (its criteria in a <template>), the indicators, the results and the plan. Read once;
// `stepOfHash` says which step a URL fragment names.
import { $$ } from "./app-page.js";

export const STEP_PREFIX = "#etape=";

/** Each step's section, by step id, in the page's order.
 * @type {Map<string, HTMLElement>} */
export const stepEls = new Map($$(".cap-step").map((section) => [section.dataset.stepId, section]));

/** The theme steps (those whose criteria come in a template). */
export const themeIds = [...stepEls.keys()].filter((id) => stepEls.get(id).querySelector("template[data-criteria]"));

/** Each theme's criteria: id, and the types and activities it is limited to (null: every structure).
 * @type {Map<string, { id: string, applies: string[] | null }[]>} */
export const themeCriteria = new Map();

/** @type {Map<string, string>} criterion id → its theme step */
const stepOfCriterion = new Map();

for (const tid of themeIds) {
  const template = /** @type {HTMLTemplateElement} */ (stepEls.get(tid).querySelector("template[data-criteria]"));
  const list = Array.from(template.content.querySelectorAll(".cap-criterion"), (f) => {
    const fieldset = /** @type {HTMLElement} */ (f);
    return { id: fieldset.dataset.criterion, applies: fieldset.dataset.applies?.split(" ") || null };
  });
  themeCriteria.set(tid, list);
  list.forEach((c) => stepOfCriterion.set(c.id, tid));
}

/**
 * @typedef {{ step: string, criterion?: string, element?: HTMLElement }} StepTarget
 */

/** The step a URL fragment names: #etape=<step>, #c-<criterion>, or the step holding an element.
 * @param {string} hash
 * @returns {StepTarget | null} */
export function stepOfHash(hash) {
  if (!hash || hash === "#") return null;
  let id = "";
  try { id = decodeURIComponent(hash.slice(1)); } catch { return null; }
  if (hash.startsWith(STEP_PREFIX)) {
    const step = id.slice(STEP_PREFIX.length - 1);
    return stepEls.has(step) ? { step } : null;
  }
  if (id.startsWith("c-") && stepOfCriterion.has(id.slice(2))) return { step: stepOfCriterion.get(id.slice(2)), criterion: id.slice(2) };
  const target = document.getElementById(id);
  const section = /** @type {HTMLElement | null} */ (target?.closest(".cap-step"));
  return section ? { step: section.dataset.stepId, element: target } : null;
}

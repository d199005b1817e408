// @ts-check
// « Version simplifiée »: each criterion's simplified question and answers in place of the others
// (CSS, one class on #cap-app), remembered on this device as a preference (storage.js).
import { $$, control, root, state, store } from "./app-page.js";
import { EASY_READ_KEY } from "./storage.js";

/** Turn the simplified version on or off, and remember the choice.
 * @param {boolean} on */
export function setEasyRead(on) {
  state.easyRead = on;
  root.classList.toggle("is-simple", on);
  /** @type {HTMLInputElement} */ (control("easy-read")).checked = on;
  $$('[data-action="easy-toggle"]').forEach((b) => b.setAttribute("aria-pressed", String(on)));
  store.setPreference(EASY_READ_KEY, on ? "1" : ""); // a preference only: a full storage keeps the last one
}

/** Whether the simplified version was chosen on this device. */
export const easyReadChosen = () => store.preference(EASY_READ_KEY) === "1";

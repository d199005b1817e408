// @ts-check
// The assessment page's shared parts: its elements, the assessment shown and what the page knows
// about it (`state`), the store, the alerts and the save indicator. Every app-*.js module uses these;
// none of them computes a score (the engine does, in the worker).
import { Store } from "./storage.js";
import { alertBox, now, uuid } from "./util.js";

/** @typedef {import("./storage.js").Assessment} Assessment */

export const root = /** @type {HTMLElement} */ (document.getElementById("cap-app"));
export const form = /** @type {HTMLFormElement} */ (document.getElementById("cap-form"));

/**
 * The first element matching `selector` in `scope` (the page by default).
 * @param {string} selector
 * @param {ParentNode} [scope]
 * @returns {HTMLElement | null}
 */
export const $ = (selector, scope = root) => scope.querySelector(selector);

/**
 * Every element matching `selector` in `scope`.
 * @param {string} selector
 * @param {ParentNode} [scope]
 * @returns {HTMLElement[]}
 */
export const $$ = (selector, scope = root) => Array.from(scope.querySelectorAll(selector));

/** A form control by name (the form's controls are named; see site_config/form.py).
 * @param {string} name
 * @returns {HTMLInputElement | HTMLSelectElement | null} */
export const control = (name) => /** @type {HTMLInputElement | HTMLSelectElement | null} */ (form.elements.namedItem(name));

export const store = new Store();

/**
 * What the page knows about the assessment shown. `base`: its fields as last written or read (to
 * stamp what changed since); `stamps`: when each field last changed (storage.js); `written`: the text
 * last written, to skip a merge when nobody else wrote since; `seq`: changes made (`data-changes`);
 * `saved`: writes done (`data-saved`); `unsaved`: the last change could not be written.
 * @type {{ a: Assessment, seq: number, saved: number, base: Map<string, string>, stamps: Record<string, number>,
 *   written: string | null, unsaved: boolean, storageAlert: string | null, easyRead: boolean, engineStopped: boolean }}
 */
export const state = { a: null, seq: 0, saved: 0, base: new Map(), stamps: {}, written: null, unsaved: false,
  storageAlert: null, easyRead: false, engineStopped: false };

/**
 * Parts made by modules above the ones that use them, set once before the page starts (app.js).
 * @type {{ campaign: import("./campaign.js").Campaign | null }}
 */
export const late = { campaign: null };

// -- the blank assessment ------------------------------------------------------------------------
// One definition, the engine's (`cap.formats.new_assessment`): the build writes it into the page
// (form.py, `data-blank`), so that the page can show and store one before the engine is ready.

const BLANK = root.dataset.blank || "{}";

/** The format version this page writes (the engine's FORMAT_VERSION). */
export const FORMAT_VERSION = Number(JSON.parse(BLANK).format_version) || 1;

/** A new, empty assessment with its own id.
 * @returns {Assessment} */
export function blank() {
  const stamp = now();
  return { ...JSON.parse(BLANK), id: uuid(), created: stamp, updated: stamp };
}

// -- messages ------------------------------------------------------------------------------------

export const alerts = alertBox($("[data-alerts]"));

/** Show a message in the page's alert box ("error" by default); returns its paragraph.
 * @param {string} message
 * @param {"error" | "warning" | "success"} [level] */
export const alertUser = (message, level) => alerts.show(message, level);

/** @param {string} text */
export function setEngineStatus(text) { $("[data-engine-status]").textContent = text; }

/** Count a change, so that tests (and anyone) can tell when the results shown are current. */
export function touch() {
  state.seq += 1;
  root.dataset.changes = String(state.seq);
}

/** The bar's save indicator: what became of the last change, in words.
 * @param {"saved" | "memory" | "full" | "disabled"} status */
export function showSaved(status) {
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

/** A write failed: said once in the alerts (kept until storage works again) and in the bar.
 * @param {import("./storage.js").StorageError} err */
export function storageFailed(err) {
  showSaved(err.kind === "full" ? "full" : "disabled");
  state.storageAlert = err.message;
  alertUser(err.message, err.kind === "full" ? "warning" : "error");
}

// -- the structure's profile ----------------------------------------------------------------------

/** The structure's types and activities: format 2 lists, or a format 1 file's single `type`.
 * @param {Assessment} [a]
 * @returns {{ types: string[], activities: string[] }} */
export function profileOf(a = state.a) {
  const s = a?.structure || {};
  /** @param {unknown} v */
  const list = (v) => (Array.isArray(v) ? v.filter((x) => typeof x === "string") : []);
  const types = Array.isArray(s.types) || Array.isArray(s.activities) ? list(s.types)
    : (typeof s.type === "string" && s.type ? [s.type] : []);
  return { types, activities: list(s.activities) };
}

/** The ids of the structure shown's types and activities. */
export function profileIds() {
  const { types, activities } = profileOf();
  return [...types, ...activities];
}

/** A criterion applies when it names no type, when the profile is empty, or when ANY of the
 *  structure's types and activities is among those it names (as the engine scores it).
 * @param {string[] | null} list
 * @param {string[]} profile */
export function applies(list, profile) {
  return !list || !profile.length || list.some((id) => profile.includes(id));
}

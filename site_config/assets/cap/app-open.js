// @ts-check
// Which assessment the page shows: open one (stored or not), a stored one by id, a new one (stored
// first), and bring one made with an earlier referential or file format up to date (the engine
// migrates it; the user is told what changed).
import { $, FORMAT_VERSION, alertUser, root, showSaved, state, storageFailed, store, touch } from "./app-page.js";
import { engine } from "./app-engine.js";
import { fill } from "./app-answers.js";
import { refreshExportNote, refreshList } from "./app-list.js";
import { rescore } from "./app-results.js";
import { showStep } from "./app-steps.js";
import { StorageError } from "./storage.js";
import { flatten } from "./sync.js";
import { el } from "./util.js";

/** @typedef {import("./storage.js").Assessment} Assessment */
/** @typedef {{ stamps: Record<string, number>, text: string | null }} StoredRecord */
/** @typedef {{ summary: string, changes?: { kind: string, note?: string }[] }} Migration */

/** Show `assessment` (already stored, or not storable: then it lives in the page until saved).
 * @param {Assessment} assessment
 * @param {StoredRecord | null} [record] its change times and stored text */
export function open(assessment, record = null) {
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

/** Open a stored assessment by id; a damaged one is set aside and reported.
 * @param {string} id */
export function openStored(id) {
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

/** Store a new assessment, then show it; when there is no room, stay on the current one.
 * @param {Assessment} assessment
 * @param {string} what the action, for a sentence ("Copie", "Nouvelle évaluation"…) */
export function openNew(assessment, what) {
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

/** What a referential or format update changed in the file shown, in a few lines and a list.
 * @param {Migration} migration */
export function showMigration(migration) {
  const box = $("[data-migration]");
  const list = el("ul");
  for (const change of migration.changes || []) list.append(el("li", { text: change.note || change.kind }));
  const details = el("details", {}, el("summary", { text: "Le détail, critère par critère" }), list);
  box.replaceChildren(el("p", { text: migration.summary }), ...(migration.changes?.length ? [details] : []));
  box.hidden = false;
}

/** A stored assessment made with an earlier referential or file format: brought up to date by the
 *  engine once it is ready, saved, and the user told what changed. Until then it shows as it was. */
export async function upgradeShown() {
  const a = state.a;
  if (!a || (Number(a.format_version) >= FORMAT_VERSION && a.questionnaire?.version === root.dataset.version)) return;
  const seq = state.seq;
  let result;
  try {
    result = /** @type {{ assessment: Assessment, migration?: Migration }} */ (await engine.call("read", { assessment: a }));
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

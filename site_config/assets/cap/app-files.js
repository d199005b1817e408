// @ts-check
// Files in and out: the JSON export (checked by the engine, never held up by it), the import of a
// file (read and migrated by the engine), the plan as CSV and ODT, the printed plan and summary,
// and the example assessment. Every document is made by the engine; this module only carries it.
import { $, alertUser, root, state, storageFailed, store } from "./app-page.js";
import { engine, failureReason } from "./app-engine.js";
import { refreshExportNote } from "./app-list.js";
import { open, openNew, showMigration } from "./app-open.js";
import { save } from "./app-save.js";
import { sessionStem } from "./invite.js";
import { StorageError } from "./storage.js";
import { READ_LIMIT, download, now, printHtml, slug, uuid } from "./util.js";

/** The name of the files made from the assessment shown, without extension. */
function fileStem() {
  if (state.a.session) return sessionStem(state.a) || "cap-seance"; // an invited participant (invite.js)
  return `cap-${slug(state.a.structure?.name, "evaluation")}-${new Date().toISOString().slice(0, 10)}`;
}

const EXPORT_WAIT_MS = 4000;

/** An engine call that gives up after `ms` (the answer, or null).
 * @template T
 * @param {number} ms
 * @param {Promise<T>} promise
 * @returns {Promise<T | null>} */
function within(ms, promise) {
  let timer;
  const late = new Promise((resolve) => { timer = setTimeout(() => resolve(null), ms); });
  return Promise.race([promise.catch(() => null), late]).finally(() => clearTimeout(timer));
}

/** Download the assessment as JSON. The engine checks what is written, so that an export can always
 *  be re-imported; when it is not there (loading, stopped) or slow, the user still gets their data
 *  at once, as stored. */
export async function exportJson() {
  const stamp = now();
  state.a.exported = stamp;
  const checked = root.dataset.state === "ready"
    ? /** @type {{ text: string } | null} */ (await within(EXPORT_WAIT_MS, engine.call("export", { assessment: state.a })))
    : null;
  download(`${fileStem()}.json`, checked?.text ?? JSON.stringify(state.a, null, 2), "application/json");
  save();
  try { store.setMeta(state.a.id, { exported: stamp }); } catch (err) { if (err instanceof StorageError) storageFailed(err); }
  refreshExportNote();
}

/** Import the file picked in `input`: read and brought up to date by the engine, stored beside the others.
 * @param {HTMLInputElement} input */
export async function importJson(input) {
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
    alertUser(`Import impossible de « ${file.name} » : ${failureReason(err)} Votre travail en cours n'a pas changé.`);
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

/** Print the plan, or the one-page summary (`summary`), as the engine writes them.
 * @param {boolean} summary */
export async function printDocument(summary) {
  try {
    const { html } = await engine.call("report", { assessment: state.a, summary });
    printHtml(/** @type {HTMLIFrameElement} */ ($("[data-print-frame]")), html);
  } catch (err) {
    alertUser(`Impression impossible : ${err.message}`);
  }
}

export async function exportCsv() {
  try {
    const { text } = await engine.call("csv", { assessment: state.a });
    download(`${fileStem()}-plan.csv`, text, "text/csv;charset=utf-8");
  } catch (err) {
    alertUser(`Export CSV impossible : ${err.message}`);
  }
}

/** The plan as an editable document (OpenDocument text), made by the engine: the same file as
 *  `python -m cap report FILE --odt` for the same assessment. */
export async function exportOdt() {
  try {
    const { base64 } = await engine.call("odt", { assessment: state.a });
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    download(`${fileStem()}-plan.odt`, bytes, "application/vnd.oasis.opendocument.text");
  } catch (err) {
    alertUser(`Téléchargement du plan (ODT) impossible : ${err.message}`);
  }
}

/** « Essayer avec un exemple »: the build's example assessment, stored as a new one. */
export async function loadExample() {
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

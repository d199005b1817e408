// @ts-check
// The files a collective page works on (Synthèse, Évolution, Réseau): picked, a folder picked or
// dropped (walked through), or taken from the assessments saved on this device; each file's row with
// its state and the engine's notes; and the page's view, asked of the engine again after each change
// (serial.js: never two calls at once, never a change missed), with the test hooks `data-changes` /
// `data-<hook>` (equal once the view is current) and `data-failed`, and one « Réessayer » message.
import { serial } from "./serial.js";
import { addReadFiles, el, frDate, labelCells, showRetry, uniqueName } from "./util.js";

/** @typedef {{ file: string, level: string, message: string }} Note an engine's note about a file ("" = none) */
/** @typedef {{ name: string, text?: string, size?: number, source?: string, refused?: string }} PageFile */
/** @typedef {ReturnType<typeof import("./util.js").alertBox>} Alerts */
/** @typedef {import("./storage.js").Store} Store */

/**
 * The page's view of its files: `load` asks the engine (and throws when the call fails), `render`
 * draws the page after each try and while the engine is not ready.
 * @param {HTMLElement} root the page (its `data-state` is the engine's)
 * @param {object} o
 * @param {string} o.hook the `data-*` key that gets the number of the change the page shows
 * @param {() => Promise<void>} o.load
 * @param {() => void} o.render
 * @param {(err: any) => string} o.failure the French message of a failed call
 * @param {Alerts} o.alerts
 * @param {(err: any) => void} [o.failed] after a failed call, before `render`
 * @param {() => void} [o.settled] after each try
 */
export function liveView(root, { hook, load, render, failure, alerts, failed = () => {}, settled = () => {} }) {
  let changes = 0;
  let failedNow = false;
  /** @type {HTMLElement | null} */
  let trouble = null; // one message for a failed call, replaced by the next, removed once a call succeeds
  const touch = () => { changes += 1; root.dataset.changes = String(changes); };
  const run = serial(async () => {
    if (root.dataset.state !== "ready") { render(); return; }
    const seq = changes;
    try {
      await load();
      failedNow = false;
      trouble?.remove();
      trouble = null;
      delete root.dataset.failed;
    } catch (err) {
      failedNow = true; // every file stays listed, and removable; the next change asks again
      root.dataset.failed = "true";
      failed(err);
      // An engine that stopped says so itself, and restarts: the view is asked again once it is ready.
      if (root.dataset.state === "ready") trouble = showRetry(alerts, trouble, failure(err), () => { touch(); refresh(); });
    } finally {
      render();
      root.dataset[hook] = String(seq); // tests wait for data-<hook> === data-changes (and read data-failed)
      settled();
    }
  });
  const refresh = () => { run().catch(() => {}); };
  return {
    /** The page is not current until the next view (files being read, say). */
    touch,
    /** Ask the engine again (once more after the call in progress, if any). */
    refresh,
    /** A change: both. */
    changed() { touch(); refresh(); },
    /** Whether the last call failed. */
    get failed() { return failedNow; },
  };
}

// -- adding files -----------------------------------------------------------------------------------

/**
 * Read picked files into `files`, one at a time so that each keeps its real size (the engine names a
 * file too large with it), each under a name of its own; a file that cannot be read is reported.
 * @param {Iterable<File> | ArrayLike<File> | null} picked
 * @param {PageFile[]} files
 * @param {Alerts} alerts
 * @param {object} [extra] fields every added file gets (`source`…)
 */
export async function addPicked(picked, files, alerts, extra = {}) {
  for (const file of Array.from(picked || [])) await addReadFiles([file], files, alerts, { ...extra, size: file.size });
}

/**
 * A folder's JSON files; the others are named, with the reason, and left out.
 * @param {File[]} picked
 * @param {Alerts} alerts
 * @returns {File[]}
 */
export function jsonFiles(picked, alerts) {
  const skipped = picked.filter((f) => !/\.json$/i.test(f.name));
  const kept = picked.filter((f) => /\.json$/i.test(f.name));
  if (skipped.length) {
    const names = skipped.slice(0, 10).map((f) => `«\u202f${f.webkitRelativePath || f.name}\u202f»`).join(", ");
    alerts.show(`${skipped.length} fichier(s) du dossier laissé(s) de côté\u202f: ce ne sont pas des fichiers JSON `
      + `exportés par la page Évaluer (${names}${skipped.length > 10 ? ", …" : ""}).`, "warning");
  }
  if (!kept.length) alerts.show("Aucun fichier JSON dans ce dossier\u202f: rien n'a été ajouté.", "warning");
  return kept;
}

/**
 * Every file of dropped entries, folders walked through (readEntries gives at most 100 at a time);
 * an entry that cannot be read is left out.
 * @param {any[]} entries FileSystemEntry objects
 * @param {File[]} [out]
 * @returns {Promise<File[]>}
 */
export async function walk(entries, out = []) {
  for (const entry of entries) {
    if (entry.isFile) {
      const file = await new Promise((resolve) => entry.file(resolve, () => resolve(null)));
      if (file) out.push(file);
    } else if (entry.isDirectory) {
      const reader = entry.createReader();
      for (;;) {
        const batch = await new Promise((resolve) => reader.readEntries(resolve, () => resolve([])));
        if (!batch.length) break;
        await walk(batch, out);
      }
    }
  }
  return out;
}

/**
 * Files dropped on `zone` go to `onFiles(files, folder)`; a dropped folder gives every file inside
 * (`folder` true). A file dropped elsewhere does not replace the page.
 * @param {HTMLElement} zone
 * @param {(files: File[], folder: boolean) => void} onFiles
 */
export function dropZone(zone, onFiles) {
  /** @param {DragEvent} event */
  const hasFiles = (event) => Array.from(event.dataTransfer?.types || []).includes("Files");
  zone.addEventListener("dragover", (event) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "copy";
    zone.classList.add("is-over");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("is-over"));
  zone.addEventListener("drop", async (event) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    zone.classList.remove("is-over");
    // Read the drop before the first await: the browser empties dataTransfer once the handler yields.
    const files = Array.from(event.dataTransfer?.files || []);
    const entries = Array.from(event.dataTransfer?.items || [], (item) => item.webkitGetAsEntry?.()).filter(Boolean);
    const folder = entries.some((entry) => entry.isDirectory);
    onFiles(folder ? await walk(entries) : files, folder);
  });
  window.addEventListener("dragover", (event) => { if (hasFiles(event)) event.preventDefault(); });
  window.addEventListener("drop", (event) => { if (hasFiles(event)) event.preventDefault(); });
}

/**
 * Checkboxes for the assessments saved on this device, the latest first.
 * @param {HTMLElement} container
 * @param {Store} store
 * @param {object} o
 * @param {(item: any) => boolean} [o.filter]
 * @param {(role: string) => string} o.roleLabel
 */
export function showSaved(container, store, { filter = () => true, roleLabel }) {
  const items = store.list().filter(filter);
  if (!items.length) {
    container.replaceChildren(el("p", { class: "cap-hint", text: "Aucune évaluation enregistrée sur cet appareil." }));
    return;
  }
  container.replaceChildren(el("ul", { class: "cap-saved-list" }, ...items.map((item) => {
    const kind = item.kind === "consolidated" ? "synthèse collective" : roleLabel(item.role) || "rôle non précisé";
    const box = el("input", { type: "checkbox", value: item.id, "data-saved-id": item.id });
    return el("li", {}, el("label", { class: "cap-inline" }, box,
      ` ${item.title || item.name || "Sans nom"} — ${kind} — ${frDate(item.updated, true)}`));
  })));
}

/**
 * The ticked saved assessments join `files` (as their JSON text, named by `nameOf`); the boxes are unticked.
 * @param {HTMLElement} container
 * @param {Store} store
 * @param {PageFile[]} files
 * @param {Alerts} alerts
 * @param {(a: any) => string} nameOf
 * @param {object} [extra]
 * @returns {boolean} false when nothing was ticked
 */
export function takeSaved(container, store, files, alerts, nameOf, extra = {}) {
  const boxes = /** @type {HTMLInputElement[]} */ (Array.from(container.querySelectorAll("input:checked")));
  if (!boxes.length) { alerts.show("Cochez d'abord une ou plusieurs évaluations enregistrées.", "warning"); return false; }
  const taken = new Set(files.map((f) => f.name));
  for (const box of boxes) {
    try {
      const a = store.load(box.value);
      if (a) {
        const name = uniqueName(nameOf(a), taken);
        taken.add(name);
        files.push({ name, text: JSON.stringify(a), ...extra });
      }
    } catch (err) {
      alerts.show(err.message);
    }
    box.checked = false;
  }
  return true;
}

// -- the list -------------------------------------------------------------------------------------

/**
 * A file's notes as spans: "Raison : …" (set aside) or "Attention : …".
 * @param {Note[]} notes
 * @param {string} name
 */
export function noteSpans(notes, name) {
  return notes.filter((n) => n.file === name).map((n) => el("span", { class: `cap-note cap-note-${n.level}` },
    n.level === "refused" ? `Raison : ${n.message}` : `Attention : ${n.message}`));
}

/**
 * The engine's notes about no file in particular (several structures named…), as warnings.
 * @param {HTMLElement} container
 * @param {Note[]} notes
 */
export function showGeneral(container, notes) {
  container.replaceChildren(...notes.filter((n) => !n.file).map((n) => el("p", { class: "cap-alert cap-alert-warning",
    text: n.message })));
}

/**
 * The state of a file the engine has not read: failed (the last call), waiting for the engine, or
 * the engine did not start.
 * @param {HTMLElement} root
 * @param {boolean} failed
 * @param {string} [feminine] "e" when the page speaks of « évaluations »
 * @returns {[string, string]} [data-file-status, words]
 */
export function unread(root, failed, feminine = "") {
  if (failed) return ["failed", `Pas encore lu${feminine} : voir le message en haut de la page.`];
  return ["waiting", root.dataset.state === "error" ? "Le moteur de calcul n'a pas démarré." : "En attente du moteur de calcul…"];
}

/**
 * A row of the list: `data-file`, `data-file-status`, its cells, then a « Retirer » button.
 * @param {string} name
 * @param {string} status
 * @param {(Node | string)[]} cells
 * @param {string} remove the button's `data-remove`
 */
export function fileRow(name, status, cells, remove) {
  const button = el("button", { type: "button", class: "md-button cap-small", "data-remove": remove,
    "aria-label": `Retirer le fichier « ${name} »`, text: "Retirer" });
  const tr = el("tr", { "data-file-status": status }, ...cells.map((c) => (typeof c === "string" ? el("td", { text: c }) : c)),
    el("td", {}, button));
  tr.dataset.file = name;
  return tr;
}

/**
 * Put the rows in the table's body; each cell gets its column's header (narrow screens stack them).
 * @param {HTMLElement} tbody
 * @param {HTMLElement[]} rows
 */
export function fillRows(tbody, rows) {
  tbody.replaceChildren(...rows);
  labelCells(tbody.closest("table"));
}

// @ts-check
// Autosave and the two-tab merge. Every change is written at once (a keystroke too: a tab closed
// right after typing keeps it). A write first reads what is stored and, if another tab wrote since,
// merges field by field (storage.js: the later change wins); a `storage` event from another tab is
// merged the same way and shown.
import { alertUser, alerts, root, showSaved, state, storageFailed, store, touch } from "./app-page.js";
import { showFields } from "./app-answers.js";
import { refreshExportNote, refreshList } from "./app-list.js";
import { StorageError, assessmentKey } from "./storage.js";
import { flatten, mergeVersions, stampChanges } from "./sync.js";
import { now } from "./util.js";

/** The assessment shown changed: date it, count it and write it. */
export function save() {
  state.a.updated = now();
  touch();
  persist();
}

/** Write the current assessment, merged field by field with what another tab may have stored
 *  since; returns false when the write failed (the user is told). */
export function persist() {
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
    if (state.storageAlert) {
      alerts.drop(state.storageAlert);
      state.storageAlert = null;
      alertUser("L'enregistrement sur cet appareil fonctionne de nouveau : vos réponses sont enregistrées.", "success");
    }
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

/** Take in what another tab stored for this assessment: its later changes win field by field,
 *  ours win where we changed later. The form shows the result without losing the caret.
 *  Returns how many fields changed here.
 * @param {{ assessment: import("./storage.js").Assessment, stamps: Record<string, number> }} record */
function adopt(record) {
  const merged = mergeVersions(state.a, state.stamps, record.assessment, record.stamps);
  state.a = merged.assessment;
  state.stamps = merged.stamps;
  if (merged.changed.length) showFields(merged.changed);
  return merged.changed.length;
}

/** @param {Map<string, string>} x @param {Map<string, string>} y */
const sameFields = (x, y) => x.size === y.size && [...x].every(([path, value]) => y.get(path) === value);

/** Follow the other tabs: their changes to the assessment shown are taken in (`onMerged` runs when
 *  some were: the page rescores), and the list follows theirs.
 * @param {() => void} onMerged */
export function followOtherTabs(onMerged) {
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
        onMerged();
      }
      // ours had changes the other tab had not seen: write the merged result back
      if (!sameFields(flatten(record.assessment), state.base)) persist();
    } else if (event.key === null || store.owns(event.key)) {
      refreshList();
    }
  });

  // Leaving the page (tab closed, app switched on a phone): every change is already written; one
  // that could not be (storage full) gets a last try, in case room was made meanwhile.
  const flush = () => { if (state.a && state.unsaved) persist(); };
  window.addEventListener("pagehide", flush);
  document.addEventListener("visibilitychange", () => { if (document.visibilityState === "hidden") flush(); });
}

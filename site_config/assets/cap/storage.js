// @ts-check
// The user's assessments in this browser's localStorage. Every failure is reported to the
// caller (private mode, storage disabled, quota full); nothing fails silently, and a full
// storage still lets the user read, switch and export what is stored.
//
// Two tabs may edit the same assessment. Each stored assessment carries, under `_sync`, the time
// of the last change of each of its fields (an answer's value, comment, justification; a target;
// the structure's name; the plan…). A tab that writes first merges what is stored with what it
// changed, field by field, the later change winning; a tab told by a `storage` event that another
// one wrote does the same. So no tab overwrites another's answers. `_sync` never leaves the
// device: `load` strips it, and exports are made from what `load` returns.

import { flatten, stampChanges } from "./sync.js";
import { frDate } from "./util.js";

/** @typedef {import("./sync.js").Answer} Answer */
/** @typedef {import("./sync.js").PlanItem} PlanItem */
/** @typedef {import("./sync.js").Assessment} Assessment */
/** @typedef {import("./sync.js").Stamps} Stamps */
/** A line of the list of stored assessments (never in the file).
 * @typedef {{ id: string, name?: string, title?: string, updated?: string, kind?: string, role?: string,
 *   step?: string, exported?: string }} IndexItem */

// Every key this site writes is declared here (one owner): the pages read and write through Store.
const PREFIX = "cap-en-ligne:";
const INDEX = `${PREFIX}index`;
const CURRENT = `${PREFIX}current`;
export const SESSION_KEY = `${PREFIX}session`; // the synthesis page's meeting
export const EASY_READ_KEY = `${PREFIX}easy-read`; // « Version simplifiée » chosen ("1")
export const NETWORK_KEY = `${PREFIX}reseau`; // the network file loaded on the results step
const SYNC = "_sync";
/** @param {string} id */
export const assessmentKey = (id) => `${PREFIX}a:${id}`;
/** @param {string} id */
const asideKey = (id) => `${PREFIX}aside:${id}`;

const MESSAGES = {
  disabled: "L'enregistrement sur cet appareil est désactivé (navigation privée ou réglage du navigateur). "
    + "Vos réponses seront perdues à la fermeture de la page : exportez votre fichier avant de partir.",
  full: "L'espace d'enregistrement de ce navigateur est plein : vos dernières modifications ne sont pas enregistrées. "
    + "Exportez votre fichier (bouton « Exporter »), puis libérez de la place en supprimant une ancienne évaluation "
    + "(choisissez-la dans « Mes évaluations », exportez-la si besoin, puis « Supprimer »). "
    + "Tant que cet avertissement reste affiché, gardez cette page ouverte.",
  corrupt: "Une évaluation enregistrée sur cet appareil est illisible ; elle a été mise de côté, sans être effacée.",
};

export class StorageError extends Error {
  /** @param {"disabled" | "full" | "corrupt"} kind @param {unknown} [cause] */
  constructor(kind, cause) {
    super(MESSAGES[kind] || MESSAGES.disabled);
    this.kind = kind;
    this.cause = cause;
  }
}

/** @param {any} err */
const isQuota = (err) => err?.name === "QuotaExceededError" || err?.name === "NS_ERROR_DOM_QUOTA_REACHED"
  || err?.code === 22 || err?.code === 1014;

/** localStorage and its state: "ok", "full" (readable, no room to write) or "disabled".
 * @returns {{ ls: Storage | null, status: "ok" | "full" | "disabled" }} */
function backend() {
  let ls;
  try {
    ls = window.localStorage;
    ls.getItem(INDEX);
  } catch {
    return { ls: null, status: "disabled" };
  }
  try {
    const probe = `${PREFIX}probe`;
    ls.setItem(probe, "1");
    ls.removeItem(probe);
    return { ls, status: "ok" };
  } catch (err) {
    return isQuota(err) ? { ls, status: "full" } : { ls: null, status: "disabled" };
  }
}

// -- shape ------------------------------------------------------------------------------------------

/** @param {unknown} v @returns {v is Record<string, any>} */
const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

/** Repair the containers of a stored assessment (a hand-edited or damaged entry) so that the
 *  page can work on it; the engine checks everything else when it scores or exports.
 * @param {Record<string, any>} a @returns {Assessment} */
function repairShape(a) {
  for (const key of ["answers", "targets", "importance", "indicators", "structure", "respondent"]) {
    if (!isObject(a[key])) a[key] = {};
  }
  for (const [cid, answer] of Object.entries(a.answers)) if (!isObject(answer)) delete a.answers[cid];
  if (!Array.isArray(a.plan)) a.plan = [];
  return /** @type {Assessment} */ (a);
}

// -- the store --------------------------------------------------------------------------------------

export class Store {
  constructor() {
    const { ls, status } = backend();
    /** @type {Storage | null} */
    this.ls = ls;
    /** @type {"ok" | "full" | "disabled"} */
    this.status = status;
    /** @type {Map<string, string>} used when storage is disabled, so the page still works */
    this.memory = new Map();
  }

  get persistent() { return this.ls !== null; }

  /** Whether a key is one of this site's (every key starts with the same prefix). @param {string} name */
  owns(name) { return name.startsWith(PREFIX); }

  /** @param {string} name @returns {string | null} */
  read(name) {
    return this.ls ? this.ls.getItem(name) : (this.memory.get(name) ?? null);
  }

  /** @param {string} name @param {string} value */
  write(name, value) {
    if (!this.ls) { this.memory.set(name, value); return; }
    try {
      this.ls.setItem(name, value);
      this.status = "ok";
    } catch (err) {
      if (isQuota(err)) { this.status = "full"; throw new StorageError("full", err); }
      throw new StorageError("disabled", err);
    }
  }

  /** @param {string} name */
  remove(name) {
    if (this.ls) this.ls.removeItem(name); else this.memory.delete(name);
  }

  /** A preference (a key above): its text, or "" when unset or unreadable. Never throws.
   * @param {string} key @returns {string} */
  preference(key) {
    try { return this.read(key) || ""; } catch { return ""; }
  }

  /** Set (or, with "", remove) a preference; false when it could not be kept (storage full or off).
   * @param {string} key @param {string} value @returns {boolean} */
  setPreference(key, value) {
    try {
      if (value) this.write(key, value); else this.remove(key);
      return true;
    } catch {
      return false;
    }
  }

  /** The stored assessments, the latest change first, each with the `label` the lists show.
   * @returns {(IndexItem & { label: string })[]} */
  list() {
    return this.index()
      .sort((x, y) => String(y.updated).localeCompare(String(x.updated)))
      .map((item) => {
        const kind = item.kind === "consolidated" ? " (synthèse)" : "";
        return { ...item, label: `${item.title || item.name || "Sans nom"}${kind} — ${frDate(item.updated, true)}` };
      });
  }

  /** The list of stored assessments, as stored (unsorted). @returns {IndexItem[]} */
  index() {
    try {
      const list = JSON.parse(this.read(INDEX) || "[]");
      return Array.isArray(list) ? list.filter((item) => isObject(item) && typeof item.id === "string") : [];
    } catch {
      return [];
    }
  }

  /** The stored assessment and its change times, or null. A damaged entry is set aside (kept
   *  under another key, out of the list) and reported as "corrupt".
   * @param {string} id
   * @returns {{ assessment: Assessment, stamps: Stamps, text: string } | null} */
  loadRecord(id) {
    const text = this.read(assessmentKey(id));
    if (!text) return null;
    let data;
    try {
      data = JSON.parse(text);
    } catch (err) {
      this.setAside(id, text);
      throw new StorageError("corrupt", err);
    }
    if (!isObject(data) || data.format !== "cap-evaluation") {
      this.setAside(id, text);
      throw new StorageError("corrupt");
    }
    const stamps = isObject(data[SYNC]) ? data[SYNC] : {};
    delete data[SYNC];
    if (typeof data.id !== "string" || !data.id) data.id = id;
    return { assessment: repairShape(data), stamps, text };
  }

  /** The stored assessment (without its change times), or null. @param {string} id */
  load(id) {
    return this.loadRecord(id)?.assessment ?? null;
  }

  /** @param {string} id @param {string} text */
  setAside(id, text) {
    try {
      this.write(asideKey(id), text);
      this.remove(assessmentKey(id));
      this.write(INDEX, JSON.stringify(this.index().filter((item) => item.id !== id)));
    } catch {
      // no room to move it: leave it where it is, out of harm's way
    }
  }

  /** Write an assessment (with its change times) and its line in the list; returns the text written.
   * @param {Assessment} assessment @param {Partial<IndexItem>} [extra] @param {Stamps | null} [stamps]
   * @returns {string} */
  save(assessment, extra = {}, stamps = null) {
    if (!stamps) {
      // A writer that does not track its changes (the synthesis page saving the consolidated
      // assessment, an import): stamp what differs from the stored version, so that a tab
      // showing it takes these changes in rather than writing its older copy back.
      let previous = null;
      try { previous = this.loadRecord(assessment.id); } catch { previous = null; }
      stamps = previous ? { ...previous.stamps } : {};
      stampChanges(assessment, previous ? flatten(previous.assessment) : new Map(), stamps);
    }
    const record = { ...assessment, [SYNC]: stamps };
    const text = JSON.stringify(record);
    this.write(assessmentKey(assessment.id), text);
    const list = this.index();
    const previous = list.find((item) => item.id === assessment.id) || {};
    const line = { ...previous, id: assessment.id, name: assessment.structure?.name || "", updated: assessment.updated,
      kind: assessment.kind || "individual", role: assessment.respondent?.role || "", ...extra };
    if (JSON.stringify(line) !== JSON.stringify(previous)) {
      this.write(INDEX, JSON.stringify([...list.filter((item) => item.id !== assessment.id), line]));
    }
    return text;
  }

  /** The assessment's line in the list, or null. @param {string} id @returns {IndexItem | null} */
  meta(id) {
    return this.index().find((item) => item.id === id) || null;
  }

  /** @param {string} id @param {Partial<IndexItem>} extra */
  setMeta(id, extra) {
    const list = this.index().map((item) => (item.id === id ? { ...item, ...extra } : item));
    this.write(INDEX, JSON.stringify(list));
  }

  /** @param {string} id */
  delete(id) {
    this.remove(assessmentKey(id));
    this.write(INDEX, JSON.stringify(this.index().filter((item) => item.id !== id)));
  }

  get current() { return this.read(CURRENT); }

  /** @param {string} id */
  set current(id) {
    if (this.read(CURRENT) !== id) this.write(CURRENT, id);
  }

  /** Every key of ours and its text: what "Effacer mes données" removes, kept for an undo.
   * @returns {Map<string, string>} */
  snapshot() {
    if (!this.ls) return new Map(this.memory);
    const out = new Map();
    for (let i = 0; i < this.ls.length; i += 1) {
      const name = this.ls.key(i);
      if (name && name.startsWith(PREFIX)) out.set(name, this.ls.getItem(name));
    }
    return out;
  }

  clearAll() {
    const names = [...this.snapshot().keys()];
    if (!this.ls) { this.memory.clear(); return; }
    names.forEach((name) => this.ls.removeItem(name));
  }

  /** Put back a snapshot taken before `clearAll`. @param {Map<string, string>} snapshot */
  restore(snapshot) {
    for (const [name, value] of snapshot) this.write(name, value);
  }
}

// @ts-check
// The synthesis page's session, kept on this device (storage.js, SESSION_KEY): the participants'
// files, the answers retained in the meeting and their reasons, the page's settings. A file the
// engine set aside keeps its name and reason; its text is dropped when the session does not fit
// (largest first), or at once when the engine refused it for its size.
import { SESSION_KEY, StorageError } from "./storage.js";
import { READ_LIMIT, now, uuid } from "./util.js";

/**
 * @typedef {object} Session
 * @property {1} v
 * @property {string} id the consolidated assessment's id
 * @property {string} created
 * @property {import("./filelist.js").PageFile[]} files
 * @property {Record<string, { value?: number | string, reason?: string }>} agreed
 * @property {boolean} showNames
 * @property {{ name: string, types: string[], activities: string[] } | null} structure
 * @property {boolean} saved whether the consolidated assessment is saved on this device
 * @property {"talk" | "grid"} order
 * @property {string} [name] the session's name in invitations (share-facilitator.js)
 */

/** @typedef {{ files: { name: string }[], notes: import("./filelist.js").Note[] }} Merge what a merge kept and said */

/** @returns {Session} */
export function freshSession() {
  return { v: 1, id: uuid(), created: now(), files: [], agreed: {}, showNames: false, structure: null, saved: false,
    order: "talk" };
}

/** @param {any} err */
const isFull = (err) => err instanceof StorageError && err.kind === "full";

/**
 * The session and how it is kept.
 * @param {import("./storage.js").Store} store
 * @param {ReturnType<typeof import("./util.js").alertBox>} alerts
 */
export function createSession(store, alerts) {
  /** @type {HTMLElement | null} */
  let storageAlert = null;
  let pending = false; // a write that failed quietly: to try again after the merge

  /** @returns {Session | null} */
  function load() {
    let raw;
    try { raw = store.read(SESSION_KEY); } catch { return null; }
    if (!raw) return null;
    try {
      const data = JSON.parse(raw);
      if (!data || data.v !== 1 || !Array.isArray(data.files)) throw new Error("format");
      // A file is kept with its text, or (set aside, see makeRoom) with its name and the engine's reason only.
      const files = data.files.filter((f) => f && typeof f.name === "string"
        && (typeof f.text === "string" || typeof f.refused === "string"));
      return { ...freshSession(), ...data, files };
    } catch {
      alerts.show("La séance gardée sur cet appareil était illisible : une nouvelle séance commence.", "warning");
      return null;
    }
  }

  const self = {
    /** @type {Session} */
    current: load() || freshSession(),
    /** @type {Merge | null} the last merge's files and notes (null before one, or after a failure) */
    merge: null,

    /** Forget it: a new session. */
    reset() {
      try { store.remove(SESSION_KEY); } catch { /* nothing to remove */ }
      self.current = freshSession();
    },

    /** Keep the session on this device. `quiet`: a merge follows, which knows which files are set aside and
     *  so can make room (makeRoom); it tries again and reports a failure then. One storage message at most. */
    persist({ quiet = false } = {}) {
      pending = false;
      try {
        save();
      } catch (err) {
        if (!(isFull(err) && makeRoom())) {
          if (quiet) { pending = true; return; }
          if (storageAlert?.isConnected) return;
          const why = isFull(err) ? "l'espace d'enregistrement est plein" : "l'enregistrement est désactivé sur ce navigateur";
          storageAlert = alerts.show(`La séance n'a pas pu être gardée sur cet appareil (${why}) : si vous rechargez la `
            + "page, les derniers fichiers ajoutés et les réponses retenues seront perdus. Retirez les fichiers mis de "
            + "côté, ou exportez l'évaluation consolidée pour la garder.");
          return;
        }
      }
      storageAlert?.remove();
      storageAlert = null;
    },

    /** After a merge (`merge` set): drop the text of files too large ever to be merged, and write what waits. */
    settle() {
      const big = setAside().filter(({ f }) => (f.size ?? 0) >= READ_LIMIT - 1 || f.text.length >= READ_LIMIT);
      big.forEach(slim);
      if (big.length || pending) self.persist();
    },
  };

  const save = () => store.write(SESSION_KEY, JSON.stringify(self.current));

  /** Files the last merge set aside, with the engine's reason, that the session still keeps in full. */
  function setAside() {
    const merge = self.merge;
    if (!merge) return [];
    const kept = new Set(merge.files.map((f) => f.name));
    return self.current.files.filter((f) => typeof f.text === "string" && !kept.has(f.name))
      .map((f) => ({ f, reason: merge.notes.find((n) => n.file === f.name && n.level === "refused")?.message }))
      .filter(({ reason }) => reason);
  }

  /** A set-aside file stays listed (name, reason, its remove button), without its text.
   *  @param {{ f: import("./filelist.js").PageFile, reason: string }} item */
  function slim({ f, reason }) {
    const files = self.current.files;
    const index = files.indexOf(f);
    if (index >= 0) files[index] = { name: f.name, source: f.source, size: f.size ?? f.text.length, refused: reason };
  }

  /** The session does not fit in storage: drop the text of set-aside files, largest first, until it does. */
  function makeRoom() {
    for (const item of setAside().sort((a, b) => b.f.text.length - a.f.text.length)) {
      slim(item);
      try {
        save();
        return true;
      } catch (err) {
        if (!isFull(err)) return false;
      }
    }
    return false;
  }

  return self;
}

// @ts-check
// The field-by-field merge of two versions of one assessment (two tabs editing it). Each stored
// assessment carries, under `_sync`, the time of the last change of each of its fields (an answer's
// value, comment, justification; a target; the structure's name; the plan…): per field, the later
// change wins, a removal too. storage.js keeps `_sync` beside the file and never lets it out.
// Also the shapes of the assessment file as the pages use them (the engine's contract, declared in
// py/cap/contracts.py and checked by py/cap/formats.py).

/** One answer to a criterion: a level 1–4, "na" (non concerné, justified) or "dk" (je ne sais pas).
 * @typedef {{ value: number | "na" | "dk" | null, comment?: string, justification?: string }} Answer */
/** An action of the plan (py/cap/formats.py checks it; see the file's JSON Schema).
 * @typedef {{ id: string, criterion: string | null, action: string, owner?: string, due?: string,
 *   status?: string, offers?: string[], situation?: string, done_on?: string }} PlanItem */
/** An assessment file, "cap-evaluation" (py/cap/formats.py; blank: `formats.new_assessment`). Fields
 *  the page adds: `exported` (when last exported), `session` (an invited participant), `previous`
 *  (a campaign's last year), `review` (criteria to look at again after a referential update).
 * @typedef {{ id: string, format?: string, format_version?: number, kind?: string, created?: string, updated?: string,
 *   questionnaire?: { id?: string, version?: string },
 *   structure: { name?: string, types?: string[], activities?: string[], type?: string },
 *   respondent: { name?: string, role?: string | null }, answers: Record<string, Answer>,
 *   targets: Record<string, number>, importance: Record<string, number>, indicators: Record<string, number>,
 *   plan: PlanItem[], review?: Record<string, string>, previous?: any, session?: { id: string, name?: string },
 *   exported?: string, title?: string, unknown_answers?: object }} Assessment */
/** @typedef {Record<string, number>} Stamps when each field last changed (ms), by path */

const MAPS = ["targets", "importance", "indicators", "structure", "respondent"];
const UNITS = ["plan", "unknown_answers", "participants", "stats"];

/** The assessment's fields as path → JSON text; a path is a JSON array such as ["answers", id, "comment"].
 * @param {Assessment} a
 * @returns {Map<string, string>} */
export function flatten(a) {
  const out = new Map();
  /** @param {string[]} path @param {unknown} value */
  const put = (path, value) => { if (value !== undefined) out.set(JSON.stringify(path), JSON.stringify(value)); };
  for (const [cid, answer] of Object.entries(a?.answers || {})) {
    if (answer && typeof answer === "object") for (const [field, v] of Object.entries(answer)) put(["answers", cid, field], v);
  }
  for (const group of MAPS) {
    const obj = a?.[group];
    if (obj && typeof obj === "object") for (const [k, v] of Object.entries(obj)) put([group, k], v);
  }
  for (const unit of UNITS) put([unit], a?.[unit]);
  return out;
}

/** @param {object} meta @param {Map<string, string>} fields @returns {Assessment} */
function unflatten(meta, fields) {
  const a = { ...meta, answers: {} };
  for (const group of MAPS) a[group] = {};
  for (const unit of UNITS) delete a[unit];
  for (const [path, json] of fields) {
    const p = JSON.parse(path);
    const value = JSON.parse(json);
    if (p.length === 1) a[p[0]] = value;
    else if (p.length === 2) a[p[0]][p[1]] = value;
    else (a.answers[p[1]] ||= {})[p[2]] = value;
  }
  a.plan ||= [];
  return a;
}

/** Record the time of every field that differs between `a` and `base` (an earlier `flatten`).
 * @param {Assessment} a @param {Map<string, string>} base @param {Stamps} stamps @param {number} [time]
 * @returns {Map<string, string>} the fields of `a` */
export function stampChanges(a, base, stamps, time = Date.now()) {
  const fields = flatten(a);
  for (const path of new Set([...fields.keys(), ...base.keys()])) {
    if (fields.get(path) !== base.get(path)) stamps[path] = time;
  }
  return fields;
}

/** Merge two versions of one assessment: per field, the later change wins (a removal too).
 * @param {Assessment} local @param {Stamps} localStamps @param {Assessment} other @param {Stamps} otherStamps
 * @returns {{ assessment: Assessment, stamps: Stamps, changed: string[] }} `changed`: the paths that differ from `local` */
export function mergeVersions(local, localStamps, other, otherStamps) {
  const mine = flatten(local);
  const theirs = flatten(other);
  const fields = new Map();
  /** @type {Stamps} */
  const stamps = {};
  const changed = [];
  const paths = new Set([...mine.keys(), ...theirs.keys(), ...Object.keys(localStamps), ...Object.keys(otherStamps)]);
  for (const path of paths) {
    const tl = localStamps[path] || 0;
    const to = otherStamps[path] || 0;
    const source = to > tl ? theirs : mine;
    if (source.has(path)) fields.set(path, source.get(path));
    if (fields.get(path) !== mine.get(path)) changed.push(path);
    if (tl || to) stamps[path] = Math.max(tl, to);
  }
  const updated = String(other.updated || "") > String(local.updated || "") ? other.updated : local.updated;
  return { assessment: unflatten({ ...local, updated }, fields), stamps, changed };
}

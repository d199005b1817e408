// @ts-check
// The only module that speaks to the Python worker: {id, op, payload} → {id, ok, data | error}.
// The worker posts {id: 0, op: "ready"|"failed"} once when Pyodide and the package are loaded.
//
// A worker can die without a word (killed by the browser for memory, Pyodide fatally failed):
// every call has a time limit, counted from when the worker can start it (calls run one after
// the other). A call past its limit, an error event or a runtime failure in the worker stops the
// engine: pending calls are rejected, the page is told ("error", then "loading"), and a new worker
// starts, up to MAX_RESTARTS times in a page's life.

const LIMITS_MS = { default: 20_000, synthesis: 120_000, evolution: 120_000, aggregate: 120_000,
  network_view: 120_000 };
const MAX_RESTARTS = 3;

/** The engine's state as a page follows it: "loading", "ready" or "error" (`info.restarting`: a new
 *  worker is starting after a stop).
 * @typedef {(state: "loading" | "ready" | "error", detail: any, info?: { restarting?: boolean }) => void} StateListener */
/** What boot.js leaves on `window.capBoot`: the worker it started early and its first news.
 * @typedef {{ worker: Worker | null, early: any[], error: string | null, taken?: boolean,
 *   onMessage?: (event: MessageEvent) => void, onError?: (event: ErrorEvent) => void }} Boot */
/** An engine error: the worker's {message, code, field}, or code "stopped".
 * @typedef {Error & { code?: string, field?: string }} EngineError */
/**
 * @typedef {object} Engine
 * @property {Promise<any>} ready resolves with the worker's ready message
 * @property {(op: string, payload?: object) => Promise<any>} call one op of py/cap/browser.py `OPS`; rejects with an EngineError
 * @property {(fn: StateListener) => void} subscribe follow the state (told the current one at once)
 * @property {string} state
 */

/**
 * Start the engine's worker (or take over boot.js's) for the site at `base`.
 * @param {string} base the site's root, relative to the page (`data-base`)
 * @param {{ onState?: StateListener }} [options]
 * @returns {Engine}
 */
export function createEngine(base, { onState = () => {} } = {}) {
  /** @type {Set<StateListener>} */
  const listeners = new Set([onState]);
  const pending = new Map(); // id → {resolve, reject, limit, since}; in the order the worker runs them
  let nextId = 1;
  let worker = null;
  let gate;
  let timer = null;
  let restarts = 0;
  /** @type {{ state: "loading" | "ready" | "error", detail: any, info: { restarting?: boolean } }} */
  let last = { state: "loading", detail: null, info: {} };

  /** @type {StateListener} */
  const emit = (state, detail, info = {}) => {
    last = { state, detail, info };
    for (const fn of listeners) fn(state, detail, info);
  };

  function newGate() {
    let settle;
    const promise = new Promise((resolve, reject) => { settle = { resolve, reject }; });
    promise.catch(() => {}); // callers await it; an unhandled rejection would only add console noise
    return { promise, settle };
  }

  /** @param {string} message */
  function rejectAll(message) {
    clearTimeout(timer);
    for (const { reject } of pending.values()) reject(Object.assign(new Error(message), { code: "stopped" }));
    pending.clear();
  }

  // Watch the call the worker is running (the oldest): past its limit, the engine is stopped.
  function arm() {
    clearTimeout(timer);
    const head = pending.values().next().value;
    if (!head) return;
    head.since ??= performance.now();
    const left = head.limit - (performance.now() - head.since);
    timer = setTimeout(() => stopped("le moteur de calcul ne répond plus"), Math.max(0, left));
  }

  // Before the worker is ready: it could not start (no restart, the page says why).
  /** @param {string} message */
  function failed(message) {
    rejectAll(message);
    emit("error", message);
    gate.settle.reject(new Error(message));
  }

  // After it was ready: it stopped. Tell the page, then start a new one.
  /** @param {string} message */
  function stopped(message) {
    rejectAll(message);
    try { worker?.terminate(); } catch { /* already gone */ }
    worker = null;
    if (restarts >= MAX_RESTARTS) {
      gate = newGate();
      failed(`${message} ; il s'est arrêté plusieurs fois`);
      return;
    }
    restarts += 1;
    emit("error", message, { restarting: true });
    start(null);
  }

  /** @param {{ data: any }} event */
  function onMessage({ data }) {
    if (data?.id === 0) {
      if (data.op === "ready") { emit("ready", data.data); gate.settle.resolve(data.data); }
      else failed(data.error?.message || "erreur au chargement du moteur de calcul");
      return;
    }
    const request = pending.get(data?.id);
    if (!request) return;
    pending.delete(data.id);
    arm();
    if (data.ok) { request.resolve(data.data); return; }
    request.reject(Object.assign(new Error(data.error.message), data.error));
    // "engine": the JavaScript side of Pyodide failed (a fatal error); it will not recover.
    if (data.error.code === "engine") stopped("le moteur de calcul a rencontré une erreur fatale");
  }

  /** @param {Worker} w */
  function wire(w) {
    w.addEventListener("message", onMessage);
    w.addEventListener("error", (event) => {
      event.preventDefault();
      const message = event.message || "erreur au chargement du moteur de calcul";
      if (last.state === "ready") stopped(message); else failed(message);
    });
  }

  /** @param {Boot | null} boot */
  function start(boot) {
    gate = newGate();
    if (last.state !== "loading") emit("loading", null);
    try {
      worker = boot?.worker || new Worker(new URL("assets/cap/worker.js", new URL(base, document.baseURI)),
        { type: "module" });
    } catch (err) {
      queueMicrotask(() => failed(`le navigateur n'a pas pu lancer le calcul (${err.message})`));
      return;
    }
    wire(worker);
    if (boot?.worker === worker) {
      // boot.js (in <head>) started the worker early; take it over with its early news.
      worker.removeEventListener("message", boot.onMessage);
      worker.removeEventListener("error", boot.onError);
      queueMicrotask(() => {
        if (boot.error) failed(boot.error);
        boot.early.splice(0).forEach((data) => onMessage({ data }));
      });
    }
  }

  const early = /** @type {Window & { capBoot?: Boot }} */ (window).capBoot;
  const boot = early && !early.taken ? early : null;
  if (boot) boot.taken = true;
  start(boot);

  /** @param {string} op @param {object} [payload] @returns {Promise<any>} */
  async function call(op, payload = {}) {
    await gate.promise;
    if (!worker) throw Object.assign(new Error("le moteur de calcul est arrêté"), { code: "stopped" });
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject, limit: LIMITS_MS[op] || LIMITS_MS.default, since: null });
      worker.postMessage({ id, op, payload });
      if (pending.size === 1) arm();
    });
  }

  /** Follow the engine's state ("loading", "ready", "error"); told the current one at once.
   * @param {StateListener} fn */
  function subscribe(fn) {
    listeners.add(fn);
    if (last.state !== "loading") queueMicrotask(() => fn(last.state, last.detail, last.info));
  }

  return { get ready() { return gate.promise; }, call, subscribe, get state() { return last.state; } };
}

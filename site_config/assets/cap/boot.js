// @ts-check
// Starts the calculation engine's worker as early as possible (a classic script in <head>),
// and keeps its first messages until engine.js takes it over: a worker's messages are not
// queued for listeners that arrive later.
(() => {
  const root = new URL("../../", /** @type {HTMLScriptElement} */ (document.currentScript).src);
  /** @type {import("./engine.js").Boot} */
  const boot = { early: [], error: null, worker: null };
  const searchMayStart = holdSearchIndex(new URL("search/search_index.json", root).href);
  try {
    boot.worker = new Worker(new URL("assets/cap/worker.js", root), { type: "module" });
    boot.worker.addEventListener("message", boot.onMessage = (event) => boot.early.push(event.data));
    boot.worker.addEventListener("error", boot.onError = (event) => {
      event.preventDefault();
      boot.error = event.message || "erreur au chargement du moteur de calcul";
    });
    // Kept when engine.js takes the worker over: the engine's first answer (ready or failed).
    boot.worker.addEventListener("message", ({ data }) => { if (data?.id === 0) searchMayStart(); });
    boot.worker.addEventListener("error", searchMayStart);
  } catch (err) {
    boot.error = `le navigateur n'a pas pu lancer le calcul (${err.message})`;
    searchMayStart();
  }
  /** @type {Window & { capBoot?: import("./engine.js").Boot }} */ (window).capBoot = boot;
})();

// Material's search loads its index (800 KB, about 40 MB of memory once built) as soon as a page
// opens. On a page that runs the engine, that work competes with Pyodide's start-up on a phone's
// few cores: hold the index request until the engine has answered, or until the visitor goes to
// the search box, whichever comes first (and at most 20 s). Material asks with XMLHttpRequest.
/** @param {string} indexUrl @returns {() => void} what lets the index request go */
function holdSearchIndex(indexUrl) {
  /** @type {(value?: unknown) => void} */
  let release;
  const released = new Promise((resolve) => { release = resolve; });
  const { open, send } = XMLHttpRequest.prototype;
  /** Requests held back: Material's request for the search index. @type {WeakSet<XMLHttpRequest>} */
  const held = new WeakSet();
  /** @this {XMLHttpRequest} @param {string} method @param {string | URL} url @param {any[]} rest */
  XMLHttpRequest.prototype.open = function (method, url, ...rest) {
    if (String(url) === indexUrl) held.add(this); else held.delete(this);
    return open.call(this, method, url, ...rest);
  };
  /** @this {XMLHttpRequest} @param {Document | XMLHttpRequestBodyInit | null} [body] */
  XMLHttpRequest.prototype.send = function (body) {
    if (!held.has(this)) return send.call(this, body);
    released.then(() => send.call(this, body));
  };
  /** @param {FocusEvent} event */
  const onFocus = (event) => { if (/** @type {Element} */ (event.target).closest?.(".md-search")) release(); };
  document.addEventListener("focusin", onFocus);
  setTimeout(release, 20_000);
  released.then(() => document.removeEventListener("focusin", onFocus));
  return release;
}

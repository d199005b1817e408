// Starts the calculation engine's worker as early as possible (a classic script in <head>),
// and keeps its first messages until engine.js takes it over: a worker's messages are not
// queued for listeners that arrive later.
(() => {
  const root = new URL("../../", document.currentScript.src);
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
  window.capBoot = boot;
})();

// Material's search loads its index (800 KB, about 40 MB of memory once built) as soon as a page
// opens. On a page that runs the engine, that work competes with Pyodide's start-up on a phone's
// few cores: hold the index request until the engine has answered, or until the visitor goes to
// the search box, whichever comes first (and at most 20 s). Material asks with XMLHttpRequest.
function holdSearchIndex(indexUrl) {
  let release;
  const released = new Promise((resolve) => { release = resolve; });
  const { open, send } = XMLHttpRequest.prototype;
  XMLHttpRequest.prototype.open = function (method, url, ...rest) {
    this.capHeld = String(url) === indexUrl;
    return open.call(this, method, url, ...rest);
  };
  XMLHttpRequest.prototype.send = function (body) {
    if (!this.capHeld) return send.call(this, body);
    released.then(() => send.call(this, body));
  };
  const onFocus = (event) => { if (event.target.closest?.(".md-search")) release(); };
  document.addEventListener("focusin", onFocus);
  setTimeout(release, 20_000);
  released.then(() => document.removeEventListener("focusin", onFocus));
  return release;
}

// The only module that speaks to the Python worker: {id, op, payload} → {id, ok, data | error}.
// The worker posts {id: 0, op: "ready"|"failed"} once when Pyodide and the package are loaded.

export function createEngine(base, { onState = () => {} } = {}) {
  const pending = new Map();
  let nextId = 1;
  let worker;
  let settle;
  const ready = new Promise((resolve, reject) => { settle = { resolve, reject }; });
  ready.catch(() => {}); // callers await it; an unhandled rejection would only add console noise

  const fail = (message) => {
    onState("error", message);
    settle.reject(new Error(message));
    for (const { reject } of pending.values()) reject(new Error(message));
    pending.clear();
  };

  // boot.js (in <head>) may have started the worker already; take it over with its early news.
  const boot = window.capBoot && !window.capBoot.taken ? window.capBoot : null;
  if (boot) boot.taken = true;
  try {
    worker = boot?.worker || new Worker(new URL("assets/cap/worker.js", new URL(base, document.baseURI)), { type: "module" });
  } catch (err) {
    queueMicrotask(() => fail(`le navigateur n'a pas pu lancer le calcul (${err.message})`));
    return { ready, call: () => Promise.reject(new Error("moteur indisponible")) };
  }
  worker.addEventListener("error", (event) => {
    event.preventDefault();
    fail(event.message || "erreur au chargement du moteur de calcul");
  });
  const onMessage = ({ data }) => {
    if (data.id === 0) {
      if (data.op === "ready") { onState("ready", data.data); settle.resolve(data.data); }
      else fail(data.error?.message || "erreur au chargement du moteur de calcul");
      return;
    }
    const request = pending.get(data.id);
    if (!request) return;
    pending.delete(data.id);
    if (data.ok) request.resolve(data.data);
    else request.reject(Object.assign(new Error(data.error.message), data.error));
  };
  worker.addEventListener("message", onMessage);
  if (boot?.worker === worker) {
    worker.removeEventListener("message", boot.onMessage);
    worker.removeEventListener("error", boot.onError);
    queueMicrotask(() => {
      if (boot.error) fail(boot.error);
      boot.early.splice(0).forEach((data) => onMessage({ data }));
    });
  }

  async function call(op, payload = {}) {
    await ready;
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, op, payload });
    });
  }
  return { ready, call };
}

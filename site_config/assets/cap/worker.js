// Module Web Worker: boots the self-hosted Pyodide, installs our wheel from the small lock
// file, loads the questionnaire bundle, then answers one request per message by calling
// cap.browser.call(op, json). Nothing is fetched from another origin.
// The build (site_config/hooks.py) writes Pyodide's folder, "pyodide/<its version>", in place of
// the two placeholders below.
import { loadPyodide } from "../../__PYODIDE_DIR__/pyodide.mjs";

const root = new URL("../../", import.meta.url);
const pyodideDir = new URL("__PYODIDE_DIR__/", root);

// Chromium keeps the compiled WebAssembly beside the browser's HTTP cache entry, and reuses it
// only when the page fetches the file from there: a copy answered by the service worker is
// compiled again on every visit (about a second of CPU). So the WebAssembly file is first asked
// of the HTTP cache alone ("only-if-cached": never the network, which the service worker lets
// through); if it is not there, the normal fetch goes to the service worker's cache or to the
// network. Its URL carries Pyodide's version, so a cached copy is always the right file.
const nativeFetch = self.fetch.bind(self);
async function fetchPreferringHttpCache(input, init) {
  const url = new URL(input instanceof Request ? input.url : input, self.location.href);
  if (url.pathname.endsWith(".wasm") && url.href.startsWith(pyodideDir.href) && !init?.integrity) {
    try {
      const cached = await nativeFetch(url, { cache: "only-if-cached", mode: "same-origin" });
      if (cached.ok) return cached;
    } catch {
      // not in the HTTP cache: fetch it normally below
    }
  }
  return nativeFetch(input, init);
}
self.fetch = fetchPreferringHttpCache;

const BOOT_LIMIT_MS = 180_000; // past this, say so rather than spin forever

// Pyodide does not reject when its WebAssembly file cannot be fetched or compiled: it calls
// console.warn("wasm instantiation failed!") and waits forever. Watch that log while it boots.
function bootFailure() {
  let fail;
  const failed = new Promise((_, reject) => { fail = reject; });
  const original = console.warn;
  console.warn = (...args) => {
    original.apply(console, args);
    if (/wasm instantiation failed/i.test(args.map(String).join(" "))) {
      fail(new Error("les fichiers du moteur n'ont pas pu être chargés"));
    }
  };
  const timer = setTimeout(() => fail(new Error("le chargement n'a pas abouti")), BOOT_LIMIT_MS);
  const done = () => { console.warn = original; clearTimeout(timer); };
  return { failed, done };
}

async function boot() {
  const watch = bootFailure();
  try {
    return await Promise.race([start(), watch.failed]);
  } finally {
    watch.done();
  }
}

async function start() {
  const pyodide = await loadPyodide({
    indexURL: pyodideDir.href,
    lockFileURL: new URL("cap-lock.json", pyodideDir).href,
    stdout: () => {},
    stderr: () => {},
  });
  await pyodide.loadPackage("cap-en-ligne", { messageCallback: () => {} });
  const response = await fetch(new URL("assets/cap/questionnaire.json", root));
  if (!response.ok) throw new Error(`questionnaire introuvable (${response.status})`);
  const bundle = await response.text();
  const call = pyodide.pyimport("cap.browser").call;
  const reply = JSON.parse(call("init", `{"bundle":${bundle}}`));
  if (!reply.ok) throw new Error(reply.error.message);
  return { call, info: reply.data };
}

const booting = boot();
booting.then(
  ({ info }) => self.postMessage({ id: 0, op: "ready", ok: true, data: info }),
  (err) => self.postMessage({ id: 0, op: "failed", ok: false, error: { message: String(err?.message || err) } }),
);

self.addEventListener("message", async ({ data }) => {
  const { id, op, payload } = data;
  try {
    const { call } = await booting;
    self.postMessage({ id, ...JSON.parse(call(op, JSON.stringify(payload))) });
  } catch (err) {
    self.postMessage({ id, ok: false, error: { message: String(err?.message || err), code: "engine" } });
  }
});

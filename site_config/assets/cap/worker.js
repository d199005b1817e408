// @ts-check
// Module Web Worker: boots the self-hosted Pyodide, installs our wheel from the small lock
// file, loads the questionnaire bundle, then answers one request per message by calling
// cap.browser.call(op, json). Nothing is fetched from another origin.
// The build (site_config/hooks.py) writes Pyodide's folder, "pyodide/<its version>", in place of
// the two placeholders below.
// @ts-ignore: the folder exists only in the built site
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
  if (SNAPSHOT === "off") return startNormal();
  let snapshot = null;
  try {
    snapshot = await snapshots.read();
  } catch (err) {
    console.warn(`[cap] instantané du moteur illisible (${err?.message || err}) : démarrage normal`);
    await snapshots.drop().catch(() => {});
    return startSnapshotMode({ make: false, boot: "fallback" });
  }
  if (snapshot) {
    try {
      return await startFromSnapshot(snapshot);
    } catch (err) {
      console.warn(`[cap] instantané du moteur écarté (${err?.message || err}) : démarrage normal`);
      await snapshots.drop().catch(() => {});
      return startSnapshotMode({ make: false, boot: "fallback" });
    }
  }
  if (SNAPSHOT !== "device" || await snapshots.failedBefore()) return startSnapshotMode({ make: false, boot: "normal" });
  try {
    return await startSnapshotMode({ make: true, boot: "normal" });
  } catch (err) {
    // Pyodide's snapshot API is experimental: if making one breaks the boot, boot without it.
    console.warn(`[cap] démarrage avec instantané impossible (${err?.message || err}) : démarrage normal`);
    await snapshots.drop().catch(() => {});
    return startSnapshotMode({ make: false, boot: "fallback" });
  }
}

// The boot as it was before snapshots (CAP_SNAPSHOT unset): Pyodide's package manager installs
// the wheel listed in the small lock file.
async function startNormal() {
  const pyodide = await loadPyodide({
    indexURL: pyodideDir.href,
    lockFileURL: new URL("cap-lock.json", pyodideDir).href,
    stdout: () => {},
    stderr: () => {},
  });
  await pyodide.loadPackage("cap-en-ligne", { messageCallback: () => {} });
  return init(pyodide, "normal");
}

async function questionnaire() {
  const response = await fetch(new URL("assets/cap/questionnaire.json", root));
  if (!response.ok) throw new Error(`questionnaire introuvable (${response.status})`);
  return response.text();
}

async function init(pyodide, bootKind, bundlePromise = questionnaire()) {
  const bundle = await bundlePromise;
  const call = pyodide.pyimport("cap.browser").call;
  const reply = JSON.parse(call("init", `{"bundle":${bundle}}`));
  if (!reply.ok) throw new Error(reply.error.message);
  return { call, info: { ...reply.data, boot: bootKind } };
}

// ---------------------------------------------------------------------------------------------
// Memory snapshots (issue 18, bench/README.md). The build (CAP_SNAPSHOT) writes the mode below:
// "off", "device" (the first visit takes a snapshot of the engine once the questionnaire is
// loaded and keeps it in Cache Storage; later visits restore it) or "build" (the build made the
// snapshot with Node; the service worker precaches it). A snapshot is bound to the exact
// Pyodide build (Pyodide checks its build id), to our wheel and to the questionnaire (the key
// below hashes the three); on any failure the engine boots normally and the snapshot is dropped.
const SNAPSHOT = /** @type {string} */ ("__CAP_SNAPSHOT__");
const SNAPSHOT_KEY = "__CAP_SNAPSHOT_KEY__";
const SNAPSHOT_FILE = "__CAP_SNAPSHOT_FILE__"; // build mode: the gzipped snapshot, in pyodideDir
const WHEEL = "__CAP_WHEEL__";
const WHEEL_PATH = "/lib/cap_en_ligne.whl"; // as in snapshot_preload.py: a pure-Python wheel is importable as a zip
const STORE = "cap-engine-snapshot"; // Cache Storage; not "cap-en-ligne-*", which the service worker owns
const storeUrl = (name) => new URL(`snapshot/${name}`, pyodideDir).href;

// Imports every module the engine may need later and seeds random with a constant
// (site_config/snapshot_preload.py, written in here by the build).
const PRELOAD = "__CAP_PRELOAD__";
const INFO = `
import json, cap.browser
q = cap.browser._q()
json.dumps({"id": q.id, "version": q.version, "criteria": len(q.criteria)})
`;

// Boot with our wheel on sys.path (Pyodide's loadPackage leaves state a snapshot cannot carry),
// optionally taking the snapshot once the questionnaire is loaded, before any user data.
async function startSnapshotMode({ make, boot: bootKind }) {
  const wheel = fetch(new URL(WHEEL, pyodideDir)).then((r) => {
    if (!r.ok) throw new Error(`paquet du moteur introuvable (${r.status})`);
    return r.arrayBuffer();
  });
  const bundle = questionnaire();
  const pyodide = await loadPyodide({
    indexURL: pyodideDir.href,
    lockFileURL: new URL("cap-lock.json", pyodideDir).href,
    stdout: () => {},
    stderr: () => {},
    ...(make ? { _makeSnapshot: true } : {}),
  });
  pyodide.FS.writeFile(WHEEL_PATH, new Uint8Array(await wheel));
  pyodide.runPython(PRELOAD);
  const engine = await init(pyodide, make ? "made" : bootKind, bundle);
  if (make) {
    try {
      const bytes = pyodide.makeMemorySnapshot();
      engine.afterReady = () => snapshots.store(bytes, engine.info);
    } catch (err) {
      console.info(`[cap] pas d'instantané du moteur : ${err?.message || err}`);
    }
  }
  pyodide.runPython("import random; random.seed()");
  return engine;
}

async function startFromSnapshot(snapshot) {
  const pyodide = await loadPyodide({
    indexURL: pyodideDir.href,
    lockFileURL: new URL("cap-lock.json", pyodideDir).href,
    stdout: () => {},
    stderr: () => {},
    _loadSnapshot: snapshot.bytes,
  });
  // The snapshot froze Python's random state: draw a new seed from the browser.
  pyodide.runPython("import random; random.seed()");
  const info = JSON.parse(pyodide.runPython(INFO));
  if (snapshot.info && JSON.stringify(info) !== JSON.stringify(snapshot.info)) {
    throw new Error("instantané d'un autre questionnaire");
  }
  return { call: pyodide.pyimport("cap.browser").call, info: { ...info, boot: "restored" } };
}

const snapshots = {
  async read() {
    if (SNAPSHOT === "device") {
      const cache = await caches.open(STORE);
      const hit = await cache.match(storeUrl(SNAPSHOT_KEY));
      if (!hit) return null;
      const info = JSON.parse(hit.headers.get("x-cap-info") || "null");
      const bytes = new Uint8Array(await hit.arrayBuffer());
      if (String(bytes.length) !== hit.headers.get("x-cap-length")) throw new Error("instantané tronqué");
      return { bytes, info };
    }
    if (await this.failedBefore()) return null;
    const response = await fetch(new URL(SNAPSHOT_FILE, pyodideDir));
    if (!response.ok) throw new Error(`instantané introuvable (${response.status})`);
    const plain = response.body.pipeThrough(new DecompressionStream("gzip"));
    const bytes = new Uint8Array(await new Response(plain).arrayBuffer());
    return { bytes, info: null };
  },
  async store(bytes, info) {
    const cache = await caches.open(STORE);
    for (const request of await cache.keys()) await cache.delete(request);
    await cache.put(storeUrl(SNAPSHOT_KEY), new Response(bytes, { headers: {
      "content-type": "application/octet-stream", "x-cap-length": String(bytes.length),
      "x-cap-info": JSON.stringify({ id: info.id, version: info.version, criteria: info.criteria }),
    } }));
    console.info(`[cap] instantané du moteur enregistré (${(bytes.length / 2 ** 20).toFixed(1)} Mio)`);
  },
  // A snapshot that failed is not made or fetched again for this build: a marker remembers it.
  async drop() {
    const cache = await caches.open(STORE);
    await cache.delete(storeUrl(SNAPSHOT_KEY));
    await cache.put(storeUrl(`failed-${SNAPSHOT_KEY}`), new Response(""));
    if (SNAPSHOT === "build") {
      const file = new URL(SNAPSHOT_FILE, pyodideDir).href;
      for (const name of await caches.keys()) {
        if (name.startsWith("cap-en-ligne-")) await (await caches.open(name)).delete(file);
      }
    }
  },
  async failedBefore() {
    try {
      return Boolean(await (await caches.open(STORE)).match(storeUrl(`failed-${SNAPSHOT_KEY}`)));
    } catch {
      return true; // no Cache Storage here: neither make nor keep one
    }
  },
};

// A snapshot just made is written to Cache Storage (30 MB) once the page has its first answer
// and had time to draw it, so that the write does not compete with the first score.
let storeSnapshot = null;
function storeSnapshotSoon(delay) {
  const run = storeSnapshot;
  storeSnapshot = null;
  if (run) {
    setTimeout(() => run().catch((err) => console.info(`[cap] instantané du moteur non enregistré : ${err?.message || err}`)),
      delay);
  }
}

const booting = boot();
booting.then(
  ({ info, afterReady }) => {
    self.postMessage({ id: 0, op: "ready", ok: true, data: info });
    if (afterReady) {
      storeSnapshot = afterReady;
      setTimeout(() => storeSnapshotSoon(0), 10_000); // no request came
    }
  },
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
  storeSnapshotSoon(2_000);
});

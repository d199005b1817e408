// CAP en ligne service worker (generated at build time from site_config/assets/sw-template.js).
// Precaches every file of one build in one cache named by the build's content hash, serves
// from it first, and drops other versions only when a new one takes over: never a mix of old
// and new files. It stores no user data: answers live in localStorage, never in this cache.
const VERSION = "__CAP_VERSION__";
const CACHE = `cap-en-ligne-${VERSION}`;
const FILES = __CAP_FILES__;
const ROOT = new URL("./", self.location).href;

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    // "no-cache": revalidate with the server (a cheap 304 when unchanged), so an old copy in
    // the HTTP cache never slips into the new version.
    await cache.addAll(FILES.map((file) => new Request(new URL(file, ROOT), { cache: "no-cache" })));
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((n) => n.startsWith("cap-en-ligne-") && n !== CACHE).map((n) => caches.delete(n)));
    await self.clients.claim();
  })());
});

self.addEventListener("message", (event) => {
  if (event.data?.type === "SKIP_WAITING") self.skipWaiting();
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || !request.url.startsWith(ROOT)) return;
  // The engine asks the browser's HTTP cache alone for Pyodide's WebAssembly (see worker.js):
  // let it through; when it is not there, the engine asks again and this cache answers.
  if (request.cache === "only-if-cached") return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    let url = request.url.split("#")[0];
    if (url.endsWith("/")) url += "index.html";
    const hit = await cache.match(url, { ignoreSearch: true, ignoreVary: true });
    if (hit) return hit;
    try {
      return await fetch(request);
    } catch (err) {
      if (request.mode === "navigate") {
        const fallback = await cache.match(new URL("index.html", ROOT).href);
        if (fallback) return fallback;
      }
      throw err;
    }
  })());
});

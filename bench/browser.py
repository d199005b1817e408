"""Site benchmark in Chromium: the built assessment page beside a bare page that only boots the same Pyodide.

    .venv/bin/python bench/browser.py [--reps 5] [--rescore 30] [--network 20:40] [--no-offline]

Serves a copy of site/ (site_config.serve) on a free port and a generated bare page on another,
drives Debian's Chromium with Playwright (same executable and flags as tests/e2e/conftest.py) and
measures in one run, `--reps` times each, on a fresh browser profile every time:

- first visit (empty cache), then two repeat visits (reloads in the same profile, each `--settle`
  seconds after the previous score, so that background compilation and caching have finished as
  for a visitor who comes back later): time until the form accepts input, time until the first
  score, and the same for the bare page (ratio, target ≤ 1.15; repeat visit at least 30 % faster);
- offline start (network cut after one visit, reload) when the build has a service worker;
- round trip of a rescore after one answer (target: p95 < 50 ms);
- main-thread long tasks during start-up (PerformanceObserver "longtask", with the scripts that
  the "long-animation-frame" entries name);
- bytes sent by the server (headers + bodies, counted server-side, so workers and the service
  worker are included; compressed sizes when the server compresses);
- memory after the first score: page JS heap, worker JS heaps (CDP), renderer process RSS.

Times are taken inside the page with performance.now(), i.e. from navigation start. The CPU used
by other processes during the run is reported (a busy machine makes every figure slower). Prints
a Markdown table and writes every raw figure to bench/out/browser.json.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from site_config.serve import serve_in_thread  # noqa: E402
from tests.e2e.conftest import ARGS, chromium_path  # noqa: E402

OUT = ROOT / "bench" / "out"
TIMEOUT_MS = 180_000

# ---------------------------------------------------------------------------------------------
# In-page instrumentation (runs before any page script, on every document of the context)

INIT_SCRIPT = r"""
(() => {
  if (window.top !== window) return;
  const B = window.__bench = { marks: {}, longtasks: [], loafs: [], errors: [] };
  B.done = new Promise((resolve) => { B.finish = resolve; });  // awaited once: no polling in the page
  const mark = (k) => {
    if (k in B.marks) return;
    B.marks[k] = performance.now();
    if (k === "first_score" || k === "state_error" || k === "engine_failed") B.finish(k);
  };
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) B.longtasks.push({ start: e.startTime, duration: e.duration, name: e.name,
        attribution: (e.attribution || []).map((a) => ({ type: a.containerType, src: a.containerSrc,
          name: a.containerName })) });
    }).observe({ type: "longtask", buffered: true });
  } catch (e) { B.errors.push("longtask: " + e); }
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) B.loafs.push({ start: e.startTime, duration: e.duration,
        blocking: e.blockingDuration, renderStart: e.renderStart, styleAndLayoutStart: e.styleAndLayoutStart,
        scripts: (e.scripts || []).map((s) => ({ invoker: s.invoker, type: s.invokerType, src: s.sourceURL,
          fn: s.sourceFunctionName, start: s.startTime, duration: s.duration,
          forcedLayout: s.forcedStyleAndLayoutDuration })) });
    }).observe({ type: "long-animation-frame", buffered: true });
  } catch (e) { B.errors.push("loaf: " + e); }

  // The engine's worker: when it is created (app.js is running), when app.js has finished its
  // start-up (the microtask after module evaluation), when the worker says it is ready.
  const NativeWorker = window.Worker;
  window.Worker = function (url, options) {
    const w = new NativeWorker(url, options);
    const href = String(url);
    if (href.includes("assets/cap/worker.js") || href.includes("bare-worker")) {
      mark("worker_created");
      queueMicrotask(() => mark("app_started"));
      w.addEventListener("message", ({ data }) => {
        if (data && data.id === 0) mark(data.ok ? "engine_ready" : "engine_failed");
        if (data && data.id === 0 && data.ok && !B.ready) B.ready = data.data;
        if (data && data.op === "scored") B.bare = data;
      });
    }
    return w;
  };
  window.Worker.prototype = NativeWorker.prototype;

  // The form accepts input, the state flips to ready, the first score is on screen.
  const found = () => {
    if (!("radio" in B.marks)) {
      const radio = document.querySelector("#cap-form input[type=radio]");
      if (radio && !radio.disabled) mark("radio");
    }
  };
  const attrs = (target) => {
    if (target.dataset.state === "ready") mark("state_ready");
    if (target.dataset.state === "error") mark("state_error");
    if (target.dataset.scored !== undefined) mark("first_score");
  };
  const observer = new MutationObserver((records) => {
    for (const r of records) if (r.type === "attributes") attrs(r.target);
    found();
    if ("radio" in B.marks) observer.disconnect(), watchAttributes();
  });
  const watchAttributes = () => new MutationObserver((records) => { for (const r of records) attrs(r.target); })
    .observe(document.documentElement, { attributes: true, subtree: true,
      attributeFilter: ["data-state", "data-scored"] });
  observer.observe(document, { childList: true, subtree: true, attributes: true,
    attributeFilter: ["data-state", "data-scored"] });
  document.addEventListener("DOMContentLoaded", found);
  if (navigator.serviceWorker) {
    navigator.serviceWorker.addEventListener("controllerchange", () => mark("sw_controls"));
    if (navigator.serviceWorker.controller) mark("sw_controlled_at_start");
  }
})();
"""

COLLECT = r"""
() => {
  const B = window.__bench;
  const nav = performance.getEntriesByType("navigation")[0] || {};
  const paint = Object.fromEntries(performance.getEntriesByType("paint").map((p) => [p.name, p.startTime]));
  return { timeOrigin: performance.timeOrigin, marks: B.marks, longtasks: B.longtasks, loafs: B.loafs,
    errors: B.errors, bare: B.bare || null, boot: (B.ready || {}).boot || null,
    nav: { responseStart: nav.responseStart, responseEnd: nav.responseEnd, domInteractive: nav.domInteractive,
           domContentLoaded: nav.domContentLoadedEventEnd, load: nav.loadEventEnd,
           transferSize: nav.transferSize, workerStart: nav.workerStart },
    paint };
}
"""

RESCORE = r"""
async (n) => {
  const root = document.getElementById("cap-app");
  // The guided page lays out one step: answer on the first theme's step, as a user does.
  const first = [...document.querySelectorAll("[data-goto]")].map((a) => a.dataset.goto)
    .find((id) => /^[A-Z]{2,4}-[A-Z]{2,6}$/.test(id));
  if (first && root.dataset.step !== first) {
    document.querySelector(`[data-goto="${first}"]`).click();
    await new Promise((r) => setTimeout(r, 100));
  }
  const scope = document.querySelector(`[data-step-id="${root.dataset.step}"]`) || document;
  const sets = [...scope.querySelectorAll("fieldset.cap-criterion")]
    .filter((f) => !f.classList.contains("is-excluded"));
  const current = () => root.dataset.scored !== undefined && root.dataset.scored === (root.dataset.changes || "0");
  const waitCurrent = () => new Promise((resolve) => {
    if (current()) { resolve(); return; }
    const mo = new MutationObserver(() => { if (current()) { mo.disconnect(); resolve(); } });
    mo.observe(root, { attributes: true, attributeFilter: ["data-scored", "data-changes"] });
  });
  const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
  const pause = (ms) => new Promise((r) => setTimeout(r, ms));
  await waitCurrent();
  const out = [];
  for (let i = 0; i < n; i++) {
    const fs = sets[(i * 7) % sets.length];
    const radios = [...fs.querySelectorAll('input[type=radio]')].filter((r) => /^[1-4]$/.test(r.value) && !r.checked);
    const radio = radios[i % radios.length];
    await pause(40);
    await frame();
    const t0 = performance.now();
    radio.click();
    await waitCurrent();
    const t1 = performance.now();
    await frame();
    out.push({ criterion: fs.dataset.criterion, value: radio.value, scored: t1 - t0, frame: performance.now() - t0 });
  }
  return out;
}
"""

OFFLINE_READY = r"""
async () => {
  if (!navigator.serviceWorker) return false;
  const reg = await navigator.serviceWorker.getRegistration();
  if (!reg || !reg.active || reg.active.state !== "activated" || reg.installing || reg.waiting) return false;
  if (!navigator.serviceWorker.controller) return false;
  const names = (await caches.keys()).filter((n) => n.startsWith("cap-en-ligne-"));
  if (names.length !== 1) return false;
  const cache = await caches.open(names[0]);
  return (await cache.keys()).some((r) => r.url.endsWith("/pyodide.asm.wasm"));
}
"""

STORAGE = r"""
async () => {
  const out = { usage: null, caches: {} };
  try { out.usage = (await navigator.storage.estimate()).usage; } catch (e) { out.error = String(e); }
  try {
    for (const name of await caches.keys()) {
      let bytes = 0;
      const cache = await caches.open(name);
      for (const request of await cache.keys()) bytes += (await (await cache.match(request)).arrayBuffer()).byteLength;
      out.caches[name] = bytes;
    }
  } catch (e) { out.error = String(e); }
  return out;
}
"""

# ---------------------------------------------------------------------------------------------
# The bare page: boots the same Pyodide files with the same options, installs the same wheel,
# loads the same questionnaire, then one init and one score call, exactly as worker.js does.

BARE_HTML = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Pyodide nu</title><link rel="icon" href="data:,"></head>
<body><p>Pyodide nu : démarrage, paquet cap-en-ligne, init, un score.</p>
<script type="module">
const worker = new Worker(new URL("__WORKER__", import.meta.url), { type: "module" });
worker.addEventListener("message", ({ data }) => {
  if (data.op === "scored" || data.op === "failed") document.documentElement.dataset.scored = data.op;
});
</script></body></html>
"""

BARE_WORKER = """import { loadPyodide } from "./__PYODIDE_DIR__/pyodide.mjs";
const root = new URL("./", import.meta.url);
const at = () => performance.timeOrigin + performance.now();
const marks = { worker_start: at() };
try {
  const pyodide = await loadPyodide({
    indexURL: new URL("__PYODIDE_DIR__/", root).href,
    lockFileURL: new URL("__PYODIDE_DIR__/cap-lock.json", root).href,
    stdout: () => {}, stderr: () => {},
  });
  marks.pyodide_loaded = at();
  await pyodide.loadPackage("cap-en-ligne", { messageCallback: () => {} });
  marks.package_loaded = at();
  const bundle = await (await fetch(new URL("assets/cap/questionnaire.json", root))).text();
  const call = pyodide.pyimport("cap.browser").call;
  const init = JSON.parse(call("init", `{"bundle":${bundle}}`));
  if (!init.ok) throw new Error(init.error.message);
  marks.init_done = at();
  self.postMessage({ id: 0, op: "ready", ok: true, data: init.data });
  const stamp = new Date().toISOString().replace(/\\.\\d{3}Z$/, "Z");
  const assessment = { format: "cap-evaluation", format_version: 1,
    questionnaire: { id: init.data.id, version: init.data.version }, id: crypto.randomUUID(), kind: "individual",
    created: stamp, updated: stamp, structure: { name: "", type: null }, respondent: { name: "", role: null },
    answers: {}, targets: {}, importance: {}, indicators: {}, plan: [] };
  const reply = JSON.parse(call("score", JSON.stringify({ assessment })));
  if (!reply.ok) throw new Error(reply.error.message);
  marks.score_done = at();
  const heap = pyodide._module && pyodide._module.HEAPU8 ? pyodide._module.HEAPU8.buffer.byteLength : null;
  self.postMessage({ id: 1, op: "scored", ok: true, marks, wasm_memory: heap });
} catch (err) {
  self.postMessage({ id: 0, op: "failed", ok: false, error: { message: String(err && err.message || err) } });
}
"""

# The bare page as issue 18 defines it: the same Pyodide boots and runs one line of Python (no
# wheel, no questionnaire). The snapshot variants are judged against this one.
BARE_LINE_WORKER = """import { loadPyodide } from "./__PYODIDE_DIR__/pyodide.mjs";
const root = new URL("./", import.meta.url);
try {
  const pyodide = await loadPyodide({
    indexURL: new URL("__PYODIDE_DIR__/", root).href,
    lockFileURL: new URL("__PYODIDE_DIR__/cap-lock.json", root).href,
    stdout: () => {}, stderr: () => {},
  });
  const two = pyodide.runPython("1 + 1");
  self.postMessage({ id: 0, op: "ready", ok: true, data: { two } });
  const heap = pyodide._module && pyodide._module.HEAPU8 ? pyodide._module.HEAPU8.buffer.byteLength : null;
  self.postMessage({ id: 1, op: "scored", ok: true, marks: {}, wasm_memory: heap });
} catch (err) {
  self.postMessage({ id: 0, op: "failed", ok: false, error: { message: String(err && err.message || err) } });
}
"""


def snapshot(source: Path, target: Path) -> Path | None:
    """A copy of the built site, so that a rebuild during the run cannot mix two builds."""
    for _ in range(5):
        needed = [source / "evaluer.html", source / "assets" / "cap" / "app.js"]
        needed += list(source.glob("pyodide/*/pyodide.asm.wasm"))[:1]
        if len(needed) == 3 and all(p.exists() for p in needed):
            try:
                shutil.rmtree(target, ignore_errors=True)
                shutil.copytree(source, target)
                if all((target / p.relative_to(source)).exists() for p in needed):
                    return target
            except (OSError, shutil.Error):
                pass
        time.sleep(3)  # being rebuilt: try again
    return None


def make_bare(site: Path, folder: Path) -> Path:
    (folder / "assets" / "cap").mkdir(parents=True)
    (folder / "pyodide").symlink_to((site / "pyodide").resolve(), target_is_directory=True)
    bundle = site / "assets" / "cap" / "questionnaire.json"
    (folder / "assets" / "cap" / "questionnaire.json").symlink_to(bundle.resolve())
    (folder / "bare.html").write_text(BARE_HTML.replace("__WORKER__", "bare-worker.js"), encoding="utf-8")
    (folder / "bare-line.html").write_text(BARE_HTML.replace("__WORKER__", "bare-worker-line.js"), encoding="utf-8")
    pyodide_dir = next(site.glob("pyodide/*/pyodide.asm.wasm")).parent.relative_to(site).as_posix()
    (folder / "bare-worker.js").write_text(BARE_WORKER.replace("__PYODIDE_DIR__", pyodide_dir), encoding="utf-8")
    (folder / "bare-worker-line.js").write_text(BARE_LINE_WORKER.replace("__PYODIDE_DIR__", pyodide_dir),
                                                encoding="utf-8")
    return folder


# ---------------------------------------------------------------------------------------------
# Server-side byte counting (headers + bodies of every response, whoever asked for it)

class Traffic:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.entries: list[dict[str, Any]] = []
        self.offline = False  # while True, the server drops every connection: the network is cut

    def add(self, entry: dict[str, Any]) -> None:
        with self.lock:
            self.entries.append(entry)

    def mark(self) -> int:
        with self.lock:
            return len(self.entries)

    def since(self, start: int, end: int | None = None) -> list[dict[str, Any]]:
        with self.lock:
            return list(self.entries[start:end])


class Link:
    """An optional slow network, shared by every connection to one server: a bandwidth (token
    bucket) and a delay of one round trip before each response."""

    def __init__(self, mbps: float = 0, rtt_ms: float = 0) -> None:
        self.rate = mbps * 1e6 / 8  # bytes per second; 0 = unlimited
        self.rtt = rtt_ms / 1000
        self.lock = threading.Lock()
        self.free_at = 0.0

    def send(self, size: int) -> None:
        if not self.rate:
            return
        with self.lock:
            start = max(time.monotonic(), self.free_at)
            self.free_at = start + size / self.rate
            wait = self.free_at - time.monotonic()
        if wait > 0:
            time.sleep(wait)


class _CountingWriter:
    def __init__(self, raw: Any, handler: Any, link: Link) -> None:
        self.raw, self.handler, self.link = raw, handler, link

    def write(self, data: bytes) -> int:
        self.handler._bench_bytes += len(data)
        self.link.send(len(data))
        return self.raw.write(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.raw, name)


def count_traffic(server: Any, directory: Path, link: Link) -> Traffic:
    """Swap the server's handler for a subclass that records (path, status, bytes) per response
    (and, with a `link`, sends them at its pace)."""
    traffic = Traffic()
    base = server.RequestHandlerClass.func  # functools.partial(handler, directory=...)

    class Counting(base):  # type: ignore[misc, valid-type]
        def setup(self) -> None:
            super().setup()
            self.wfile = _CountingWriter(self.wfile, self, link)

        def handle_one_request(self) -> None:
            if traffic.offline:
                traffic.add({"path": "(refused: offline)", "status": 0, "bytes": 0, "t": time.time()})
                self.close_connection = True
                return
            self._bench_bytes = 0
            self._bench_status = None
            self._bench_encoding = None
            super().handle_one_request()
            if self._bench_status is not None:
                traffic.add({"path": self.path.split("?")[0], "status": self._bench_status,
                             "bytes": self._bench_bytes, "t": time.time(), "encoding": self._bench_encoding})

        def send_header(self, keyword: str, value: str) -> None:
            if keyword.lower() == "content-encoding":
                self._bench_encoding = value
            super().send_header(keyword, value)

        def send_response(self, code: int, message: str | None = None) -> None:
            if link.rtt:
                time.sleep(link.rtt)
            self._bench_status = code
            super().send_response(code, message)

    server.RequestHandlerClass = functools.partial(Counting, directory=str(directory))
    return traffic


def summarise_traffic(entries: list[dict[str, Any]]) -> dict[str, Any]:
    by_path: dict[str, dict[str, int]] = {}
    for e in entries:
        p = by_path.setdefault(e["path"], {"requests": 0, "bytes": 0, "full": 0, "not_modified": 0})
        p["requests"] += 1
        p["bytes"] += e["bytes"]
        p["full" if e["status"] == 200 else "not_modified" if e["status"] == 304 else "other"] = \
            p.get("full" if e["status"] == 200 else "not_modified" if e["status"] == 304 else "other", 0) + 1
    return {"bytes": sum(e["bytes"] for e in entries), "requests": len(entries),
            "full": sum(1 for e in entries if e["status"] == 200),
            "not_modified": sum(1 for e in entries if e["status"] == 304), "by_path": by_path}


# ---------------------------------------------------------------------------------------------
# Memory: page heap (CDP), worker heaps (CDP, non-flat session), renderer RSS (/proc)

def worker_heaps(page: Any) -> dict[str, Any]:
    cdp = page.context.new_cdp_session(page)
    out: dict[str, Any] = {}
    try:
        cdp.send("Performance.enable")
        metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
        out["page_js_heap_used"] = metrics.get("JSHeapUsedSize")
        out["page_js_heap_total"] = metrics.get("JSHeapTotalSize")
        out["dom_nodes"] = metrics.get("Nodes")
        attached: list[dict[str, Any]] = []
        replies: dict[str, Any] = {}
        def on_message(event: dict[str, Any]) -> None:
            message = json.loads(event["message"])
            if message.get("id") == 7:
                replies[event["sessionId"]] = message

        cdp.on("Target.attachedToTarget", lambda event: attached.append(event))
        cdp.on("Target.receivedMessageFromTarget", on_message)
        cdp.send("Target.setAutoAttach", {"autoAttach": True, "waitForDebuggerOnStart": False, "flatten": False})
        page.wait_for_timeout(300)
        for target in attached:
            cdp.send("Target.sendMessageToTarget", {"sessionId": target["sessionId"],
                                                    "message": json.dumps({"id": 7, "method": "Runtime.getHeapUsage"})})
        deadline = time.monotonic() + 3
        while len(replies) < len(attached) and time.monotonic() < deadline:
            page.wait_for_timeout(50)
        workers = {}
        for target in attached:
            info = target["targetInfo"]
            result = replies.get(target["sessionId"], {}).get("result")
            if result:
                name = info["url"].rsplit("/", 1)[-1]
                workers[f"{info['type']}:{name}"] = {"used": result.get("usedSize"), "total": result.get("totalSize")}
        out["workers"] = workers
    except Exception as exc:  # CDP details vary between Chromium versions: say so, do not fail the run
        out["error"] = f"{type(exc).__name__}: {exc}"[:200]
    finally:
        try:
            cdp.detach()
        except Exception:
            pass
    out["renderer_rss"] = renderer_rss()
    return out


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry))
    return tree


class Neighbours(threading.Thread):
    """CPU time used by processes that are not ours during the run (other tests, builds…): on a
    small machine they make every figure slower and noisier, so the report says how busy it was."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.stop = threading.Event()
        self.others = 0.0  # CPU seconds
        self.started = time.monotonic()
        self.tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

    def _times(self) -> dict[int, float]:
        out = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
                    out[int(entry)] = (int(fields[11]) + int(fields[12])) / self.tick
                except (OSError, IndexError, ValueError):
                    continue
        return out

    def run(self) -> None:
        if not Path("/proc/self/stat").exists():
            return
        before = self._times()
        while not self.stop.wait(1.0):
            now = self._times()
            tree, mine, stack = _children(), set(), [os.getpid()]
            while stack:
                pid = stack.pop()
                mine.add(pid)
                stack.extend(tree.get(pid, []))
            self.others += sum(max(0.0, t - before.get(pid, t)) for pid, t in now.items() if pid not in mine)
            before = now

    def average(self) -> float:
        return self.others / max(1e-9, time.monotonic() - self.started)


def chromium_cpu() -> float:
    """CPU seconds used so far by our Chromium processes (browser, renderers, GPU, network…): the
    work a visit costs, which other processes' load does not inflate as it does wall time."""
    if not Path("/proc/self/stat").exists():
        return 0.0
    tick = os.sysconf("SC_CLK_TCK")
    tree, stack, total = _children(), [os.getpid()], 0.0
    while stack:
        pid = stack.pop()
        stack.extend(tree.get(pid, []))
        try:
            if b"chrom" not in Path(f"/proc/{pid}/cmdline").read_bytes()[:200]:
                continue
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
        except (OSError, IndexError, ValueError):
            continue
    return total


def renderer_rss() -> int | None:
    """RSS of the largest renderer process among our descendants (the page, its workers and the
    Pyodide WebAssembly memory live there)."""
    if not Path("/proc").is_dir():
        return None
    tree = _children()
    stack, best = [os.getpid()], None
    while stack:
        pid = stack.pop()
        stack.extend(tree.get(pid, []))
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
            if b"--type=renderer" not in cmd or b"--extension-process" in cmd:
                continue
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1]) * 1024
                    best = rss if best is None or rss > best else best
        except OSError:
            continue
    return best


# ---------------------------------------------------------------------------------------------
# Driving the browser

class Profiles:
    """A fresh browser profile per repetition: a persistent context in a new temporary folder
    (disk cache, as a real visitor has) or, with --incognito, a new context of one browser."""

    def __init__(self, playwright: Any, executable: str, incognito: bool) -> None:
        self.pw, self.executable, self.incognito = playwright, executable, incognito
        self.browser = playwright.chromium.launch(executable_path=executable, args=ARGS) if incognito else None

    def open(self) -> tuple[Any, Any, Any]:
        options = {"locale": "fr-FR", "viewport": {"width": 1280, "height": 900}}
        if self.incognito:
            context = self.browser.new_context(**options)
            tmp = None
        else:
            tmp = tempfile.TemporaryDirectory(prefix="cap-bench-profile-")
            context = self.pw.chromium.launch_persistent_context(tmp.name, executable_path=self.executable, args=ARGS,
                                                                 **options)
        context.add_init_script(INIT_SCRIPT)
        page = context.pages[0] if context.pages else context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
        page.bench_errors = errors
        return context, page, tmp

    def close(self, context: Any, tmp: Any) -> None:
        context.close()
        if tmp is not None:
            tmp.cleanup()

    def shutdown(self) -> None:
        if self.browser is not None:
            self.browser.close()


def wait_first_score(page: Any, on_done: Any = None) -> dict[str, Any]:
    """Await the page's own promise (resolved by its observers), so that waiting adds no work
    to the page being measured; a timer only for the timeout."""
    page.wait_for_function("() => Boolean(window.__bench)", timeout=30_000)
    outcome = page.evaluate(f"() => Promise.race([window.__bench.done, new Promise((r) => "
                            f"setTimeout(() => r('timeout'), {TIMEOUT_MS}))])")
    extra = on_done() if on_done else None
    if outcome != "first_score":
        raise RuntimeError(f"the engine did not start: {page.evaluate('() => window.__bench.marks')} "
                           f"{getattr(page, 'bench_errors', [])[:3]}")
    page.wait_for_timeout(300)  # let the long-task and animation-frame observers deliver
    data = page.evaluate(COLLECT)
    if extra is not None:
        data.update(extra)
    return data


def visit(page: Any, url: str, traffic: Traffic, reload: bool = False) -> dict[str, Any]:
    start = traffic.mark()
    cpu = chromium_cpu()
    if reload:
        page.reload(wait_until="commit")
    else:
        page.goto(url, wait_until="commit")
    data = wait_first_score(page, lambda: {"cpu_s": chromium_cpu() - cpu})
    data["traffic_to_first_score"] = traffic_until_score(traffic, start, data)
    data["_traffic_start"] = start
    return data


def traffic_until_score(traffic: Traffic, start: int, data: dict[str, Any]) -> dict[str, Any]:
    """Responses completed before the first score was on screen (same clock: the machine's)."""
    limit = (data["timeOrigin"] + data["marks"]["first_score"]) / 1000
    return summarise_traffic([e for e in traffic.since(start) if e["t"] <= limit])


def run_site(profiles: Profiles, url: str, traffic: Traffic, rescore: int, offline: bool,
             has_sw: bool, settle: float) -> dict[str, Any]:
    context, page, tmp = profiles.open()
    out: dict[str, Any] = {}
    try:
        first = visit(page, url + "evaluer.html", traffic)
        first["memory"] = worker_heaps(page)
        has_sw = has_sw and page.evaluate("() => 'serviceWorker' in navigator")
        out["service_worker"] = bool(has_sw)
        if has_sw:
            # page.wait_for_function does not await a promise (an async predicate is always
            # truthy), so poll from here: evaluate() does await it.
            deadline = time.monotonic() + TIMEOUT_MS / 1000
            while not page.evaluate(OFFLINE_READY) and time.monotonic() < deadline:
                page.wait_for_timeout(250)
            if page.evaluate(OFFLINE_READY):
                first["sw_controls"] = page.evaluate("() => window.__bench.marks.sw_controls ?? null")
            else:
                first["sw_error"] = "the service worker did not take control with the whole build precached"
        page.wait_for_timeout(settle * 1000)
        first["storage"] = page.evaluate(STORAGE)
        first["traffic_total"] = summarise_traffic(traffic.since(first.pop("_traffic_start")))
        out["first"] = first
        for phase in ("repeat", "repeat2"):
            if phase == "repeat2":
                page.wait_for_timeout(settle * 1000)
            out[phase] = visit(page, url + "evaluer.html", traffic, reload=True)
            out[phase].pop("_traffic_start")
        if rescore:
            samples = page.evaluate(RESCORE, rescore + 3)
            out["rescore"] = samples[3:]  # the first three warm the path up
        if offline and has_sw and "sw_error" not in first:
            start = traffic.mark()
            context.set_offline(True)
            traffic.offline = True  # Chromium's own service-worker update check ignores set_offline
            try:
                page.reload(wait_until="commit")
                data = wait_first_score(page)
                data["traffic_to_first_score"] = traffic_until_score(traffic, start, data)
                out["offline"] = data
            except Exception as exc:
                out["offline"] = {"error": str(exc)[:300]}
            finally:
                traffic.offline = False
                context.set_offline(False)
        out["console_errors"] = page.bench_errors
    finally:
        profiles.close(context, tmp)
    return out


def run_bare(profiles: Profiles, url: str, traffic: Traffic, settle: float, name: str = "bare.html") -> dict[str, Any]:
    context, page, tmp = profiles.open()
    try:
        first = visit(page, url + name, traffic)
        first.pop("_traffic_start")
        first["memory"] = worker_heaps(page)
        out = {"first": first}
        for phase in ("repeat", "repeat2"):
            page.wait_for_timeout(settle * 1000)
            if phase == "repeat":
                first["storage"] = page.evaluate(STORAGE)
            out[phase] = visit(page, url + name, traffic, reload=True)
            out[phase].pop("_traffic_start")
        out["console_errors"] = page.bench_errors
        return out
    finally:
        profiles.close(context, tmp)


# ---------------------------------------------------------------------------------------------
# Report

def med(values: list[float | None]) -> float | None:
    vals = [v for v in values if v is not None]
    return statistics.median(vals) if vals else None


def p95(values: list[float]) -> float | None:
    """Nearest-rank 95th percentile."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, -(-len(ordered) * 95 // 100) - 1)]


def ms(v: float | None) -> str:
    return "–" if v is None else f"{v:,.0f} ms".replace(",", " ")


def spread(values: list[float | None]) -> str:
    vals = [v for v in values if v is not None]
    if len(vals) < 2:
        return ms(vals[0]) if vals else "–"
    return f"{ms(statistics.median(vals))} ({min(vals):.0f}–{max(vals):.0f})"


def mib(v: float | None) -> str:
    return "–" if v is None else f"{v / 2**20:.1f} MiB"


def ok(flag: bool | None) -> str:
    return "–" if flag is None else ("yes" if flag else "**NO**")


def form_ready(d: dict[str, Any]) -> float | None:
    """The form accepts input: a radio is in the DOM and enabled, and app.js has attached its
    handlers and restored saved answers (before that, app.js's form.reset() would undo a click)."""
    m = d["marks"]
    if "radio" not in m or "app_started" not in m:
        return None
    return max(m["radio"], m["app_started"])


def column(rows: list[dict[str, Any]], phase: str, fn: Any) -> list[float | None]:
    out = []
    for r in rows:
        d = r.get(phase)
        try:
            out.append(fn(d) if d and "marks" in d else None)
        except (KeyError, TypeError):
            out.append(None)
    return out


def mark(name: str) -> Any:
    return lambda d: d["marks"].get(name)


def short(url: str | None) -> str:
    return (url or "").split("?")[0].rsplit("/", 1)[-1] or "(inline)"


def overlapping_scripts(task: dict[str, Any], d: dict[str, Any]) -> list[dict[str, Any]]:
    end = task["start"] + task["duration"]
    return [s for loaf in d.get("loafs", []) if loaf["start"] <= task["start"] + 1
            and loaf["start"] + loaf["duration"] >= end - 1 for s in loaf["scripts"]]


def engine_task(task: dict[str, Any], d: dict[str, Any]) -> bool:
    """A main-thread long task the engine can be blamed for: Pyodide's own files or engine.js
    run in it, or it comes after the engine said it was ready (its replies being handled)."""
    if any("/pyodide/" in (s.get("src") or "") or (s.get("src") or "").endswith("engine.js")
           for s in overlapping_scripts(task, d)):
        return True
    ready = d["marks"].get("engine_ready")
    return ready is not None and task["start"] >= ready - 1


def classify(task: dict[str, Any], d: dict[str, Any]) -> str:
    """Where a main-thread long task sits, and what the matching long animation frame names."""
    m, nav = d["marks"], d["nav"]
    end = task["start"] + task["duration"]
    if nav.get("domContentLoaded") and end <= nav["domContentLoaded"] + 1:
        phase = "before DOMContentLoaded"
    elif m.get("engine_ready") is not None and task["start"] >= m["engine_ready"] - 1:
        phase = "after engine ready (results rendering)"
    else:
        phase = "around DOMContentLoaded"
    parts = []
    for loaf in d.get("loafs", []):
        if loaf["start"] <= task["start"] + 1 and loaf["start"] + loaf["duration"] >= end - 1:
            for s in loaf["scripts"]:
                if s["duration"] >= 5:
                    invoker = s["invoker"] or s["type"]
                    if invoker.startswith("http"):
                        invoker = short(invoker)
                    else:
                        invoker = invoker.replace(short(s.get("src")), "").strip(".") or invoker
                    parts.append(f"{short(s.get('src'))} ({invoker}) {s['duration']:.0f} ms")
            if loaf.get("styleAndLayoutStart"):
                layout = loaf["start"] + loaf["duration"] - loaf["styleAndLayoutStart"]
                if layout >= 5:
                    parts.append(f"style and layout {layout:.0f} ms")
    if not parts:
        parts.append("no script named: HTML parsing, style or layout")
    blame = " **(engine)**" if engine_task(task, d) else ""
    return f"{phase}{blame}: {', '.join(parts[:4])}"


def traffic_cell(rows: list[dict[str, Any]], phase: str, key: str) -> str:
    vals = [r[phase][key] for r in rows if r.get(phase) and key in r[phase]]
    if not vals:
        return "–"
    size = statistics.median(v["bytes"] for v in vals)
    text = f"{size / 2**20:.2f} MiB" if size >= 2**20 / 10 else f"{size / 1024:.1f} KiB"
    full = statistics.median(v["full"] for v in vals)
    revalidated = statistics.median(v["not_modified"] for v in vals)
    refused = statistics.median(v["by_path"].get("(refused: offline)", {}).get("requests", 0) for v in vals)
    other = statistics.median(v["requests"] - v["full"] - v["not_modified"] for v in vals) - refused
    detail = (f"{full:.0f} × 200, {revalidated:.0f} × 304" + (f", {other:.0f} other status" if other else "")
              + (f", {refused:.0f} refused (network cut)" if refused else ""))
    return f"{text} ({detail})"


def report(results: dict[str, Any]) -> str:
    site, bare, meta = results["site"], results["bare"], results["meta"]
    lines = [f"### CAP en ligne: browser benchmark ({meta['date']})", ""]
    profile = "incognito contexts (memory cache)" if meta["incognito"] else "a fresh browser profile per repetition"
    packing = "compression: " + ", ".join(meta["compressed"]) if meta["compressed"] else "no compression"
    lines.append(f"Chromium {meta['chromium']} driven by Playwright with the flags of tests/e2e/conftest.py; "
                 f"{meta['cpus']} CPU; {profile}; {meta['reps']} repetitions of each visit; repeat visits = reloads "
                 f"{meta['settle']:g} s after the previous first score; local server (site_config.serve, "
                 f"{packing}); network: "
                 f"{meta['network']}{'' if meta['service_worker'] else '; service worker left out (--without-sw)'}. "
                 "Times from navigation start: median (min–max).")
    others = meta.get("other_processes_cpu") or 0
    lines.append(f"Other processes on the machine used {others:.2f} CPU on average during the run.")
    if others > 0.25:
        lines += ["", f"**Warning**: the machine was busy ({others:.1f} of {meta['cpus']} CPU taken by other processes "
                      "on average): times are inflated and noisy; run again on a quiet machine before quoting them."]
    lines += ["", "| measure | assessment page | bare Pyodide | ratio | target | met |", "|---|---|---|---|---|---|"]

    first_site, first_bare = column(site, "first", mark("first_score")), column(bare, "first", mark("first_score"))
    rep_site, rep_bare = column(site, "repeat", mark("first_score")), column(bare, "repeat", mark("first_score"))
    rep2_site, rep2_bare = column(site, "repeat2", mark("first_score")), column(bare, "repeat2", mark("first_score"))

    def ratio(a: list[float | None], b: list[float | None]) -> float | None:
        return med(a) / med(b) if med(a) and med(b) else None

    def faster(first: list[float | None], repeat: list[float | None]) -> float | None:
        return 1 - med(repeat) / med(first) if med(repeat) and med(first) else None

    r1, r2, r3 = ratio(first_site, first_bare), ratio(rep_site, rep_bare), ratio(rep2_site, rep2_bare)
    g1, g2 = faster(first_site, rep_site), faster(first_bare, rep_bare)
    g3, g4 = faster(first_site, rep2_site), faster(first_bare, rep2_bare)
    fmt_ratio = lambda r: "–" if r is None else f"{r:.2f}"  # noqa: E731
    fmt_gain = lambda g: "–" if g is None else f"{g * 100:.0f} % faster"  # noqa: E731

    lines.append(f"| form accepts input, first visit | {spread(column(site, 'first', form_ready))} | | | | |")
    lines.append(f"| form accepts input, repeat visit | {spread(column(site, 'repeat', form_ready))} | | | | |")
    ready_site, ready_bare = column(site, "first", mark("engine_ready")), column(bare, "first", mark("engine_ready"))
    lines.append(f"| engine ready, first visit | {spread(ready_site)} | {spread(ready_bare)} | "
                 f"{fmt_ratio(ratio(ready_site, ready_bare))} | | |")
    lines.append(f"| **first score, first visit** | {spread(first_site)} | {spread(first_bare)} | {fmt_ratio(r1)} | "
                 f"≤ 1.15 | {ok(None if r1 is None else r1 <= 1.15)} |")
    lines.append(f"| **first score, repeat visit** | {spread(rep_site)} | {spread(rep_bare)} | {fmt_ratio(r2)} | "
                 f"≤ 1.15 | {ok(None if r2 is None else r2 <= 1.15)} |")
    lines.append(f"| first score, second repeat visit | {spread(rep2_site)} | {spread(rep2_bare)} | {fmt_ratio(r3)} | "
                 f"≤ 1.15 | {ok(None if r3 is None else r3 <= 1.15)} |")
    lines.append(f"| repeat visit vs first (first score) | {fmt_gain(g1)} | {fmt_gain(g2)} | | ≥ 30 % faster | "
                 f"{ok(None if g1 is None else g1 >= 0.30)} |")
    lines.append(f"| second repeat visit vs first | {fmt_gain(g3)} | {fmt_gain(g4)} | | ≥ 30 % faster | "
                 f"{ok(None if g3 is None else g3 >= 0.30)} |")

    def cpu(rows: list[dict[str, Any]]) -> str:
        parts = [ms(med(column(rows, phase, lambda d: d["cpu_s"] * 1000))) for phase in ("first", "repeat", "repeat2")]
        return " / ".join(parts)

    cpu_ratio = ratio(column(site, "first", lambda d: d["cpu_s"]), column(bare, "first", lambda d: d["cpu_s"]))
    lines.append(f"| Chromium CPU time until first score, first / repeat / second repeat visit (all its processes: "
                 f"unlike wall time, not inflated by other load) | {cpu(site)} | {cpu(bare)} | "
                 f"{fmt_ratio(cpu_ratio)} (first) | | |")

    offline = [r.get("offline") for r in site]
    if any(o and "marks" in o for o in offline):
        off = column(site, "offline", mark("first_score"))
        worked = sum(v is not None for v in off)
        lines.append(f"| first score, offline start (network cut, reload) | {spread(off)}; "
                     f"{traffic_cell(site, 'offline', 'traffic_to_first_score')} | n/a | | works | "
                     f"{ok(worked == len(site))} ({worked}/{len(site)}) |")
    elif not any(r.get("service_worker") for r in site):
        lines.append("| first score, offline start | not measured: no service worker in this build | | | works | – |")
    else:
        why = next((str(o.get("error"))[:100] for o in offline if o and o.get("error")), None)
        why = why or next((str(r["first"].get("sw_error"))[:100] for r in site if r["first"].get("sw_error")), "?")
        lines.append(f"| first score, offline start | failed: {why} | | | works | **NO** |")

    resc = [s["scored"] for r in site for s in r.get("rescore", [])]
    frame = [s["frame"] for r in site for s in r.get("rescore", [])]
    lines.append(f"| rescore round trip after one answer ({len(resc)} samples) | p50 {ms(med(resc))}, "
                 f"p95 {ms(p95(resc))} (to next frame: p50 {ms(med(frame))}, p95 {ms(p95(frame))}) | | | "
                 f"p95 < 50 ms | {ok(None if not resc else p95(resc) < 50)} |")

    def tasks(rows: list[dict[str, Any]], phase: str) -> str:
        counts = column(rows, phase, lambda d: len(d["longtasks"]))
        longest = column(rows, phase, lambda d: max((t["duration"] for t in d["longtasks"]), default=0))
        if med(counts) is None:
            return "–"
        return f"{med(counts):.0f} / {ms(med(longest))} (worst {ms(max(v for v in longest if v is not None))})"

    blamed = [(t["duration"], phase) for r in site for phase in ("first", "repeat", "repeat2", "offline")
              if r.get(phase) and "longtasks" in r[phase] for t in r[phase]["longtasks"] if engine_task(t, r[phase])]
    lines.append(f"| main-thread long tasks until first score, first visit: count / longest | {tasks(site, 'first')} | "
                 f"{tasks(bare, 'first')} | | | |")
    lines.append(f"| of which caused by Pyodide or the engine (its scripts, or after engine ready), all visits | "
                 f"{len(blamed)}" + (f" (longest {max(blamed)[0]:.0f} ms)" if blamed else "") + " | | | "
                 f"no task over 50 ms caused by Pyodide | {ok(not blamed)} |")
    lines.append(f"| main-thread long tasks until first score, repeat visit | {tasks(site, 'repeat')} | "
                 f"{tasks(bare, 'repeat')} | | | |")
    until = "traffic_to_first_score"
    lines.append(f"| bytes served, first visit until first score | {traffic_cell(site, 'first', until)}"
                 f" | {traffic_cell(bare, 'first', until)} | | | |")
    if any(r.get("service_worker") for r in site):
        sw = column(site, "first", lambda d: d.get("sw_controls"))
        lines.append(f"| bytes served, first visit including the offline precache | "
                     f"{traffic_cell(site, 'first', 'traffic_total')}; offline-ready at {spread(sw)} | | | | |")
    lines.append(f"| bytes served, repeat visit until first score | {traffic_cell(site, 'repeat', until)}"
                 f" | {traffic_cell(bare, 'repeat', until)} | | | |")

    def memory(rows: list[dict[str, Any]], fn: Any) -> str:
        vals = []
        for r in rows:
            try:
                vals.append(fn(r["first"]["memory"]))
            except (KeyError, TypeError, StopIteration):
                continue
        return mib(med(vals))

    def worker(suffix: str) -> Any:
        return lambda m: next(w["used"] for k, w in m["workers"].items()
                              if k.startswith("worker:") and k.endswith(suffix))

    lines.append(f"| memory after first score: page JS heap | {memory(site, lambda m: m['page_js_heap_used'])} | "
                 f"{memory(bare, lambda m: m['page_js_heap_used'])} | | | |")
    lines.append(f"| memory after first score: engine worker JS heap | {memory(site, worker(':worker.js'))} | "
                 f"{memory(bare, worker(':bare-worker.js'))} | | | |")
    search = memory(site, worker(".min.js"))
    if search != "–":
        lines.append(f"| memory after first score: MkDocs search worker JS heap | {search} | – | | | |")
    wasm = [(r["first"].get("bare") or {}).get("wasm_memory") for r in bare]
    lines.append(f"| memory after first score: renderer process RSS (page, workers, wasm) | "
                 f"{memory(site, lambda m: m['renderer_rss'])} | {memory(bare, lambda m: m['renderer_rss'])} "
                 f"(of which Pyodide wasm memory {mib(med(wasm))}) | | | |")
    lines.append("")

    lines += ["Where the time goes, first visit (medians, ms from navigation start):", "",
              "| milestone | assessment page | bare Pyodide |", "|---|---|---|"]
    milestones = [("HTML received (responseEnd)", lambda d: d["nav"].get("responseEnd")),
                  ("first contentful paint", lambda d: d["paint"].get("first-contentful-paint")),
                  ("first radio in the DOM", mark("radio")),
                  ("engine worker created (app.js running)", mark("worker_created")),
                  ("app.js start-up done", mark("app_started")),
                  ("DOMContentLoaded done", lambda d: d["nav"].get("domContentLoaded")),
                  ("engine ready (worker message)", mark("engine_ready")),
                  ("first score on screen", mark("first_score")),
                  ("worker created → engine ready",
                   lambda d: d["marks"]["engine_ready"] - d["marks"]["worker_created"]),
                  ("engine ready → first score", lambda d: d["marks"]["first_score"] - d["marks"]["engine_ready"])]
    for label, fn in milestones:
        lines.append(f"| {label} | {ms(med(column(site, 'first', fn)))} | {ms(med(column(bare, 'first', fn)))} |")
    bare_marks = [(r["first"].get("bare") or {}).get("marks") for r in bare]
    bare_marks = [m for m in bare_marks if m]
    if bare_marks:
        def span(a: str, b: str) -> float | None:
            return med([m[b] - m[a] for m in bare_marks if a in m and b in m])
        lines.append(f"| in the bare worker: loadPyodide, loadPackage, fetch + init, score | | "
                     f"{ms(span('worker_start', 'pyodide_loaded'))}, {ms(span('pyodide_loaded', 'package_loaded'))}, "
                     f"{ms(span('package_loaded', 'init_done'))}, {ms(span('init_done', 'score_done'))} |")
    lines.append("")

    lines += ["Main-thread long tasks (> 50 ms) until the first score, every visit (the engine runs in a worker: "
              "none of these is Python):", "", "| page | visit | rep | start | duration | where, and the scripts the "
              "long animation frame names |", "|---|---|---|---|---|---|"]
    count = 0
    for name, rows in (("assessment", site), ("bare", bare)):
        for phase in ("first", "repeat", "repeat2", "offline"):
            for n, r in enumerate(rows, 1):
                d = r.get(phase)
                for t in (d or {}).get("longtasks", []):
                    count += 1
                    lines.append(f"| {name} | {phase} | {n} | {t['start']:.0f} ms | {t['duration']:.0f} ms | "
                                 f"{classify(t, d)} |")
    if not count:
        lines.append("| – | – | – | – | – | none |")
    lines.append("")
    first = site[0]["first"]
    top = sorted(first.get("traffic_total", first["traffic_to_first_score"])["by_path"].items(),
                 key=lambda kv: -kv[1]["bytes"])[:8]
    lines.append("Largest transfers on the first visit of repetition 1: "
                 + "; ".join(f"{p} {v['bytes'] / 1024:,.0f} KiB ({v['requests']} req.)".replace(",", " ")
                             for p, v in top)
                 + ".")
    errors = sorted({e for r in site + bare for e in r.get("console_errors", [])})
    if errors:
        lines += ["", "Console errors: " + " | ".join(e[:160] for e in errors[:5])]
    return "\n".join(lines)


def report_variants(results: dict[str, Any]) -> str:
    """The snapshot builds beside the page without one and the two bare pages, and issue 18's rule:
    keep a snapshot when its repeat visit's first score is ≤ 0.6 × the bare page's (one line of
    Python; repeat visit against repeat visit), its first visit is no more than 10 % slower than
    the page without a snapshot, and it costs ≤ 10 % more bytes (made on the device) or ≤ 30 %
    (made at build time) on a first visit, the offline precache included."""
    pages = {"page, no snapshot": results["site"], "bare Pyodide, one line": results["bare_line"],
             "bare Pyodide + package + init + score": results["bare"], **results["variants"]}
    first_score = mark("first_score")
    lines = ["Memory snapshots (issue 18), same run: medians (min–max)", "",
             "| page | boot (first / repeat) | first score, first visit | repeat visit | second repeat | "
             "bytes until first score, first visit | bytes, first visit with precache | bytes, repeat visit | "
             "storage after first visit (of which snapshot) | renderer RSS | engine worker heap | "
             "Chromium CPU until first score, first / repeat visit |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]

    def size(v: float | None) -> str:
        return "–" if v is None else f"{v / 2**20:.2f} MiB"

    def total(rows: list[dict[str, Any]], phase: str, key: str) -> float | None:
        return med([r[phase][key]["bytes"] for r in rows if r.get(phase) and key in r[phase]])

    def boots(rows: list[dict[str, Any]], phase: str) -> str:
        kinds = sorted({str(r[phase].get("boot")) for r in rows if r.get(phase)})
        return "/".join(kinds) if kinds != ["None"] else "–"

    def storage(rows: list[dict[str, Any]]) -> str:
        usage = med([(r["first"].get("storage") or {}).get("usage") for r in rows])
        snap = med([sum(v for k, v in ((r["first"].get("storage") or {}).get("caches") or {}).items()
                        if k == "cap-engine-snapshot") for r in rows])
        return f"{size(usage)} ({size(snap)})"

    def heap(rows: list[dict[str, Any]]) -> float | None:
        vals = []
        for r in rows:
            workers = ((r["first"].get("memory") or {}).get("workers") or {})
            vals += [w["used"] for k, w in workers.items() if "worker" in k and not k.endswith(".min.js")][:1]
        return med(vals)

    for label, rows in pages.items():
        if not rows:
            continue
        lines.append(f"| {label} | {boots(rows, 'first')} / {boots(rows, 'repeat')} | "
                     f"{spread(column(rows, 'first', first_score))} | {spread(column(rows, 'repeat', first_score))} | "
                     f"{spread(column(rows, 'repeat2', first_score))} | "
                     f"{size(total(rows, 'first', 'traffic_to_first_score'))} | "
                     f"{size(total(rows, 'first', 'traffic_total'))} | "
                     f"{size(total(rows, 'repeat', 'traffic_to_first_score'))} | {storage(rows)} | "
                     f"{mib(med([((r['first'].get('memory') or {}).get('renderer_rss')) for r in rows]))} | "
                     f"{mib(heap(rows))} | {ms(med(column(rows, 'first', lambda d: d['cpu_s'] * 1000)))} / "
                     f"{ms(med(column(rows, 'repeat', lambda d: d['cpu_s'] * 1000)))} |")
    lines += ["", "Decision rule (issue 18): repeat visit ≤ 0.6 × the one-line bare page's repeat visit; first visit "
              "≤ 1.10 × the page without a snapshot; first-visit bytes (precache included; without a service worker, "
              "until the first score) ≤ 1.10 × (device) or 1.30 × (build) the page's.", "",
              "| variant | repeat / bare repeat | first / page first | bytes / page bytes | keep? |",
              "|---|---|---|---|---|"]
    bare_rep = med(column(results["bare_line"], "repeat", first_score))
    page_first = med(column(results["site"], "first", first_score))
    key = "traffic_total" if any("traffic_total" in (r.get("first") or {}) for r in results["site"]) \
        else "traffic_to_first_score"
    page_bytes = total(results["site"], "first", key)
    for label, rows in results["variants"].items():
        rep, first, nbytes = med(column(rows, "repeat", first_score)), med(column(rows, "first", first_score)), \
            total(rows, "first", key)
        limit = 1.30 if "build" in label else 1.10
        checks = [None if not (rep and bare_rep) else rep / bare_rep,
                  None if not (first and page_first) else first / page_first,
                  None if not (nbytes and page_bytes) else nbytes / page_bytes]
        passed = [c is not None and c <= bound for c, bound in zip(checks, (0.6, 1.10, limit), strict=True)]
        cells = [("–" if c is None else f"{c:.2f}") + f" (≤ {bound:.2f}: {ok(flag)})"
                 for c, bound, flag in zip(checks, (0.6, 1.10, limit), passed, strict=True)]
        lines.append(f"| {label} | {' | '.join(cells)} | {'**yes**' if all(passed) else 'no'} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5, help="repetitions of each visit (default 5)")
    parser.add_argument("--rescore", type=int, default=30, help="rescore samples in all (default 30)")
    parser.add_argument("--incognito", action="store_true",
                        help="new incognito contexts of one browser instead of fresh persistent profiles "
                             "(in-memory cache: big files such as the wasm may not be cached)")
    parser.add_argument("--no-offline", action="store_true", help="skip the offline start")
    parser.add_argument("--settle", type=float, default=5.0,
                        help="seconds to leave the first visit running before the repeat visit, on both pages "
                             "(background compilation and caching finish, as for a visitor who comes back later)")
    parser.add_argument("--network", default="", metavar="MBPS[:RTT_MS]",
                        help="slow the local server down, e.g. 20:40 (20 Mbit/s shared, 40 ms per request); "
                             "default: full local speed")
    parser.add_argument("--without-sw", action="store_true",
                        help="diagnosis: serve the site without its service worker (sw.js left out of the copy)")
    parser.add_argument("--site", default=str(ROOT / "site"))
    parser.add_argument("--variant", action="append", default=[], metavar="LABEL=DIR",
                        help="another build of the site measured in the same run (e.g. a memory-snapshot build: "
                             "CAP_SNAPSHOT=device mkdocs build -d DIR); adds the one-line bare page and a table "
                             "with issue 18's decision rule")
    parser.add_argument("--bare-line", action="store_true",
                        help="also measure the bare page that only boots Pyodide and runs one line")
    parser.add_argument("--out", default=str(OUT / "browser.json"))
    args = parser.parse_args(argv)

    mbps, _, rtt = args.network.partition(":")
    link = Link(float(mbps or 0), float(rtt or 0))
    executable = chromium_path()
    if executable is None:
        print("Chromium introuvable (apt-get install chromium, ou CHROMIUM_PATH).", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    started = time.monotonic()
    neighbours = Neighbours()
    neighbours.start()
    per_rep = [args.rescore // args.reps + (1 if i < args.rescore % args.reps else 0) for i in range(args.reps)]
    with tempfile.TemporaryDirectory(prefix="cap-bench-") as tmp:
        site = snapshot(Path(args.site), Path(tmp) / "site")
        if site is None:
            print("Site absent ou incomplet : lancez d'abord « make build ».", file=sys.stderr)
            return 2
        if args.without_sw:
            (site / "sw.js").unlink(missing_ok=True)
        bare_dir = make_bare(site, Path(tmp) / "bare")
        site_server, site_url = serve_in_thread(site)
        bare_server, bare_url = serve_in_thread(bare_dir)
        site_traffic = count_traffic(site_server, site, link)
        bare_traffic = count_traffic(bare_server, bare_dir, link)
        variants: dict[str, tuple[Any, str, Traffic]] = {}
        servers = []
        for spec in args.variant:
            label, _, folder = spec.partition("=")
            copy = snapshot(Path(folder), Path(tmp) / f"variant-{label}")
            if not label or copy is None:
                print(f"Variante invalide ou site incomplet : {spec}", file=sys.stderr)
                return 2
            server, url = serve_in_thread(copy)
            servers.append(server)
            variants[label] = (server, url, count_traffic(server, copy, link))
        bare_line = args.bare_line or bool(variants)
        results: dict[str, Any] = {"site": [], "bare": [], "bare_line": [], "variants": {k: [] for k in variants}}
        try:
            with sync_playwright() as p:
                profiles = Profiles(p, executable, args.incognito)
                try:
                    for i in range(args.reps):
                        # alternate the order so that drift (thermal, caches) does not favour one page
                        order = ["site", "bare"] + (["bare_line"] if bare_line else []) + list(variants)
                        shift = i % len(order)
                        order = order[shift:] + order[:shift]
                        for which in order:
                            if which in variants:
                                _, v_url, v_traffic = variants[which]
                                results["variants"][which].append(run_site(profiles, v_url, v_traffic, 0, False,
                                                                           True, args.settle))
                            elif which == "bare_line":
                                results["bare_line"].append(run_bare(profiles, bare_url, bare_traffic, args.settle,
                                                                     "bare-line.html"))
                            elif which == "site":
                                results["site"].append(run_site(profiles, site_url, site_traffic, per_rep[i],
                                                                not args.no_offline, (site / "sw.js").exists(),
                                                                args.settle))
                            else:
                                results["bare"].append(run_bare(profiles, bare_url, bare_traffic, args.settle))
                        print(f"repetition {i + 1}/{args.reps}: first score "
                              f"{results['site'][-1]['first']['marks']['first_score']:.0f} ms (page) / "
                              f"{results['bare'][-1]['first']['marks']['first_score']:.0f} ms (bare)", file=sys.stderr)
                    version = profiles.browser.version if profiles.browser else None
                finally:
                    profiles.shutdown()
                if version is None:
                    b = p.chromium.launch(executable_path=executable, args=ARGS)
                    version = b.version
                    b.close()
        finally:
            site_server.shutdown()
            bare_server.shutdown()
            for server in servers:
                server.shutdown()
    neighbours.stop.set()
    results["meta"] = {"date": time.strftime("%Y-%m-%d %H:%M"), "chromium": version, "cpus": os.cpu_count(),
                       "platform": platform.platform(), "incognito": args.incognito, "reps": args.reps,
                       "settle": args.settle, "network": args.network or "local",
                       "compressed": sorted({e["encoding"] for e in site_traffic.entries if e.get("encoding")}),
                       "service_worker": not args.without_sw, "other_processes_cpu": round(neighbours.average(), 2),
                       "duration_s": round(time.monotonic() - started, 1)}
    text = report(results)
    if results["bare_line"]:
        text += "\n\n" + report_variants(results)
    print(text)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    print(f"\nRaw figures: {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out} "
          f"({results['meta']['duration_s']} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

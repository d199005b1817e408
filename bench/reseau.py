"""The Réseau page in Chromium: time to show 600 anonymised exports (target < 3 s).

    .venv/bin/python bench/reseau.py [--site site] [--count 600] [--reps 5]

Generates the files (tests/network_files.py, fixed seed), serves a copy of the built site, and
for each repetition opens reseau.html in a fresh context, waits for the engine, then picks the
files with the file input (as a user picks a folder) and times until the view is shown (the page's
`data-updated` equals `data-changes`), then one filter change. "In the page" counts from the file
input's change event (the picker closed) to the view drawn; the other figure adds Playwright's
transfer of the 600 files into the browser. Also prints the page's own measures (reading the files,
the engine's call, drawing) and the machine's load (/proc/loadavg) before and
after, since two cores shared with other work slow every figure. Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "py"))

from site_config.serve import serve_in_thread  # noqa: E402
from tests.e2e.conftest import ARGS, chromium_path  # noqa: E402
from tests.network_files import write  # noqa: E402

CURRENT = ("() => { const r = document.getElementById('cap-reseau'); return r.dataset.state === 'ready'"
           " && r.dataset.updated === r.dataset.changes && r.dataset.changes !== '1'; }")


def loadavg() -> str:
    try:
        return Path("/proc/loadavg").read_text().strip()
    except OSError:
        return "?"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=ROOT / "site")
    parser.add_argument("--count", type=int, default=600)
    parser.add_argument("--reps", type=int, default=5)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="cap-bench-reseau-") as tmp:
        site = Path(tmp) / "site"
        shutil.copytree(args.site, site)
        paths = [str(p) for p in write(Path(tmp) / "exports", args.count)]
        size = sum(Path(p).stat().st_size for p in paths) / 1024
        server, url = serve_in_thread(site)
        print(f"{args.count} exports ({size:.0f} KiB), {args.reps} runs; load before: {loadavg()}")
        shows, inpage, filters, parts = [], [], [], []
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium_path(), args=ARGS)
            for _ in range(args.reps):
                context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="fr-FR")
                page = context.new_page()
                page.goto(url + "reseau.html")
                page.wait_for_selector("#cap-reseau[data-state=ready]", timeout=180_000)
                start = time.perf_counter()
                page.set_input_files("[data-action=add-files]", paths)
                page.wait_for_function(CURRENT, timeout=180_000)
                shows.append(time.perf_counter() - start)
                parts.append(page.evaluate("() => Object.fromEntries(performance.getEntriesByType('measure')"
                                           ".filter(m => m.duration > 2).map(m => [m.name, Math.round(m.duration)]))"))
                # in the page: from the input's change event (the picker closed) to the view drawn
                inpage.append(page.evaluate("() => { const r = performance.getEntriesByName('cap-reseau-read')[0];"
                                            " const d = performance.getEntriesByName('cap-reseau-dom').pop();"
                                            " return (d.startTime + d.duration - r.startTime) / 1000; }"))
                start = time.perf_counter()
                page.select_option("[data-filter=type]", "ACI")
                page.wait_for_function(CURRENT, timeout=180_000)
                filters.append(time.perf_counter() - start)
                context.close()
            browser.close()
        server.shutdown()
    print("run  in page (s)  with file transfer (s)  filter (s)  page measures (ms)")
    for n, (i, s, f, p) in enumerate(zip(inpage, shows, filters, parts, strict=True), start=1):
        print(f"{n:>3}  {i:11.2f}  {s:22.2f}  {f:10.2f}  {p}")
    print(f"median: shown {statistics.median(inpage):.2f} s in the page (target < 3 s), "
          f"{statistics.median(shows):.2f} s counting Playwright's file transfer; filter change "
          f"{statistics.median(filters):.2f} s; load after: {loadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""What one new browser context costs the test suite, in CPU seconds (issue 15).

    .venv/bin/python bench/context_cost.py [--site site] [--reps 5]

The browser tests are CPU-bound on this 2-core machine: each opens fresh contexts (nothing
stored, as a first visitor). This measures, per fresh context, the machine's busy CPU
(/proc/stat: every Chromium process, the test server, Playwright) from `new_context` until:

- `static`: a method page (index.html) has loaded;
- `engine, as built`: evaluer.html is ready on the site as built (CAP_SNAPSHOT=device: the engine
  starts, then makes its snapshot), then 3 s idle (the snapshot is stored meanwhile);
- `engine, restored`: the same on the tests' copy (tests/e2e/conftest.restoring_site:
  CAP_SNAPSHOT=build, the engine restored from the shipped snapshot), then 3 s idle;
each with the service worker allowed (it precaches the build) and blocked (the tests' default).
Then, on one ready page, 5 s of each way to wait: nothing, wait_for_function polled on every
animation frame, and every 50 ms.

Prints medians (and min–max) over `--reps` contexts. Timings are printed, never asserted. Run it on
a quiet machine: the figures are the whole machine's CPU.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from site_config.serve import serve_in_thread  # noqa: E402
from tests.e2e.conftest import ARGS, build_site, chromium_path, restoring_site  # noqa: E402

READY = "#cap-app[data-state=ready][data-form=complete]"


def busy() -> float:
    """CPU seconds the whole machine spent busy since boot."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(fields) - fields[3] - fields[4]) / 100  # minus idle and iowait; USER_HZ = 100


def one(browser, url: str, path: str, service_workers: str, settle: float) -> float:
    start = busy()
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900},
                                  service_workers=service_workers)
    page = context.new_page()
    page.goto(url + path)
    if path == "evaluer.html":
        page.wait_for_selector(READY, timeout=120_000)
    time.sleep(settle)
    context.close()
    return busy() - start


def waiting(browser, url: str) -> dict[str, float]:
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900}, service_workers="block")
    page = context.new_page()
    page.goto(url + "evaluer.html")
    page.wait_for_selector(READY, timeout=120_000)
    time.sleep(3)
    out = {}
    for label, polling in (("sleep", None), ("raf", "raf"), ("every 50 ms", 50)):
        start = busy()
        if polling is None:
            time.sleep(5)
        else:
            try:
                page.wait_for_function("() => document.getElementById('never-there') !== null",
                                       polling=polling, timeout=5000)
            except Exception:  # the timeout is the point: 5 s of waiting
                pass
        out[label] = busy() - start
    context.close()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--site", type=Path, default=None, help="a built site (default: site/, built if missing)")
    parser.add_argument("--reps", type=int, default=5)
    args = parser.parse_args()
    if chromium_path() is None:
        print("Chromium introuvable (apt-get install chromium).", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    built = build_site(args.site) if args.site else build_site()
    restoring = restoring_site(built)
    servers = {name: serve_in_thread(site) for name, site in (("built", built), ("restoring", restoring))}
    cases = [("static page", "built", "index.html", 0.0), ("engine, as built", "built", "evaluer.html", 3.0),
             ("engine, restored", "restoring", "evaluer.html", 3.0)]
    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=ARGS)
        one(browser, servers["built"][1], "index.html", "block", 0)  # warm the browser up
        for label, server, path, settle in cases:
            for sw in ("allow", "block"):
                samples = [one(browser, servers[server][1], path, sw, settle) for _ in range(args.reps)]
                rows.append((f"{label}, service worker {sw}", samples))
        waits = [waiting(browser, servers["restoring"][1]) for _ in range(max(1, args.reps // 2))]
        browser.close()
    for httpd, _ in servers.values():
        httpd.shutdown()
    print(f"CPU seconds per new context (median of {args.reps}, min–max); 2 cores = 2 CPU-s per second")
    for label, samples in rows:
        print(f"  {label:<42} {statistics.median(samples):6.2f}   ({min(samples):.2f}–{max(samples):.2f})")
    print("CPU seconds over 5 s of waiting on a ready page (median)")
    for key in waits[0]:
        print(f"  {key:<42} {statistics.median(w[key] for w in waits):6.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Lighthouse (mobile) on pages of the built site, several runs, medians: the figures issue 14 asks for.

    .venv/bin/python bench/lighthouse.py [--site site] [--runs 3] [--prefix /cap-en-ligne/] [pages…]

The site is served by `site_config.serve` under a sub-path, as GitHub Pages serves a project
site (gzip, `.wasm` as application/wasm). Chromium is Debian's. Lighthouse is a measuring tool,
not a dependency: it is looked up as `$LIGHTHOUSE`, then `node_modules/.bin/lighthouse`, then
`npx --yes lighthouse@12` (needs the npm registry). Prints one Markdown table of medians (and
min–max) per page, and the machine's load average before and after, so a figure can be judged.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROME = os.environ.get("CHROME_PATH", "/usr/lib/chromium/chromium")
FLAGS = ("--headless=new --no-sandbox --disable-gpu --disable-background-networking "
         "--disable-component-update --disable-sync --no-first-run")
METRICS = (  # (label, how to read it from the report)
    ("performance", lambda r: round(r["categories"]["performance"]["score"] * 100)),
    ("accessibility", lambda r: round(r["categories"]["accessibility"]["score"] * 100)),
    ("best practices", lambda r: round(r["categories"]["best-practices"]["score"] * 100)),
    ("TBT ms", lambda r: round(r["audits"]["total-blocking-time"]["numericValue"])),
    ("LCP ms", lambda r: round(r["audits"]["largest-contentful-paint"]["numericValue"])),
    ("main-thread s", lambda r: round(r["audits"]["mainthread-work-breakdown"]["numericValue"] / 1000, 1)),
    ("DOM elements", lambda r: r["audits"]["dom-size"].get("numericValue")),
)


def lighthouse_cmd() -> list[str]:
    if os.environ.get("LIGHTHOUSE"):
        return os.environ["LIGHTHOUSE"].split()
    local = ROOT / "node_modules" / ".bin" / "lighthouse"
    if local.exists():
        return [str(local)]
    return ["npx", "--yes", "lighthouse@12"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pages", nargs="*", default=["evaluer.html"])
    ap.add_argument("--site", default=str(ROOT / "site"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--prefix", default="/cap-en-ligne/")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cap-lh-"))
    site = work / "site"
    shutil.copytree(args.site, site)  # a rebuild during the run must not mix two builds
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "site_config.serve", "--port", str(port),
                               "--prefix", args.prefix, str(site)], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(50):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        print(f"load average before: {load()}  (runs: {args.runs}, Chromium: {CHROME})\n")
        head = "| page | " + " | ".join(m for m, _ in METRICS) + " |"
        print(head)
        print("|" + "---|" * (len(METRICS) + 1))
        for page in args.pages:
            values: dict[str, list[float]] = {m: [] for m, _ in METRICS}
            for n in range(args.runs):
                out = work / f"{page.replace('/', '_')}-{n}.json"
                url = f"http://localhost:{port}{args.prefix}{page}"
                subprocess.run([*lighthouse_cmd(), url, "--quiet", "--output=json", f"--output-path={out}",
                                "--only-categories=performance,accessibility,best-practices",
                                "--form-factor=mobile", f"--chrome-flags={FLAGS}"],
                               env={**os.environ, "CHROME_PATH": CHROME}, check=False,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                if not out.exists():
                    print(f"run {n + 1} of {page}: Lighthouse wrote no report", file=sys.stderr)
                    continue
                report = json.loads(out.read_text())
                for m, read in METRICS:
                    try:
                        values[m].append(read(report))
                    except (KeyError, TypeError):
                        pass
            cells = []
            for m, _ in METRICS:
                v = values[m]
                cells.append(f"{statistics.median(v):g} ({min(v):g}–{max(v):g})" if v else "?")
            print(f"| {page} | " + " | ".join(cells) + " |")
        print(f"\nload average after: {load()}; reports in {work}")
    finally:
        server.terminate()
    return 0


if __name__ == "__main__":
    sys.exit(main())

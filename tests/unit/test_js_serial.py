"""The pages' "run once more if it changed meanwhile" helper (site_config/assets/cap/serial.js), run in Node."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

SERIAL = Path(__file__).resolve().parents[2] / "site_config" / "assets" / "cap" / "serial.js"

SCRIPT = """
const { serial } = await import(process.argv[1]);
let open = null; // the test decides when a run ends
const gate = () => new Promise((resolve) => { open = resolve; });
const started = () => new Promise((resolve) => setTimeout(resolve, 0));
let value = 0, runs = 0, seen = [];
const run = serial(async () => { runs += 1; seen.push(value); await gate(); });
value = 1; run(); await started(); // the first run is going, with value 1
value = 2; run(); value = 3; const joined = run(); const busy = run.busy;
open(); await started(); open(); // end the first run, then the one more run
await joined;
const after = { runs, seen, busy, idle: !run.busy };
let tries = 0;
const flaky = serial(async () => { tries += 1; if (tries === 1) { flaky(); throw new Error("first"); } });
await flaky();
let failed = "";
const bad = serial(async () => { throw new Error("always"); });
await bad().catch((err) => { failed = err.message; });
console.log(JSON.stringify({ ...after, tries, failed, badIdle: !bad.busy }));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="Node is not installed")
def test_calls_during_a_run_collapse_into_one_more_run_with_the_last_state() -> None:
    out = subprocess.run(["node", "--input-type=module", "-e", SCRIPT, SERIAL.as_uri()], capture_output=True,
                         text=True, check=True).stdout
    got = json.loads(out)
    # The first run saw the first change; the two calls made during it gave one more run, which saw the last one.
    assert got["runs"] == 2 and got["seen"] == [1, 3]
    assert got["busy"] is True and got["idle"] is True
    # A failed run followed by a call made meanwhile runs again; the caller sees the last run's outcome.
    assert got["tries"] == 2
    assert got["failed"] == "always" and got["badIdle"] is True

"""What autosave costs on the assessment page: every keystroke is written at once (so a closed
tab keeps it), merged field by field with what another tab may have stored.

    .venv/bin/python bench/storage.py [--site site] [--keys 200] [--reps 5]

Loads the example (a fully answered assessment), then, per repetition, types `--keys` characters
into a comment and times the synchronous part of each input event (the form handler: stamp the
changed fields, read what is stored, write the assessment and its list line), then times a write
from a second tab being taken in (the `storage` event: read, merge, redraw the changed fields).
Prints medians and p95 in ms, the stored size, and the page's JS heap. Timings are printed,
never asserted.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from site_config.serve import serve_in_thread  # noqa: E402
from tests.e2e.conftest import ARGS, chromium_path  # noqa: E402

# Every criterion answered, one comment of 300 characters in three: a heavy real assessment.
ANSWER_ALL = """() => {
    const values = ['1', '2', '3', '4', 'dk'];
    document.querySelectorAll('.cap-criterion').forEach((fieldset, i) => {
        const radio = fieldset.querySelector(`input[type=radio][value="${values[i % 5]}"]`);
        if (radio && !radio.disabled) {
            radio.checked = true;
            radio.dispatchEvent(new Event('change', { bubbles: true }));
        }
        const comment = fieldset.querySelector('textarea[name^="comment:"]');
        if (comment && i % 3 === 0) {
            comment.value = 'Commentaire '.repeat(25);
            comment.dispatchEvent(new Event('input', { bubbles: true }));
        }
    });
}"""

TYPE = """(n) => {
    const box = document.querySelector('textarea[name="comment:ID-PROJ-01"]');
    const times = [];
    for (let i = 0; i < n; i += 1) {
        box.value += 'a';
        const t0 = performance.now();
        box.dispatchEvent(new Event('input', { bubbles: true }));
        times.push(performance.now() - t0);
    }
    return times;
}"""


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", default=str(ROOT / "site"))
    parser.add_argument("--keys", type=int, default=200)
    parser.add_argument("--reps", type=int, default=5)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    httpd, url = serve_in_thread(Path(args.site))
    keys, merges, sizes, heaps = [], [], [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=ARGS)
        for _ in range(args.reps):
            context = browser.new_context()
            # registered before app.js's own listener, so it runs just before it
            context.add_init_script("window.addEventListener('storage', () => { window.capT0 = performance.now(); });")
            a = context.new_page()
            a.goto(url + "evaluer.html")
            a.wait_for_selector("#cap-app[data-state=ready][data-form=complete]", timeout=120_000)
            a.evaluate(ANSWER_ALL)
            keys += a.evaluate(TYPE, args.keys)
            sizes.append(a.evaluate("() => localStorage.getItem("
                                    "'cap-en-ligne:a:' + localStorage.getItem('cap-en-ligne:current')).length"))
            b = context.new_page()
            b.goto(url + "evaluer.html")
            b.wait_for_selector("#cap-structure-name")
            a.evaluate("""() => { window.capMerge = [];
                // after app.js's own listener (registered later); the init script's ran just before it
                window.addEventListener('storage', (e) => {
                    if (e.key.startsWith('cap-en-ligne:a:')) window.capMerge.push(performance.now() - window.capT0); });
            }""")
            for n in range(20):
                b.locator(f'input[name="ID-GOUV-01"][value="{1 + n % 4}"]').check()
                a.wait_for_function(f"() => window.capMerge.length > {n}")
            merges += a.evaluate("() => window.capMerge")
            heaps.append(a.evaluate("() => performance.memory ? performance.memory.usedJSHeapSize : 0"))
            context.close()
        browser.close()
    httpd.shutdown()
    print(f"| measure ({args.reps} runs) | median | p95 |")
    print("|---|---|---|")
    print(f"| keystroke in a comment: handler incl. write (ms, n={len(keys)}) "
          f"| {statistics.median(keys):.2f} | {pct(keys, 0.95):.2f} |")
    print(f"| another tab's change taken in: storage event handler (ms, n={len(merges)}) "
          f"| {statistics.median(merges):.2f} | {pct(merges, 0.95):.2f} |")
    print(f"| stored assessment (characters) | {statistics.median(sizes):.0f} | |")
    print(f"| page JS heap (MB) | {statistics.median(heaps) / 1e6:.1f} | |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

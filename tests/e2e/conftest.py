"""Browser fixtures: the built site served on a free localhost port, Debian's Chromium driven by
Playwright, and two checks on every page: no console error, no request to another origin."""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
# CAP_SITE_DIR lets several checkouts or agents test their own build side by side.
SITE = Path(os.environ.get("CAP_SITE_DIR") or ROOT / "site")
CANDIDATES = [os.environ.get("CHROMIUM_PATH", ""), "/usr/lib/chromium/chromium", "/usr/bin/chromium",
              "/usr/bin/chromium-browser"]
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
        "--disable-features=Translate,OptimizationHints,MediaRouter", "--metrics-recording-only"]

sys.path.insert(0, str(ROOT))
from site_config.serve import serve_in_thread  # noqa: E402

pytestmark = pytest.mark.e2e


def chromium_path() -> str | None:
    for candidate in CANDIDATES:
        if candidate and Path(candidate).exists():
            return candidate
    return None


def build_site(target: Path = SITE) -> Path:
    """The tests use the site `make test` built; build it here when run on their own. Parallel workers
    (pytest-xdist) wait for the one that builds, under a lock file beside the site."""
    if (target / "evaluer.html").exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.parent / f".{target.name}.build-lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (target / "evaluer.html").exists():
            subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(target)],
                           cwd=ROOT, check=True)
    return target


def site_copy(site: Path, target: Path, mode: str) -> Path:
    """A copy of the built site whose worker.js (and service worker) use this snapshot mode
    (CAP_SNAPSHOT: "off", "device", "build"), made with the build's own functions."""
    from site_config.hooks import _write_service_worker, _write_worker, pyodide_folder

    shutil.copytree(site, target)
    pyodide_dir = pyodide_folder()
    whl = next((target / pyodide_dir).glob("*.whl"))
    (ROOT / "build").mkdir(exist_ok=True)
    with open(ROOT / "build" / ".snapshot-lock", "a") as lock:  # workers share build/snapshot/<key>
        fcntl.flock(lock, fcntl.LOCK_EX)
        _write_worker(target, pyodide_dir, whl, mode)
    _write_service_worker(target)
    return target


def restoring_site(site: Path) -> Path:
    """The site most browser tests run against: the built site with CAP_SNAPSHOT=build, so that each new
    browser context restores the started engine from the shipped snapshot instead of starting it and
    then making a snapshot of it, as a visitor's first visit does with the default "device"
    (bench/context_cost.py: 4.8 instead of 13.4 CPU-s per context, service worker blocked).
    Everything after the boot is the same code. The boot paths themselves, and the offline copy, are
    tested on the site as built (`site`, `shipped_server`: test_snapshot.py, test_offline.py, the
    sub-path test). Made once per build, under a lock for parallel workers; without Node, the built
    site is used as it is."""
    if shutil.which("node") is None:
        return site
    target = site.parent / f"{site.name}-restoring"
    stamp = hashlib.sha256((site / "sw.js").read_bytes()).hexdigest()
    with open(site.parent / f".{target.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        made = target / ".made-from"
        if not (made.exists() and made.read_text() == stamp):
            shutil.rmtree(target, ignore_errors=True)
            site_copy(site, target, "build")
            made.write_text(stamp)
    return target


@pytest.fixture(scope="session")
def site() -> Path:
    """The site as `make build` made it (the default snapshot mode, "device")."""
    return build_site()


@pytest.fixture(scope="session")
def tested_site(site: Path) -> Path:
    return restoring_site(site)


@pytest.fixture(scope="session")
def server(tested_site: Path) -> Iterator[str]:
    httpd, url = serve_in_thread(tested_site)
    yield url
    httpd.shutdown()


@pytest.fixture(scope="session")
def shipped_server(site: Path) -> Iterator[str]:
    """The site exactly as built and deployed: for tests of the first visit and the offline copy."""
    httpd, url = serve_in_thread(site)
    yield url
    httpd.shutdown()


@pytest.fixture(scope="session")
def playwright() -> Iterator[object]:
    if chromium_path() is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium introuvable : installez le paquet Debian « chromium » (CI=true : pas d'impasse).")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright) -> Iterator[object]:
    browser = playwright.chromium.launch(executable_path=chromium_path(), args=ARGS)
    yield browser
    browser.close()


def profile_page(playwright, profile: Path, server: str):
    """A page in a browser with a profile on disk, as a visitor's: unlike the test contexts
    (kept in memory), its HTTP cache keeps large files such as Pyodide's WebAssembly."""
    context = playwright.chromium.launch_persistent_context(profile, executable_path=chromium_path(), args=ARGS,
                                                            locale="fr-FR")
    return watched(context.pages[0] if context.pages else context.new_page(), server)


class Watch:
    """What a page did that a user would not want: console errors, requests to other origins."""

    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.errors: list[str] = []
        self.foreign: list[str] = []
        self.allowed_errors: list[str] = []

    def on_request(self, request) -> None:
        url = request.url
        if url.startswith(("data:", "blob:", "about:")):
            return
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != self.origin:
            self.foreign.append(url)

    def on_console(self, message) -> None:
        if message.type == "error" and not any(a in message.text for a in self.allowed_errors):
            self.errors.append(message.text)


def new_page(browser, server: str, **context_args):
    """A page in a new browser context (nothing stored: a first visitor). Its service worker is
    blocked unless `service_workers="allow"`: the offline copy it fills (27 MB, about 1.2 s of CPU
    per context) serves nothing a test checks, except in test_offline.py, which allows it. Without
    it the site works as in a browser that refuses service workers (sw-register.js)."""
    context_args.setdefault("service_workers", "block")
    context = browser.new_context(accept_downloads=True, locale="fr-FR", **context_args)
    return watched(context.new_page(), server)


def watched(page, server: str):
    context = page.context
    parts = urlsplit(server)
    watch = Watch(f"{parts.scheme}://{parts.netloc}")
    page.on("request", watch.on_request)
    page.on("console", watch.on_console)
    page.on("pageerror", lambda exc: watch.errors.append(f"pageerror: {exc}"))
    context.on("request", watch.on_request)  # workers' requests too
    page.watch = watch
    page.wait_for_function = polled(page.wait_for_function)
    return page


def polled(wait_for_function):
    """page.wait_for_function checking every 50 ms instead of Playwright's default, every animation
    frame: a frame drawn 60 times a second costs about 0.2 CPU core for as long as the test waits
    for the engine (measured with /proc/stat), CPU the engine then lacks."""
    def wait(expression, arg=None, *, timeout=None, polling=50):
        return wait_for_function(expression, arg=arg, timeout=timeout, polling=polling)
    return wait


@pytest.fixture()
def page(browser, server):
    page = new_page(browser, server, viewport={"width": 1280, "height": 900})
    yield page
    watch = page.watch
    page.context.close()
    assert watch.foreign == [], f"requests to another origin: {watch.foreign}"
    assert watch.errors == [], f"console errors: {watch.errors}"


def open_assessment(page, server: str, wait_ready: bool = True) -> None:
    page.goto(server + "evaluer.html")
    if wait_ready:
        page.wait_for_selector("#cap-app[data-state=ready][data-form=complete]", timeout=120_000)


def wait_scored(page) -> None:
    """Wait until the results on screen are those of the latest saved change."""
    page.wait_for_function(
        "() => { const r = document.getElementById('cap-app');"
        " return r.dataset.state === 'ready' && r.dataset.scored !== undefined"
        " && r.dataset.scored === (r.dataset.changes || '0'); }", timeout=30_000)


def scores_on_page(page) -> dict[str, str]:
    return page.eval_on_selector_all(
        "[data-score]", "els => Object.fromEntries(els.map(e => [e.dataset.score, e.dataset.value]))")


# -- helpers the test files share (a step, an answer, a menu; the pages' "up to date" states; axe) --

def step(page) -> str:
    return page.get_attribute("#cap-app", "data-step")


def goto(page, target: str) -> None:
    """Open a step the way a user does: a visible [data-goto] link (the sommaire's, at least)."""
    if step(page) != target:
        page.locator(f'[data-goto="{target}"]:visible').first.click()
        page.wait_for_selector(f'#cap-app[data-step="{target}"]')


def theme_of(cid: str) -> str:
    return cid.rsplit("-", 1)[0]


def answer(page, cid: str, value: str) -> None:
    """Answer a criterion on its theme's step."""
    goto(page, theme_of(cid))
    page.locator(f'input[name="{cid}"][value="{value}"]').check()


def open_menu(page) -> None:
    """Open "Mes évaluations" (the list of assessments and the file actions)."""
    if page.get_attribute("[data-menu-toggle]", "aria-expanded") != "true":
        page.click("[data-menu-toggle]")


def act(page, action: str) -> None:
    """Click the visible control of `action`; open "Mes évaluations" when it holds the only one."""
    if page.locator(f'[data-action="{action}"]:visible').count() == 0:
        open_menu(page)
    page.locator(f'[data-action="{action}"]:visible').first.click()


def wait_merged(page) -> None:
    page.wait_for_function(
        "() => { const r = document.getElementById('cap-synthese');"
        " return r.dataset.state === 'ready' && r.dataset.merged !== undefined"
        " && r.dataset.merged === (r.dataset.changes || '0'); }", timeout=60_000)


def wait_updated(page) -> None:
    page.wait_for_function(
        "() => { const r = document.getElementById('cap-evolution');"
        " return r.dataset.state === 'ready' && r.dataset.updated !== undefined"
        " && r.dataset.updated === (r.dataset.changes || '0'); }", timeout=60_000)


AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def axe_violations(page) -> list[dict]:
    if not AXE.exists():
        pytest.fail("axe-core absent de node_modules : lancez « npm ci »")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => {
        const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
        const r = await axe.run(document, { runOnly: { type: 'tag', values: tags } });
        return r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ')) }));
    }""")
    return [v for v in result if v["impact"] in ("serious", "critical")]

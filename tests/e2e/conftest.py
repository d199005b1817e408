"""Browser fixtures: the built site served on a free localhost port, Debian's Chromium driven by
Playwright, and two checks on every page: no console error, no request to another origin."""

from __future__ import annotations

import fcntl
import os
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


@pytest.fixture(scope="session")
def site() -> Path:
    return build_site()


@pytest.fixture(scope="session")
def server(site: Path) -> Iterator[str]:
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
    return page


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

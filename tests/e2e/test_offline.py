"""Offline after one visit, and a clean update to a new build with the user's answers intact.

On the site exactly as built (`shipped_server`): a first visit that starts the engine, makes its
snapshot and fills the offline copy, as a visitor's does (the other browser tests restore a
shipped snapshot instead: conftest.restoring_site)."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from site_config.hooks import _write_service_worker
from site_config.serve import serve_in_thread

from tests.e2e.conftest import goto, new_page, profile_page, scores_on_page, wait_scored
from tests.e2e.test_snapshot import BOOT

pytestmark = pytest.mark.e2e


OFFLINE_READY = """async () => {
    // Precaching happens while the worker installs: once this build's worker is activated and none
    // is installing or waiting, the cache is complete. Wait on the worker's own events, not a clock.
    const reg = await navigator.serviceWorker.ready;
    for (;;) {
        const next = reg.installing || reg.waiting;
        if (next) { await new Promise(r => next.addEventListener('statechange', r, {once: true})); continue; }
        if (reg.active.state !== 'activated') {
            await new Promise(r => reg.active.addEventListener('statechange', r, {once: true}));
            continue;
        }
        break;
    }
    const names = (await caches.keys()).filter(n => n.startsWith('cap-en-ligne-'));
    if (names.length !== 1) return false;
    const cache = await caches.open(names[0]);
    return Boolean(await cache.match(location.href)) &&
           (await cache.keys()).some(r => r.url.endsWith('/pyodide.asm.wasm'));
}"""


def wait_offline_ready(page) -> None:
    """The service worker is active and has precached this build (the page awaits the worker's events)."""
    assert page.evaluate(OFFLINE_READY), "the service worker did not precache this build"


SNAPSHOT_STORED = """async () => {
    // Wait on the state (the snapshot in its cache), polled in the page.
    for (;;) {
        const cache = await caches.open("cap-engine-snapshot");
        if ((await cache.keys()).length) return true;
        await new Promise((r) => setTimeout(r, 100));
    }
}"""


def first_visit(page, url: str) -> None:
    """One visit to the assessment page, until the engine is ready and the offline copy complete."""
    page.goto(url + "evaluer.html")
    page.wait_for_selector("#cap-app[data-state=ready][data-form=complete]", timeout=120_000)
    wait_offline_ready(page)


@pytest.fixture(scope="module")
def offline_page(browser, shipped_server):
    """A browser that visited the site once and then lost the network (the two tests below only
    read pages from the offline copy: one visit serves both)."""
    page = new_page(browser, shipped_server, service_workers="allow")
    page.context.add_init_script(BOOT)
    first_visit(page, shipped_server)
    # The engine's snapshot is written just after the first score: offline visits then restore it.
    page.evaluate(SNAPSHOT_STORED)
    page.context.set_offline(True)
    yield page
    page.context.close()


def test_visit_once_then_work_offline(offline_page, shipped_server) -> None:
    page = offline_page
    page.goto(shipped_server + "evaluer.html")
    page.wait_for_selector("#cap-app[data-state=ready][data-form=complete]", timeout=120_000)
    assert page.evaluate("() => window.__capBoots") == ["restored"]  # the engine from its snapshot
    goto(page, "ID-PROJ")
    page.locator('input[name="ID-PROJ-01"][value="4"]').check()
    page.locator('input[name="ID-PROJ-02"][value="2"]').check()
    wait_scored(page)
    assert float(scores_on_page(page)["ID-PROJ"]) > 0
    # An operation whose module is imported only when first used (the ODT plan) works offline too.
    goto(page, "plan")
    with page.expect_download() as info:
        page.click('[data-action="export-odt"]:visible')
    with zipfile.ZipFile(info.value.path()) as odt:
        assert "content.xml" in odt.namelist()
    page.goto(shipped_server + "piliers/supports.html")  # the method pages too
    assert page.locator("#SU-CONF-02").count() == 1
    page.goto(shipped_server)  # the site root maps to index.html
    assert "CAP en ligne" in page.title()
    assert page.watch.foreign == [] and page.watch.errors == []


def test_facilitator_merges_the_participants_files_offline(offline_page, shipped_server, tmp_path) -> None:
    """A meeting room with no Wi-Fi: the synthesis page opens and merges files from the offline copy."""
    from tests.e2e.conftest import wait_merged
    from tests.e2e.test_synthese import write_files

    page = offline_page
    page.goto(shipped_server + "synthese.html")
    page.wait_for_selector("#cap-synthese[data-state=ready]", timeout=120_000)
    assert page.evaluate("() => window.__capBoots") == ["restored"]
    page.set_input_files('[data-action="add-files"]', [str(p) for p in write_files(tmp_path)])
    wait_merged(page)
    assert page.locator('[data-files] tr[data-file-status="accepted"]').count() == 5
    assert page.locator("article[data-criterion][data-proposed]").count() > 0
    assert page.watch.foreign == [] and page.watch.errors == []


def wasm_responses(page) -> list:
    """Responses for Pyodide's WebAssembly file, the engine worker's included."""
    seen: list = []
    page.context.on("response", lambda r: seen.append(r) if r.url.endswith("/pyodide.asm.wasm") else None)
    return seen


def reload_and_answer(page, value: str) -> None:
    """Visit again (a reload), answer one question, wait for its score."""
    page.reload()
    page.wait_for_selector("#cap-app[data-state=ready][data-form=complete]", timeout=120_000)
    goto(page, "ID-PROJ")
    page.locator(f'input[name="ID-PROJ-01"][value="{value}"]').check()
    wait_scored(page)


def test_repeat_visit_takes_the_webassembly_from_the_browser_cache(playwright, shipped_server, tmp_path) -> None:
    """Chromium reuses the compiled WebAssembly only for its HTTP cache's copy (not the service
    worker's): a repeat visit must take that file from the HTTP cache."""
    page = profile_page(playwright, tmp_path / "profile", shipped_server)
    first_visit(page, shipped_server)
    seen = wasm_responses(page)
    reload_and_answer(page, "3")
    assert seen, "the engine did not ask for its WebAssembly file"
    assert [(r.status, r.from_service_worker) for r in seen] == [(200, False)]
    assert page.watch.foreign == [] and page.watch.errors == []
    page.context.close()


def test_offline_without_the_browser_cache_falls_back_to_the_offline_copy(playwright, shipped_server, tmp_path) -> None:
    """When the browser has dropped its HTTP cache, the service worker's copy is used."""
    page = profile_page(playwright, tmp_path / "profile", shipped_server)
    first_visit(page, shipped_server)
    page.context.new_cdp_session(page).send("Network.clearBrowserCache")
    page.context.set_offline(True)
    seen = wasm_responses(page)
    reload_and_answer(page, "2")
    assert [(r.status, r.from_service_worker) for r in seen if r.ok] == [(200, True)]
    assert page.watch.foreign == [] and page.watch.errors == []
    page.context.close()


def test_new_version_is_announced_and_replaces_the_cache_with_answers_intact(browser, site, tmp_path) -> None:
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    httpd, url = serve_in_thread(copy)
    try:
        page = new_page(browser, url, service_workers="allow")
        page.goto(url + "evaluer.html")
        page.wait_for_selector("#cap-app[data-state=ready][data-form=complete]", timeout=120_000)
        goto(page, "ID-GOUV")
        page.locator('input[name="ID-GOUV-01"][value="3"]').check()
        wait_scored(page)
        wait_offline_ready(page)
        old = page.evaluate("async () => (await caches.keys()).filter(n => n.startsWith('cap-en-ligne-'))")

        # A new build: one page changed, so a new service worker with a new cache version.
        evaluer = copy / "evaluer.html"
        evaluer.write_text(evaluer.read_text(encoding="utf-8").replace(
            "Évaluer votre structure", "Évaluer votre structure — nouvelle version"), encoding="utf-8")
        _write_service_worker(Path(copy))

        page.reload()  # still the old version, from the old cache; the browser finds the new worker
        page.wait_for_selector("#cap-app[data-state=ready][data-form=complete]", timeout=120_000)
        assert "nouvelle version" not in page.inner_text("h1")
        page.wait_for_selector("[data-action=update-site]", timeout=120_000)
        with page.expect_navigation():
            page.click("[data-action=update-site]")
        page.wait_for_selector("#cap-app[data-state=ready][data-form=complete]", timeout=120_000)
        assert "nouvelle version" in page.inner_text("h1")
        assert page.is_checked('input[name="ID-GOUV-01"][value="3"]')
        new = page.evaluate("async () => (await caches.keys()).filter(n => n.startsWith('cap-en-ligne-'))")
        assert len(new) == 1 and new != old
        assert page.watch.foreign == [] and page.watch.errors == []
        page.context.close()
    finally:
        httpd.shutdown()

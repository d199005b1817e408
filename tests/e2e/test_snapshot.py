"""Engine memory snapshots (issue 18, CAP_SNAPSHOT): every way the worker can boot.

Whatever the default, these tests copy the built site once per session per mode and write its
worker.js again with CAP_SNAPSHOT=off and =device (the build's own functions: no second MkDocs
build); =build is the copy every browser test uses (conftest.restoring_site). The worker says
how it booted in its ready message (`boot`: "normal", "made", "restored" or "fallback"); an init
script keeps that message for the test.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from site_config.hooks import pyodide_folder
from site_config.serve import serve_in_thread

from tests.e2e.conftest import ROOT, goto, profile_page, scores_on_page, site_copy, wait_scored

pytestmark = pytest.mark.e2e

BOOT = """(() => {
  const Native = window.Worker;
  window.__capBoots = [];
  window.Worker = function (url, options) {
    const worker = new Native(url, options);
    worker.addEventListener("message", ({ data }) => {
      if (data && data.id === 0) window.__capBoots.push(data.ok ? data.data.boot : "failed");
    });
    return worker;
  };
  window.Worker.prototype = Native.prototype;
})();"""

STORED = """async () => {
  const cache = await caches.open("cap-engine-snapshot");
  return (await cache.keys()).map((r) => r.url.split("/snapshot/")[1]);
}"""


def serve_copy(site: Path, tmp_path_factory, mode: str) -> Iterator[str]:
    copy = site_copy(site, tmp_path_factory.mktemp("snapshot") / mode, mode)
    httpd, url = serve_in_thread(copy)
    yield url
    httpd.shutdown()


@pytest.fixture(scope="session")
def off_server(site: Path, tmp_path_factory) -> Iterator[str]:
    yield from serve_copy(site, tmp_path_factory, "off")


@pytest.fixture(scope="session")
def device_server(site: Path, tmp_path_factory) -> Iterator[str]:
    yield from serve_copy(site, tmp_path_factory, "device")


@pytest.fixture(scope="session")
def build_site(tested_site: Path) -> Path:
    """The browser tests' site is already the CAP_SNAPSHOT=build copy (conftest.restoring_site)."""
    if shutil.which("node") is None:
        pytest.skip("Node is not installed (CAP_SNAPSHOT=build needs it)")
    return tested_site


def open_page(playwright, tmp_path: Path, server: str):
    page = profile_page(playwright, tmp_path / "profile", server)
    page.context.add_init_script(BOOT)
    return page


def visit(page, url: str | None = None) -> str:
    """Open (or reload) the assessment page, wait for the engine; how it booted."""
    if url:
        page.goto(url + "evaluer.html")
    else:
        page.reload()
    page.wait_for_selector("#cap-app[data-state=ready]", timeout=120_000)
    boots = page.evaluate("() => window.__capBoots")
    assert len(boots) == 1, boots
    return boots[0]


def answer_and_score(page, value: str) -> None:
    goto(page, "ID-PROJ")
    page.locator(f'input[name="ID-PROJ-01"][value="{value}"]').check()
    wait_scored(page)
    assert float(scores_on_page(page)["ID-PROJ"]) > 0


def test_snapshot_off_boots_normally(playwright, off_server, tmp_path) -> None:
    """CAP_SNAPSHOT=off: the boot as before snapshots; none is made or looked for."""
    page = open_page(playwright, tmp_path, off_server)
    assert visit(page, off_server) == "normal"
    assert page.evaluate(STORED) == []
    assert visit(page) == "normal"
    assert page.evaluate(STORED) == []
    assert page.watch.errors == [] and page.watch.foreign == []
    page.context.close()


def test_device_snapshot_made_restored_then_a_corrupted_one_dropped(playwright, device_server, tmp_path) -> None:
    page = open_page(playwright, tmp_path, device_server)
    # First visit: a normal boot that takes the snapshot and stores it once the engine is ready.
    with page.expect_console_message(lambda m: "instantané du moteur enregistré" in m.text, timeout=120_000):
        assert visit(page, device_server) == "made"
    stored = page.evaluate(STORED)
    assert len(stored) == 1 and not stored[0].startswith("failed-")
    answer_and_score(page, "3")

    # Repeat visit: restored from the snapshot; the page scores, the stored answer is still there.
    assert visit(page) == "restored"
    answer_and_score(page, "4")

    # A corrupted snapshot (same length, garbage where Pyodide's header is): the engine boots
    # normally, the page still scores, the snapshot is dropped and not made again for this build.
    page.evaluate("""async () => {
      const cache = await caches.open("cap-engine-snapshot");
      const [request] = await cache.keys();
      const old = await cache.match(request);
      const bytes = new Uint8Array(await old.arrayBuffer());
      bytes.fill(7, 0, 4096);
      await cache.put(request, new Response(bytes, { headers: old.headers }));
    }""")
    with page.expect_console_message(lambda m: "instantané du moteur écarté" in m.text, timeout=120_000):
        assert visit(page) == "fallback"
    answer_and_score(page, "2")
    assert page.evaluate(STORED) == [f"failed-{stored[0]}"]
    assert visit(page) == "normal"
    assert page.evaluate(STORED) == [f"failed-{stored[0]}"]

    # A truncated one (the stored length no longer matches): read fails, same fallback.
    page.evaluate("""async (url) => {
      const cache = await caches.open("cap-engine-snapshot");
      for (const request of await cache.keys()) await cache.delete(request);
      await cache.put(url, new Response(new Uint8Array(100), { headers: { "x-cap-length": "31457408" } }));
    }""", f"{device_server}{pyodide_folder()}/snapshot/{stored[0]}")
    with page.expect_console_message(lambda m: "instantané du moteur illisible" in m.text, timeout=120_000):
        assert visit(page) == "fallback"
    answer_and_score(page, "3")
    assert page.evaluate(STORED) == [f"failed-{stored[0]}"]
    assert page.watch.errors == [] and page.watch.foreign == []
    page.context.close()


def test_build_snapshot_restored_on_the_first_visit_and_deterministic(playwright, build_site, tmp_path) -> None:
    folder = build_site / pyodide_folder()
    [shipped] = [p.name for p in folder.glob("snapshot-*.bin.gz")]
    precache = json.loads((build_site / "sw.js").read_text().split("const FILES = ")[1].split(";\n")[0])
    assert f"{pyodide_folder()}/{shipped}" in precache
    httpd, url = serve_in_thread(build_site)
    try:
        page = open_page(playwright, tmp_path, url)
        assert visit(page, url) == "restored"
        answer_and_score(page, "3")
        assert visit(page) == "restored"
        answer_and_score(page, "4")
        assert page.watch.errors == [] and page.watch.foreign == []
        page.context.close()
    finally:
        httpd.shutdown()
    # Determinism: the same inputs give the same file (the build checks nothing else: a second run here).
    out = tmp_path / "again"
    out.mkdir()
    whl = next(folder.glob("*.whl"))
    subprocess.run(["node", str(ROOT / "site_config" / "snapshot.mjs"), str(folder), str(whl),
                    str(build_site / "assets" / "cap" / "questionnaire.json"), str(out)], check=True,
                   capture_output=True, timeout=600)
    assert [p.name for p in out.iterdir()] == [shipped]


def test_build_snapshot_corrupted_falls_back_and_is_dropped(playwright, build_site, tmp_path) -> None:
    copy = tmp_path / "site"
    shutil.copytree(build_site, copy)
    [snap] = (copy / pyodide_folder()).glob("snapshot-*.bin.gz")
    snap.write_bytes(b"\x1f\x8b" + bytes(5000))  # gzip magic, then nothing that inflates
    httpd, url = serve_in_thread(copy)
    try:
        page = open_page(playwright, tmp_path, url)
        with page.expect_console_message(lambda m: "instantané du moteur illisible" in m.text, timeout=120_000):
            assert visit(page, url) == "fallback"
        answer_and_score(page, "2")
        [marker] = page.evaluate(STORED)
        assert marker.startswith("failed-")
        assert visit(page) == "normal"
        assert page.watch.errors == [] and page.watch.foreign == []
        page.context.close()
    finally:
        httpd.shutdown()

"""The plan as an editable document: "Télécharger le plan (ODT)" on the plan step gives an
OpenDocument text that a real reader (odfpy) opens, with every action of the plan, hostile text
kept as text, and the same content.xml as the CLI makes from the exported file."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from odf import teletype
from odf.opendocument import load as odf_load
from odf.text import P

from cap.load import load
from tests.conftest import REAL, ROOT
from tests.e2e.conftest import act, answer, goto, open_assessment, wait_scored

pytestmark = pytest.mark.e2e

HOSTILE = "<text:p>Réécrire</text:p> ]]> & le  projet\navec l'équipe"
NAME = "Atelier <Trois> & ]]> Vallées"


def _paragraphs(data: bytes) -> list[str]:
    return [teletype.extractText(p) for p in odf_load(io.BytesIO(data)).getElementsByType(P)]


def test_the_odt_download_holds_the_plan_and_equals_the_cli_document(page, server, tmp_path: Path) -> None:
    q = load(REAL)
    first, second = q.themes[0].criteria[:2]
    open_assessment(page, server)
    page.fill('input[name="structure-name"]', NAME)
    page.click('[data-action="start"]')
    answer(page, first.id, "1")
    answer(page, second.id, "2")
    wait_scored(page)
    goto(page, "plan")
    page.click(f'.cap-suggestion[data-criterion="{first.id}"] [data-plan="keep"]')
    wait_scored(page)
    kept = page.locator(".cap-action").first
    kept.locator("textarea").fill(HOSTILE)
    kept.locator('input[type="text"]').fill("Direction & CA")
    kept.locator('input[type="month"]').fill("2027-06")
    page.click('[data-plan="add"]')
    wait_scored(page)
    page.locator(".cap-action").last.locator("textarea").fill("Présenter le plan à l'assemblée générale")
    # typing in an action only saves it (no new score): wait for the write
    page.wait_for_function("() => Object.keys(localStorage).some(k => k.startsWith('cap-en-ligne:a:')"
                           " && localStorage.getItem(k).includes('assemblée générale'))")

    with page.expect_download() as info:
        page.click('[data-action="export-odt"]:visible')
    download = info.value
    assert download.suggested_filename.startswith("cap-atelier") and download.suggested_filename.endswith("-plan.odt")
    data = Path(download.path()).read_bytes()
    assert data[30:38] == b"mimetype"
    text = _paragraphs(data)
    assert HOSTILE in text and "Présenter le plan à l'assemblée générale" in text
    assert NAME in text and "Direction & CA" in text and "juin 2027" in text
    assert first.question in text

    # The CLI, given the file the page exports, writes the same document.
    with page.expect_download() as info:
        act(page, "export-json")
    exported = tmp_path / "evaluation.json"
    exported.write_bytes(Path(info.value.path()).read_bytes())
    out = tmp_path / "cli.odt"
    run = subprocess.run([sys.executable, "-m", "cap", "-q", str(REAL), "report", str(exported), "--odt", "-o",
                          str(out)], capture_output=True, text=True, cwd=ROOT, env={"PYTHONPATH": str(ROOT / "py")})
    assert run.returncode == 0, run.stderr
    with zipfile.ZipFile(io.BytesIO(data)) as page_zip, zipfile.ZipFile(out) as cli_zip:
        assert page_zip.namelist() == cli_zip.namelist()
        for name in page_zip.namelist():
            assert page_zip.read(name) == cli_zip.read(name), name

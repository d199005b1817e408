"""Many files at once on the synthesis page: a whole folder, then a drop of many files; each refused
file is listed with its French reason, and none of the files already added is lost."""

from __future__ import annotations

import json

import pytest

from tests.e2e.conftest import wait_merged
from tests.e2e.test_synthese import IDS, ROLES, STRUCTURE, open_synthese

pytestmark = pytest.mark.e2e


def good(n: int) -> dict:
    """Participant n: its own id, name and answers (so that no two files are the same)."""
    return {"format": "cap-evaluation", "format_version": 2, "questionnaire": {"id": "cap", "version": "2026.1"},
            "id": f"dossier-{n}", "kind": "individual", "created": "2026-11-20T09:00:00Z",
            "updated": f"2026-11-20T10:{n:02d}:00Z",
            "structure": {"name": STRUCTURE, "types": ["ACI"], "activities": []},
            "respondent": {"name": f"Participant {n}", "role": ROLES[n % len(ROLES)]},
            "answers": {cid: {"value": 1 + (i + n) % 4} for i, cid in enumerate(IDS[:20])}}


def test_a_folder_then_a_drop_keep_the_good_files_and_explain_the_bad_ones(page, server, tmp_path) -> None:
    folder = tmp_path / "seance-2026"
    (folder / "groupe-b").mkdir(parents=True)
    for n in range(5):
        (folder / ("groupe-b" if n % 2 else "") / f"participant-{n}.json").write_text(json.dumps(good(n)), "utf-8")
    (folder / "abime.json").write_text("{ pas fini", encoding="utf-8")
    (folder / "notes.txt").write_text("ordre du jour", encoding="utf-8")

    open_synthese(page, server)
    page.set_input_files('[data-action="add-folder"]', str(folder))
    wait_merged(page)
    assert page.locator('[data-files] tr[data-file-status="accepted"]').count() == 5
    skipped = page.locator(".cap-alert", has_text="notes.txt")
    assert "pas des fichiers JSON" in skipped.inner_text()

    # A second batch, dropped: five more participants and a file made for another questionnaire.
    dropped = {f"participant-{n}.json": json.dumps(good(n)) for n in range(5, 10)}
    dropped["autre-grille.json"] = json.dumps({**good(10), "questionnaire": {"id": "autre-grille", "version": "1"}})
    page.evaluate("""(files) => {
        const dt = new DataTransfer();
        for (const [name, text] of Object.entries(files)) {
            dt.items.add(new File([text], name, { type: "application/json" }));
        }
        const zone = document.querySelector("[data-drop]");
        zone.dispatchEvent(new DragEvent("dragover", { dataTransfer: dt, bubbles: true, cancelable: true }));
        zone.dispatchEvent(new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true }));
    }""", dropped)
    page.wait_for_function("() => document.querySelectorAll('[data-files] tr').length === 12")
    wait_merged(page)

    accepted = page.locator('[data-files] tr[data-file-status="accepted"]')
    assert accepted.count() == 10
    names = {accepted.nth(i).get_attribute("data-file") for i in range(10)}
    assert names == {f"participant-{n}.json" for n in range(10)}
    refused = {tr.get_attribute("data-file"): tr.inner_text()
               for tr in page.locator('[data-files] tr[data-file-status="refused"]').all()}
    assert set(refused) == {"abime.json", "autre-grille.json"}
    assert "n'est pas au format JSON" in refused["abime.json"]
    assert "autre questionnaire" in refused["autre-grille.json"]
    assert "10 participant(s) dans la synthèse ; 2 fichier(s) mis de côté" in page.inner_text("[data-files-summary]")

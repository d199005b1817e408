"""A file or a stored assessment made with the referential 2026.1 opens in 2027.1: answers kept,
the profile turned into lists, the user told what changed, and the criteria to look at marked
until answered (issue 13 §6)."""

from __future__ import annotations

import json

from cap.load import load
from tests.conftest import ROOT
from tests.e2e.conftest import goto, open_assessment, wait_scored
from tests.unit.test_corpus_2026 import OLD_DIR, old_file

OLD = load(OLD_DIR)
READY = "#cap-app[data-state=ready]"


def stored(page, aid: str) -> dict:
    return json.loads(page.evaluate(f"() => localStorage.getItem('cap-en-ligne:a:{aid}')"))


def test_a_2026_file_imported_is_updated_and_its_changes_shown(page, server, tmp_path) -> None:
    old = old_file(OLD, "SAP")
    path = tmp_path / "structure-sap-2026.json"
    path.write_text(json.dumps(old, ensure_ascii=False), encoding="utf-8")
    open_assessment(page, server)
    page.set_input_files('[data-action="import-json"]', str(path))
    box = page.locator("[data-migration]")
    box.wait_for(state="visible")
    text = box.inner_text()
    assert "2026.1" in text and "2027.1" in text and "Services à la personne" in text
    # the single type became the lists: ESS, and the three modes of services à la personne to choose from
    assert page.is_checked('input[name="structure-type"][value="ESS"]')
    assert page.is_checked('input[name="structure-activity"][value="SAP_MAD"]')
    record = stored(page, old["id"])
    assert record["format_version"] == 2 and record["structure"]["types"] == ["ESS"]
    assert "type" not in record["structure"]
    kept = {cid: a["value"] for cid, a in old["answers"].items() if cid in record["answers"]}
    assert kept and all(record["answers"][cid]["value"] == v for cid, v in kept.items()
                        if cid not in ("ID-TERR-01", "ID-RESE-02"))  # the two that received a merge
    assert [p["action"] for p in record["plan"]] == [p["action"] for p in old["plan"]]
    # A new criterion is marked until it is answered; the mark goes with the answer.
    assert record["review"].get("ID-PROJ-04")
    goto(page, "ID-PROJ")
    mark = page.locator('#c-ID-PROJ-04 .cap-review')
    assert mark.is_visible() and "répondre" in mark.inner_text()
    page.locator('input[name="ID-PROJ-04"][value="2"]').check()
    assert mark.count() == 0
    page.wait_for_function(
        f"() => !(JSON.parse(localStorage.getItem('cap-en-ligne:a:{old['id']}')).review || {{}})['ID-PROJ-04']")
    wait_scored(page)


def test_an_assessment_stored_by_the_2026_page_is_updated_when_the_engine_is_ready(page, server) -> None:
    old = old_file(OLD, "ACI")
    old["answers"]["ID-TERR-01"] = {"value": 4}
    old["answers"]["SR-CLIE-03"] = {"value": 2, "comment": "Activités à revoir"}
    open_assessment(page, server, wait_ready=False)
    page.wait_for_selector("#cap-structure-name")
    page.evaluate("""(a) => {
        const item = {id: a.id, name: a.structure.name, updated: a.updated};
        localStorage.setItem('cap-en-ligne:index', JSON.stringify([item]));
        localStorage.setItem('cap-en-ligne:a:' + a.id, JSON.stringify(a));
        localStorage.setItem('cap-en-ligne:current', a.id);
    }""", old)
    page.reload()
    page.wait_for_selector(READY, timeout=120_000)
    page.locator("[data-migration]").wait_for(state="visible")
    assert "2027.1" in page.inner_text("[data-migration]")
    page.wait_for_function(
        f"() => JSON.parse(localStorage.getItem('cap-en-ligne:a:{old['id']}')).format_version === 2")
    record = stored(page, old["id"])
    assert record["structure"]["types"] == ["ACI"] and record["questionnaire"]["version"] == load(
        ROOT / "questionnaire").version
    # merged: the lower of the two answers, the old one's comment kept, flagged to check again
    assert record["answers"]["ID-TERR-01"]["value"] == 2
    assert "Activités à revoir" in record["answers"]["ID-TERR-01"].get("comment", "")
    assert record["review"]["ID-TERR-01"] == "merged"
    assert "SR-CLIE-03" not in record["answers"]
    # reloading does not migrate again nor repeat the message
    page.reload()
    page.wait_for_selector(READY, timeout=120_000)
    wait_scored(page)
    assert page.locator("[data-migration]").is_hidden()

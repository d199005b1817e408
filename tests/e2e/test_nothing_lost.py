"""Nothing lost: two tabs on one assessment, a tab closed mid-sentence, full storage, damaged
entries, "Effacer mes données" and its undo, an engine that stops. Each test is an attack that
once broke (issue 12); it passes only if the user's work survives and is told in French."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.conftest import (
    act,
    goto,
    new_page,
    open_assessment,
    open_menu,
    scores_on_page,
    theme_of,
    wait_scored,
    watched,
)

pytestmark = pytest.mark.e2e

READY = "#cap-app[data-state=ready][data-form=complete]"


def answer(page, cid: str, value: str) -> None:
    goto(page, theme_of(cid))
    page.locator(f'input[name="{cid}"][value="{value}"]').check()


def comment(page, cid: str, text: str) -> None:
    goto(page, theme_of(cid))
    details = page.locator(f"#c-{cid} details.cap-comment")
    if not details.evaluate("d => d.open"):
        details.locator("summary").click()
    page.fill(f'textarea[name="comment:{cid}"]', text)


def stored(page, aid: str | None = None) -> dict:
    """The assessment as stored in this browser (the current one by default)."""
    return page.evaluate("""(aid) => {
        const id = aid || localStorage.getItem('cap-en-ligne:current');
        return JSON.parse(localStorage.getItem('cap-en-ligne:a:' + id));
    }""", aid)


def values(assessment: dict) -> dict:
    return {cid: a.get("value") for cid, a in assessment["answers"].items() if a.get("value") is not None}


def export(page, tmp_path: Path) -> dict:
    with page.expect_download(timeout=10_000) as info:
        act(page, "export-json")
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    return json.loads(target.read_text(encoding="utf-8"))


def saved_count(page) -> int:
    return int(page.get_attribute("#cap-app", "data-saved") or 0)


def test_two_tabs_on_one_assessment_merge_instead_of_overwriting(browser, server) -> None:
    """Tab A answers, tab B opens the same assessment, both go on answering: every answer is kept,
    in storage and on both screens, and B's user is told that A changed it."""
    a = new_page(browser, server, viewport={"width": 1280, "height": 900})
    open_assessment(a, server)
    answer(a, "ID-PROJ-01", "3")
    b = watched(a.context.new_page(), server)
    open_assessment(b, server)
    goto(b, "ID-PROJ")
    assert b.is_checked('input[name="ID-PROJ-01"][value="3"]')
    answer(a, "ID-PROJ-02", "2")
    comment(a, "ID-PROJ-02", "Vu en bureau")
    answer(b, "ID-GOUV-01", "4")
    goto(b, "intro")
    b.fill("#cap-structure-name", "EI du Val")
    answer(a, "SR-ACCU-01", "1")
    expected = {"ID-PROJ-01": 3, "ID-PROJ-02": 2, "ID-GOUV-01": 4, "SR-ACCU-01": 1}
    for page in (a, b):
        page.wait_for_function(
            "() => { const id = localStorage.getItem('cap-en-ligne:current');"
            " const s = JSON.parse(localStorage.getItem('cap-en-ligne:a:' + id));"
            " return s.answers['SR-ACCU-01'] && s.answers['ID-GOUV-01'] && s.structure.name === 'EI du Val'; }")
    final = stored(a)
    assert values(final) == expected
    assert final["answers"]["ID-PROJ-02"]["comment"] == "Vu en bureau"
    assert final["structure"]["name"] == "EI du Val"
    goto(b, "SR-ACCU")
    b.wait_for_function("() => document.querySelector('input[name=\"SR-ACCU-01\"][value=\"1\"]').checked")
    goto(a, "ID-GOUV")
    a.wait_for_function("() => document.querySelector('input[name=\"ID-GOUV-01\"][value=\"4\"]').checked")
    assert a.input_value("#cap-structure-name") == "EI du Val"
    goto(b, "ID-PROJ")
    assert b.input_value('textarea[name="comment:ID-PROJ-02"]') == "Vu en bureau"
    assert "autre onglet" in b.inner_text("[data-alerts]")
    for page in (a, b):
        wait_scored(page)
    assert scores_on_page(a)["overall"] == scores_on_page(b)["overall"] != ""
    assert a.watch.errors == [] and b.watch.errors == [] and a.watch.foreign == []
    a.context.close()


def test_the_last_keystroke_survives_a_closed_tab_and_a_reload(browser, server) -> None:
    context_page = new_page(browser, server, viewport={"width": 1280, "height": 900})
    context = context_page.context
    open_assessment(context_page, server, wait_ready=False)
    context_page.wait_for_selector("#cap-structure-name")
    context_page.type("#cap-structure-name", "ACI Soleil")
    comment(context_page, "ID-PROJ-01", "Dernier mot tapé")
    context_page.close()  # at once, no wait
    again = context.new_page()
    again.goto(server + "evaluer.html")
    again.wait_for_selector('#cap-app[data-step="ID-PROJ"]')  # where it was left
    assert again.input_value("#cap-structure-name") == "ACI Soleil"
    assert again.input_value('textarea[name="comment:ID-PROJ-01"]') == "Dernier mot tapé"
    again.fill('textarea[name="comment:ID-PROJ-01"]', "Dernier mot tapé, puis rechargé")
    again.reload()
    again.wait_for_selector('#cap-app[data-step="ID-PROJ"]')
    assert again.input_value('textarea[name="comment:ID-PROJ-01"]') == "Dernier mot tapé, puis rechargé"
    context.close()


FILL_STORAGE = """() => {
    // Fill this origin's localStorage to the last byte with someone else's data.
    let n = 0, size = 1 << 20;
    while (size >= 1) {
        try { localStorage.setItem('autre-site:' + (n++), 'x'.repeat(size)); }
        catch (e) { size = Math.floor(size / 2); }
    }
    return n;
}"""


def test_full_storage_keeps_the_work_reachable_exportable_and_shows_a_way_out(page, server, tmp_path) -> None:
    open_assessment(page, server)
    page.fill("#cap-structure-name", "Ancienne évaluation")
    comment(page, "ID-CONC-03", "x" * 4900)  # weight, so that deleting it makes room
    answer(page, "ID-PROJ-01", "1")
    old_id = page.evaluate("() => localStorage.getItem('cap-en-ligne:current')")
    act(page, "new")
    page.fill("#cap-structure-name", "Évaluation 2026")
    answer(page, "ID-PROJ-01", "3")
    answer(page, "ID-GOUV-01", "4")
    current_id = page.evaluate("() => localStorage.getItem('cap-en-ligne:current')")
    assert current_id != old_id
    page.evaluate(FILL_STORAGE)

    page.reload()
    page.wait_for_selector(READY, timeout=120_000)
    text = page.inner_text("[data-alerts]")
    assert "plein" in text and "désactivé" not in text
    assert page.input_value("#cap-structure-name") == "Évaluation 2026"
    goto(page, "ID-GOUV")
    assert page.is_checked('input[name="ID-GOUV-01"][value="4"]')
    assert page.locator('[data-action="switch"] option').count() == 2
    # changes while full: one alert, not one per change; a new assessment is refused, not thrown
    for cid, value in (("ID-PROJ-02", "2"), ("ID-PROJ-03", "3"), ("ID-GOUV-02", "1"), ("SR-ACCU-01", "4")):
        answer(page, cid, value)
    act(page, "new")
    assert page.locator(".cap-alert", has_text="est plein").count() == 1
    assert page.input_value("#cap-structure-name") == "Évaluation 2026"
    # export works and holds the answers given while full
    data = export(page, tmp_path)
    assert values(data)["SR-ACCU-01"] == 4 and values(data)["ID-GOUV-01"] == 4
    assert "_sync" not in data
    # the way out: open the old one, delete it; then the current one saves again
    open_menu(page)
    page.select_option('[data-action="switch"]', old_id)
    assert page.input_value("#cap-structure-name") == "Ancienne évaluation"
    page.once("dialog", lambda dialog: dialog.accept())
    act(page, "delete")
    assert page.input_value("#cap-structure-name") == "Évaluation 2026"
    before = saved_count(page)
    answer(page, "SR-ACCU-02", "2")
    page.wait_for_function(f"() => +document.getElementById('cap-app').dataset.saved > {before}")
    assert page.locator(".cap-alert", has_text="est plein").count() == 0
    assert "fonctionne de nouveau" in page.inner_text("[data-alerts]")
    # what was typed while full was kept in the page and is now stored
    assert values(stored(page, current_id))["SR-ACCU-02"] == 2


def test_damaged_entries_are_set_aside_or_repaired_and_saving_goes_on(page, server) -> None:
    open_assessment(page, server, wait_ready=False)
    page.wait_for_selector("#cap-structure-name")
    page.evaluate("""() => {
        const index = [{id: 'vide', name: 'Vide', updated: '2026-11-01T10:00:00Z'},
                       {id: 'abime', name: 'Abîmée', updated: '2026-11-02T10:00:00Z'}];
        localStorage.setItem('cap-en-ligne:index', JSON.stringify(index));
        localStorage.setItem('cap-en-ligne:a:vide', '{}');
        localStorage.setItem('cap-en-ligne:a:abime', JSON.stringify({format: 'cap-evaluation', format_version: 1,
            questionnaire: {id: 'cap', version: '2026.1'}, id: 'abime', kind: 'individual',
            structure: {name: 'Abîmée', type: null}, respondent: null, answers: null, plan: 'rien'}));
        localStorage.setItem('cap-en-ligne:current', 'vide');
    }""")
    page.reload()
    page.wait_for_selector(READY, timeout=120_000)
    assert "mise de côté" in page.inner_text("[data-alerts]")
    assert page.input_value("#cap-structure-name") == "Abîmée"
    before = saved_count(page)
    answer(page, "ID-PROJ-01", "2")
    page.wait_for_function(f"() => +document.getElementById('cap-app').dataset.saved > {before}")
    assert values(stored(page, "abime")) == {"ID-PROJ-01": 2}
    wait_scored(page)
    # the unreadable one is kept aside, not erased
    assert page.evaluate("() => localStorage.getItem('cap-en-ligne:aside:vide')") == "{}"


OURS = """() => Object.fromEntries(Object.keys(localStorage).filter(k => k.startsWith('cap-en-ligne:'))
    .map(k => [k, localStorage.getItem(k)]))"""


def test_clear_all_says_what_goes_and_can_be_undone(page, server) -> None:
    open_assessment(page, server)
    answer(page, "ID-PROJ-01", "3")
    page.evaluate("""() => localStorage.setItem('cap-en-ligne:session', JSON.stringify({v: 1, id: 's1',
        files: [{name: 'a.json', text: '{}'}, {name: 'b.json', text: '{}'}], agreed: {'ID-PROJ-01': {value: 2}}}))""")
    before = page.evaluate(OURS)
    messages = []
    page.once("dialog", lambda dialog: (messages.append(dialog.message), dialog.accept()))
    act(page, "clear")
    assert "synthèse collective" in messages[0] and "2 fichier(s)" in messages[0] and "annuler" in messages[0]
    assert page.evaluate("() => localStorage.getItem('cap-en-ligne:session')") is None
    goto(page, "ID-PROJ")
    assert not page.is_checked('input[name="ID-PROJ-01"][value="3"]')
    page.click('[data-action="undo-clear"]')
    after = page.evaluate(OURS)
    assert after["cap-en-ligne:session"] == before["cap-en-ligne:session"]
    kept = {k for k in after if k.startswith("cap-en-ligne:a:")}
    assert kept and kept == {k for k in before if k.startswith("cap-en-ligne:a:")}
    assert page.is_checked('input[name="ID-PROJ-01"][value="3"]')
    assert "rétablies" in page.inner_text("[data-alerts]")


def test_a_dead_engine_is_said_restarted_and_export_still_works(page, server, tmp_path) -> None:
    open_assessment(page, server)
    answer(page, "ID-PROJ-01", "3")
    answer(page, "ID-GOUV-01", "4")
    wait_scored(page)
    [engine] = [w for w in page.workers if w.url.endswith("/assets/cap/worker.js")]
    engine.evaluate("() => self.close()")  # the worker is gone, without a word
    # export does not wait for the engine: the stored file comes at once
    data = export(page, tmp_path)
    assert values(data) == {"ID-PROJ-01": 3, "ID-GOUV-01": 4} and "_sync" not in data
    answer(page, "ID-PROJ-02", "2")  # its score call will not be answered
    page.wait_for_selector(".cap-alert:has-text('redémarre')", timeout=40_000)
    page.wait_for_selector("#cap-app[data-state=ready]", timeout=120_000)
    answer(page, "ID-PROJ-03", "4")
    wait_scored(page)
    assert scores_on_page(page)["overall"] != ""
    assert "Erreur interne" not in page.inner_text("#cap-app")


def import_file(page, name: str, data: bytes) -> None:
    page.set_input_files('[data-action="import-json"]', files=[{"name": name, "mimeType": "application/json",
                                                                "buffer": data}])


def test_answers_to_unknown_criteria_survive_every_export(page, server, tmp_path) -> None:
    """A file from another version of the referential: what this one does not know is kept apart,
    export after export, with the version it was made with."""
    open_assessment(page, server)
    old = {"format": "cap-evaluation", "format_version": 1, "questionnaire": {"id": "cap", "version": "2025.1"},
           "id": "ancienne", "kind": "individual", "structure": {"name": "AI Ancienne", "type": "AI"},
           "answers": {"ID-PROJ-01": {"value": 3}, "XX-VIEU-01": {"value": 2, "comment": "critère retiré"},
                       "XX-VIEU-02": {"value": "dk"}}}
    import_file(page, "ancienne.json", json.dumps(old).encode())
    page.wait_for_selector(".cap-alert-success")
    assert "XX-VIEU-01" in page.inner_text("[data-alerts]")
    first = export(page, tmp_path)
    answer(page, "ID-GOUV-01", "2")
    second = export(page, tmp_path)
    for data in (first, second):
        assert data["unknown_answers"] == {"XX-VIEU-01": {"value": 2, "comment": "critère retiré"},
                                           "XX-VIEU-02": {"value": "dk"}}
        assert "2025.1" in json.dumps(data["questionnaire"])
    assert values(second) == {"ID-PROJ-01": 3, "ID-GOUV-01": 2}


def test_a_file_too_big_is_refused_with_its_real_size_and_nothing_changes(page, server) -> None:
    open_assessment(page, server)
    answer(page, "ID-PROJ-01", "3")
    import_file(page, "enorme.json", b"{" + b" " * 6_000_000 + b"}")
    page.wait_for_selector(".cap-alert:has-text('enorme.json')")
    text = page.inner_text("[data-alerts]")
    assert "trop volumineux" in text and "6,0 Mo" in text and "2,0 Mo" not in text
    assert "Erreur interne" not in text and "n'a pas changé" in text
    goto(page, "ID-PROJ")
    assert page.is_checked('input[name="ID-PROJ-01"][value="3"]')

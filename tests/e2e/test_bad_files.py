"""One bad file among good ones, on the synthesis and evolution pages: the good files are merged,
the bad one is listed as set aside with its reason in French, it can be removed (by keyboard too),
a reload keeps the session, and no message says "Erreur interne". Also: a file far above the size
limit is named with its real size, a large refused file does not break the session's save, and a
failed engine call leaves the page usable."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from cap.compare import compare
from cap.consolidate import consolidate
from cap.formats import read_assessment
from cap.load import load
from cap.score import score
from tests.e2e.conftest import ROOT, wait_merged, wait_updated
from tests.e2e.test_evolution import two_years, year
from tests.e2e.test_synthese import participant, participants

pytestmark = pytest.mark.e2e

Q = load(ROOT / "questionnaire")
IDS = [c.id for c in Q.criteria]
TECHNICAL = ("Erreur interne", "Maximum call stack", "ValueError", "RecursionError", "UnicodeEncodeError",
             "SyntaxError", "undefined")


def with_defect(data: dict, kind: str) -> str:
    """An otherwise valid assessment file (its own id) with one defect, as JSON text."""
    data = json.loads(json.dumps(data))
    data["id"] = f"{data['id']}-{kind}"
    first = next(iter(data["answers"]))
    if kind == "big-integer":
        data["answers"][first]["value"] = "BIG"
        return json.dumps(data).replace('"BIG"', "9" * 5000)
    if kind == "nan":
        data["answers"][first]["value"] = float("nan")
        return json.dumps(data)  # allow_nan: writes NaN, as JavaScript's JSON never would
    if kind == "date":
        data["updated"] = "pas une date"
        return json.dumps(data)
    if kind == "surrogate":
        data["answers"][first]["comment"] = "Avant \ud800 après"
        return json.dumps(data)  # ensure_ascii: the lone surrogate is written as the escape \ud800
    raise ValueError(kind)


def bad_text(kind: str, good: dict) -> str:
    if kind == "not-json":
        return "{ ceci n'est pas du JSON"
    if kind == "deep":
        return "[" * 100_000 + "]" * 100_000
    if kind == "foreign":
        return json.dumps({"name": "mon-projet", "version": "1.0.0", "dependencies": {"left-pad": "^1.3.0"}})
    return with_defect(good, kind)


KINDS = ["not-json", "deep", "big-integer", "nan", "date", "foreign", "surrogate"]


def no_technical_message(page) -> None:
    text = page.inner_text("body")
    for word in TECHNICAL:
        assert word not in text, word


# -- the synthesis page --------------------------------------------------------------------------

def open_synthese(page, server: str) -> None:
    page.goto(server + "synthese.html")
    page.wait_for_selector("#cap-synthese[data-state=ready]", timeout=120_000)
    wait_merged(page)


def write_three(tmp_path: Path) -> list[str]:
    paths = []
    for n, data in enumerate(participants()[:3]):
        path = tmp_path / f"participant-{n + 1}.json"
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        paths.append(str(path))
    return paths


def decide_first(page) -> str:
    """In meeting mode, retain level 4 for the first criterion shown; returns its id."""
    page.click('[data-action="meeting"]')
    dialog = page.locator("dialog[data-meeting]")
    cid = dialog.get_attribute("data-criterion")
    page.keyboard.press("4")
    page.keyboard.press("Escape")
    wait_merged(page)
    return cid


def expected_overall(cid: str) -> float:
    people = [read_assessment(json.dumps(p), Q)[0] for p in participants()[:3]]
    return score(Q, consolidate(Q, people, agreed={cid: {"value": 4}}))["overall"]["percent"]


def assert_three_merged(page, cid: str) -> None:
    assert page.get_attribute("#cap-synthese", "data-failed") is None
    assert page.locator('[data-files] tr[data-file-status="accepted"]').count() == 3
    assert "3 participant(s) dans la synthèse" in page.inner_text("[data-files-summary]")
    assert page.inner_text("[data-overview]").startswith("3 participant(s)")
    assert page.get_attribute(f"#s-{cid}", "data-agreed") == "4"
    overall = page.get_attribute('#syn-result [data-score="overall"]', "data-value")
    assert float(overall) == pytest.approx(expected_overall(cid))


def assert_set_aside(page, name: str) -> str:
    row = page.locator(f'[data-files] tr[data-file="{name}"]')
    assert row.get_attribute("data-file-status") == "refused"
    text = row.inner_text()
    assert "Mis de côté" in text and "Raison :" in text
    reason = text.split("Raison :", 1)[1].strip()
    assert len(reason) > 10, text
    return text


def remove_from_keyboard(page, name: str, wait) -> None:
    """Remove a listed file with its button, from the keyboard; the page is up to date after `wait`."""
    page.locator(f'[data-files] tr[data-file="{name}"] button').focus()
    page.keyboard.press("Enter")
    wait(page)
    assert page.locator(f'[data-files] tr[data-file="{name}"]').count() == 0


def write_bad(tmp_path: Path, good: dict) -> list[Path]:
    """One bad file of each kind, each otherwise a plausible file of its own."""
    folder = tmp_path / "bad"
    folder.mkdir()
    paths = []
    for kind in KINDS:
        path = folder / f"mauvais-{kind}.json"
        path.write_text(bad_text(kind, good), encoding="utf-8")
        paths.append(path)
    return paths


def test_synthesis_sets_bad_files_aside_and_merges_the_others(page, server, tmp_path) -> None:
    open_synthese(page, server)
    page.set_input_files('[data-action="add-files"]', write_three(tmp_path))
    wait_merged(page)
    cid = decide_first(page)
    bad = write_bad(tmp_path, participant(3, {i: 2 for i in IDS}))
    page.set_input_files('[data-action="add-files"]', [str(p) for p in bad])
    wait_merged(page)

    assert_three_merged(page, cid)
    for path in bad:
        assert_set_aside(page, path.name)
    assert page.locator("[data-alerts] .cap-alert-error").count() == 0
    no_technical_message(page)

    # A reload keeps the three files, the bad ones (still set aside) and the answer retained.
    page.reload()
    page.wait_for_selector("#cap-synthese[data-state=ready]", timeout=120_000)
    wait_merged(page)
    assert_three_merged(page, cid)
    for path in bad:
        assert_set_aside(page, path.name)
    no_technical_message(page)

    # Removing them, from the keyboard: the session keeps the rest.
    for path in bad:
        remove_from_keyboard(page, path.name, wait_merged)
        assert_three_merged(page, cid)
    page.reload()
    page.wait_for_selector("#cap-synthese[data-state=ready]", timeout=120_000)
    wait_merged(page)
    assert_three_merged(page, cid)
    assert page.locator("[data-files] tr").count() == 3
    session = json.loads(page.evaluate("() => localStorage.getItem('cap-en-ligne:session')"))
    assert [f["name"] for f in session["files"]] == [f"participant-{n}.json" for n in (1, 2, 3)]
    assert session["agreed"] == {cid: {"value": 4}}
    no_technical_message(page)


def test_a_50_mb_file_is_named_with_its_real_size_and_not_kept_in_storage(page, server, tmp_path) -> None:
    open_synthese(page, server)
    page.set_input_files('[data-action="add-files"]', write_three(tmp_path))
    wait_merged(page)
    cid = decide_first(page)
    big = tmp_path / "enorme.json"
    with big.open("wb") as f:
        f.truncate(50_000_000)  # 50 MB (of zero bytes: not even text)
    page.set_input_files('[data-action="add-files"]', str(big))
    wait_merged(page)
    assert_three_merged(page, cid)
    text = assert_set_aside(page, big.name)
    assert "volumineux" in text and ("50,0 Mo" in text or "50.0 Mo" in text), text
    no_technical_message(page)
    # The session keeps its name and reason, not 2 MB of its text.
    stored = page.evaluate("() => localStorage.getItem('cap-en-ligne:session')")
    assert len(stored) < 200_000
    page.reload()
    page.wait_for_selector("#cap-synthese[data-state=ready]", timeout=120_000)
    wait_merged(page)
    assert_three_merged(page, cid)
    text = assert_set_aside(page, big.name)
    assert "volumineux" in text
    page.locator(f'[data-files] tr[data-file="{big.name}"] button').click()
    wait_merged(page)
    assert page.locator("[data-files] tr").count() == 3


STORAGE_TROUBLE = "n'a pas pu être gardée"


def test_a_2_mb_garbage_file_does_not_stop_the_session_being_saved(page, server, tmp_path) -> None:
    """localStorage holds about 5 MB: with 3 MB used by another page's data, the session cannot keep
    a 2 MB garbage file's text. It keeps the file's name and reason, and everything else."""
    open_synthese(page, server)
    page.evaluate("() => localStorage.setItem('test-other-data', 'x'.repeat(3_000_000))")
    page.set_input_files('[data-action="add-files"]', write_three(tmp_path))
    wait_merged(page)
    cid = decide_first(page)
    garbage = tmp_path / "bruit.json"
    garbage.write_bytes(os.urandom(1_990_000))
    page.set_input_files('[data-action="add-files"]', str(garbage))
    wait_merged(page)
    assert_three_merged(page, cid)
    assert_set_aside(page, garbage.name)
    assert STORAGE_TROUBLE not in page.inner_text("[data-alerts]")
    no_technical_message(page)

    page.reload()
    page.wait_for_selector("#cap-synthese[data-state=ready]", timeout=120_000)
    wait_merged(page)
    assert_three_merged(page, cid)
    assert_set_aside(page, garbage.name)
    page.locator(f'[data-files] tr[data-file="{garbage.name}"] button').click()
    wait_merged(page)
    assert page.locator("[data-files] tr").count() == 3

    # Storage really full: one message however many changes fail to be saved, gone once one is.
    page.evaluate("""() => { let n = 0; const chunk = 'y'.repeat(16_384);
        try { for (;;) { localStorage.setItem('test-fill' + n, chunk); n += 1; } } catch (e) { }
        try { for (;;) { localStorage.setItem('test-fill-' + n, 'y'.repeat(64)); n += 1; } } catch (e) { } }""")
    for letter in "ABC":  # each change makes the session longer: none of them fits
        page.fill('[data-field="name"]', letter * 150)
        wait_merged(page)
    alerts = page.locator("[data-alerts] .cap-alert", has_text=STORAGE_TROUBLE)
    assert alerts.count() == 1
    page.evaluate("() => Object.keys(localStorage).filter((k) => k.startsWith('test-fill'))"
                  ".forEach((k) => localStorage.removeItem(k))")
    page.fill('[data-field="name"]', "Les Jardins")
    wait_merged(page)
    assert alerts.count() == 0
    session = json.loads(page.evaluate("() => localStorage.getItem('cap-en-ligne:session')"))
    assert session["structure"]["name"] == "Les Jardins" and session["agreed"] == {cid: {"value": 4}}


# Makes the engine answer every `synthesis` / `evolution` call with the error in window.capBreak.
BREAK = """(() => {
  const post = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function (message, ...rest) {
    if (window.capBreak && message && ["synthesis", "evolution"].includes(message.op)) {
      const data = { id: message.id, ok: false, error: { ...window.capBreak, field: null } };
      setTimeout(() => this.dispatchEvent(new MessageEvent("message", { data })), 10);
      return;
    }
    return post.call(this, message, ...rest);
  };
})()"""
INTERNAL = "{message: 'Erreur interne du moteur de calcul (ValueError).', code: 'internal'}"
FATAL = "{message: 'Maximum call stack size exceeded', code: 'engine'}"
FAILED = "pas pu être faite"


def break_engine(page, error: str | None) -> None:
    page.evaluate(f"() => {{ window.capBreak = {error or 'null'}; }}")


def test_a_failed_engine_call_keeps_the_session_and_the_next_change_retries(page, server, tmp_path) -> None:
    page.add_init_script(BREAK)
    open_synthese(page, server)
    page.set_input_files('[data-action="add-files"]', write_three(tmp_path))
    wait_merged(page)
    cid = decide_first(page)
    before = json.loads(page.evaluate("() => localStorage.getItem('cap-en-ligne:session')"))

    # The engine fails the call twice: one message, in French; every file listed, removable; nothing lost.
    break_engine(page, INTERNAL)
    for _ in range(2):
        page.click('[data-action="show-names"]')
        wait_merged(page)
        assert page.get_attribute("#cap-synthese", "data-failed") == "true"
    assert page.locator("[data-alerts] .cap-alert", has_text=FAILED).count() == 1
    no_technical_message(page)
    rows = page.locator('[data-files] tr[data-file-status="failed"]')
    assert rows.count() == 3 and rows.locator("button").count() == 3
    after = json.loads(page.evaluate("() => localStorage.getItem('cap-en-ligne:session')"))
    assert after["files"] == before["files"] and after["agreed"] == before["agreed"]

    # « Réessayer » (or any change) merges again; the message goes away.
    break_engine(page, None)
    page.click("[data-retry]")
    wait_merged(page)
    assert_three_merged(page, cid)
    assert FAILED not in page.inner_text("[data-alerts]")

    # A fatal error: the engine restarts and the page merges again by itself once it is ready.
    break_engine(page, FATAL)
    page.click('[data-action="show-names"]')
    page.wait_for_function("() => document.getElementById('cap-synthese').dataset.failed", timeout=60_000)
    break_engine(page, None)
    no_technical_message(page)
    assert page.locator("[data-files] tr button").count() == 3
    page.wait_for_function("() => { const r = document.getElementById('cap-synthese');"
                           " return r.dataset.state === 'ready' && !r.dataset.failed; }", timeout=120_000)
    wait_merged(page)
    assert_three_merged(page, cid)
    no_technical_message(page)


# -- the evolution page --------------------------------------------------------------------------

def test_evolution_page_keeps_its_files_and_one_message_when_the_engine_fails(page, server, tmp_path) -> None:
    page.add_init_script(BREAK)
    old, new = two_years()
    paths = []
    for name, data in (("2025.json", old), ("2026.json", new)):
        (tmp_path / name).write_text(json.dumps(data), encoding="utf-8")
        paths.append(str(tmp_path / name))
    page.goto(server + "evolution.html")
    page.wait_for_selector("#cap-evolution[data-state=ready]", timeout=120_000)

    break_engine(page, INTERNAL)
    page.set_input_files('[data-action="add-files"]', paths)
    wait_updated(page)
    page.click("[data-retry]")
    wait_updated(page)
    assert page.get_attribute("#cap-evolution", "data-failed") == "true"
    assert page.locator("[data-alerts] .cap-alert", has_text=FAILED).count() == 1
    no_technical_message(page)
    assert page.locator('[data-files] tr[data-file-status="failed"] button').count() == 2

    break_engine(page, None)
    page.click("[data-retry]")
    wait_updated(page)
    assert page.locator('[data-files] tr[data-file-status="accepted"]').count() == 2
    assert FAILED not in page.inner_text("[data-alerts]")

    break_engine(page, FATAL)
    page.locator('[data-files] tr[data-file="2025.json"] button').click()
    page.wait_for_function("() => document.getElementById('cap-evolution').dataset.failed", timeout=60_000)
    break_engine(page, None)
    no_technical_message(page)
    page.wait_for_function("() => { const r = document.getElementById('cap-evolution');"
                           " return r.dataset.state === 'ready' && !r.dataset.failed; }", timeout=120_000)
    page.set_input_files('[data-action="add-files"]', paths[0])
    wait_updated(page)
    assert page.locator('[data-files] tr[data-file-status="accepted"]').count() == 2
    no_technical_message(page)


def test_evolution_sets_bad_files_aside_and_compares_the_others(page, server, tmp_path) -> None:
    old, new = two_years()
    paths = []
    for name, data in (("2025.json", old), ("2026.json", new)):
        (tmp_path / name).write_text(json.dumps(data), encoding="utf-8")
        paths.append(str(tmp_path / name))
    bad = write_bad(tmp_path, year(3, "2027-10-12T09:00:00Z", {cid: 3 for cid in IDS}, []))
    page.goto(server + "evolution.html")
    page.wait_for_selector("#cap-evolution[data-state=ready]", timeout=120_000)
    page.set_input_files('[data-action="add-files"]', paths)
    wait_updated(page)
    page.set_input_files('[data-action="add-files"]', [str(p) for p in bad])
    wait_updated(page)

    expected = compare(Q, read_assessment(json.dumps(old), Q)[0], read_assessment(json.dumps(new), Q)[0])

    def assert_two_compared() -> None:
        assert page.get_attribute("#cap-evolution", "data-failed") is None
        assert page.locator('[data-files] tr[data-file-status="accepted"]').count() == 2
        assert "2 évaluations comparées" in page.inner_text("[data-files-summary]")
        shown = page.get_attribute('[data-evolution] [data-delta="overall"]', "data-value")
        assert float(shown) == pytest.approx(expected["overall_delta"])

    assert_two_compared()
    for path in bad:
        row = page.locator(f'[data-files] tr[data-file="{path.name}"]')
        assert row.get_attribute("data-file-status") == "refused", path.name
        text = row.inner_text()
        assert "Mise de côté" in text and "Raison :" in text and len(text.split("Raison :", 1)[1].strip()) > 10
    assert page.locator("[data-alerts] .cap-alert-error").count() == 0
    no_technical_message(page)

    for path in bad:
        remove_from_keyboard(page, path.name, wait_updated)
        assert_two_compared()
    no_technical_message(page)

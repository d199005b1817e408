"""The assessment page, as a user meets it: answer, see scores, export, reload, import, bad files."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import (
    ROOT,
    act,
    answer,
    goto,
    new_page,
    open_assessment,
    open_menu,
    scores_on_page,
    wait_scored,
)

pytestmark = pytest.mark.e2e


def alerts(page) -> str:
    return page.inner_text("[data-alerts]")


def export(page, tmp_path: Path) -> Path:
    with page.expect_download() as info:
        act(page, "export-json")
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    return target


def cli_scores(path: Path) -> dict:
    out = subprocess.run([sys.executable, "-m", "cap", "score", str(path), "--json"], capture_output=True, text=True,
                         cwd=ROOT, check=True)
    return json.loads(out.stdout)


def fill_some(page) -> None:
    page.fill("#cap-structure-name", "ACI des Quatre Chemins")
    page.check('input[name="structure-type"][value="ACI"]')
    page.select_option("#cap-role", "direction")
    for cid, value in (("ID-PROJ-01", "3"), ("ID-PROJ-02", "2"), ("ID-PROJ-03", "dk"), ("ID-GOUV-01", "4"),
                       ("SR-ACCU-01", "1"), ("SR-ACCU-02", "3"), ("SU-ORGA-01", "2"), ("AC-PROG-01", "1"),
                       ("ID-CONC-03", "na")):
        answer(page, cid, value)
    page.fill('textarea[name="justification:ID-CONC-03"]', "Pas de salariés en parcours cette année.")
    goto(page, "ID-PROJ")
    page.locator("#c-ID-PROJ-01 details.cap-comment summary").click()
    page.fill('textarea[name="comment:ID-PROJ-01"]', "Projet revu en 2025.")


def test_newcomer_answers_sees_engine_scores_exports_and_finds_everything_after_reload(page, server, tmp_path) -> None:
    """Scores on the page equal `python -m cap score` on the exported file; a reload keeps everything."""
    open_assessment(page, server)
    fill_some(page)
    wait_scored(page)
    on_page = scores_on_page(page)
    assert float(on_page["overall"]) > 0
    exported = export(page, tmp_path)
    data = json.loads(exported.read_text(encoding="utf-8"))
    assert data["format"] == "cap-evaluation" and data["structure"]["name"] == "ACI des Quatre Chemins"
    assert data["answers"]["ID-CONC-03"] == {"value": "na", "justification": "Pas de salariés en parcours cette année."}
    cli = cli_scores(exported)
    assert float(on_page["overall"]) == pytest.approx(cli["overall"]["percent"])
    for pid, p in cli["pillars"].items():
        assert on_page[pid] == ("" if p["percent"] is None else pytest.approx(p["percent"])) or \
            float(on_page[pid]) == pytest.approx(p["percent"])
    for tid, t in cli["themes"].items():
        if t["percent"] is None:
            assert on_page[tid] == ""
        else:
            assert float(on_page[tid]) == pytest.approx(t["percent"])
    assert "Dernier export" in page.inner_text("[data-export-note]")

    page.reload()
    page.wait_for_selector("#cap-app[data-state=ready][data-form=complete]", timeout=120_000)
    assert page.input_value("#cap-structure-name") == "ACI des Quatre Chemins"
    assert page.is_checked('input[name="structure-type"][value="ACI"]')
    goto(page, "ID-GOUV")
    assert page.is_checked('input[name="ID-GOUV-01"][value="4"]')
    assert page.is_checked('input[name="ID-PROJ-03"][value="dk"]')
    assert page.input_value('textarea[name="comment:ID-PROJ-01"]') == "Projet revu en 2025."
    wait_scored(page)
    assert scores_on_page(page)["overall"] == on_page["overall"]
    assert data["structure"]["types"] == ["ACI"]


def test_progress_excluded_criteria_and_na_justification(page, server) -> None:
    open_assessment(page, server)
    page.check('input[name="structure-type"][value="ACI"]')
    goto(page, "SU-CONF")
    assert page.is_visible("#c-SU-CONF-02 .cap-excluded")  # the 480-hour rule is for AI only
    assert page.is_disabled('input[name="SU-CONF-02"][value="3"]')
    goto(page, "intro")
    page.uncheck('input[name="structure-type"][value="ACI"]')
    page.check('input[name="structure-type"][value="AI"]')
    goto(page, "SU-CONF")
    assert not page.is_visible("#c-SU-CONF-02 .cap-excluded")
    goto(page, "ID-PROJ")
    assert page.locator('input[name="ID-PROJ-01"][value="na"]').count() == 0  # core: no "non concerné"
    answer(page, "ID-CONC-03", "na")
    assert page.get_attribute('textarea[name="justification:ID-CONC-03"]', "aria-invalid") == "true"
    page.fill('textarea[name="justification:ID-CONC-03"]', "Raison")
    assert page.get_attribute('textarea[name="justification:ID-CONC-03"]', "aria-invalid") == "false"
    answer(page, "ID-PROJ-01", "2")
    wait_scored(page)
    assert page.inner_text('.cap-sommaire [data-progress="ID"]').startswith("2 / ")


def test_keyboard_only_answering(page, server) -> None:
    """Tab reaches the answers, arrow keys choose a level, and the score follows."""
    open_assessment(page, server)
    goto(page, "ID-PROJ")
    page.focus('input[name="ID-PROJ-01"][value="1"]')
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert page.is_checked('input[name="ID-PROJ-01"][value="3"]')
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.name") == "ID-PROJ-02":
            break
    assert page.evaluate("() => document.activeElement.name") == "ID-PROJ-02"
    page.keyboard.press("Space")
    wait_scored(page)
    assert page.is_checked('input[name="ID-PROJ-02"][value="1"]')
    assert page.get_attribute('[data-score="ID-PROJ"]', "data-value") != ""


def _make(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def _valid(answers: dict) -> dict:
    return {"format": "cap-evaluation", "format_version": 1, "questionnaire": {"id": "cap", "version": "2026.1"},
            "id": "import-ok", "kind": "individual", "structure": {"name": "Structure importée", "type": "EI"},
            "respondent": {"name": "", "role": "parcours"}, "answers": answers}


BAD_FILES = [
    ("pas-json.json", "ceci n'est pas du JSON", "n'est pas au format JSON"),
    ("autre-format.json", json.dumps({"name": "mon-projet", "version": "1.0.0"}), "n'est pas une évaluation CAP"),
    ("autre-questionnaire.json", json.dumps({**_valid({}), "questionnaire": {"id": "autre", "version": "1"}}),
     "autre questionnaire"),
    ("mauvais-types.json", json.dumps({**_valid({}), "answers": {"ID-PROJ-01": {"value": "beaucoup"}}}),
     "Réponse invalide"),
    ("enorme.json", "{" + " " * 3_000_000 + "}", "trop volumineux"),
]


@pytest.fixture(scope="module")
def work_in_progress(browser, server) -> Iterator[object]:
    """One started page with work in progress, shared by the bad-file tests: a refused file changes
    nothing, so each test finds the page as the previous one left it (and all of them check that)."""
    page = new_page(browser, server, viewport={"width": 1280, "height": 900})
    open_assessment(page, server)
    page.fill("#cap-structure-name", "Mon travail")
    answer(page, "ID-PROJ-01", "3")
    wait_scored(page)
    yield page
    watch = page.watch
    page.context.close()
    assert watch.foreign == [], f"requests to another origin: {watch.foreign}"
    assert watch.errors == [], f"console errors: {watch.errors}"


@pytest.mark.parametrize(("name", "content", "message"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_file_gets_a_clear_message_and_nothing_is_lost(work_in_progress, tmp_path, name, content, message) -> None:
    page = work_in_progress
    before = page.evaluate("() => localStorage.length")
    open_menu(page)
    page.set_input_files('[data-action="import-json"]', str(_make(tmp_path, name, content)))
    alert = page.locator(".cap-alert", has_text=f"« {name} »")  # this file's alert, not an earlier test's
    alert.wait_for()
    text = alert.inner_text()
    assert "Import impossible" in text
    assert message in text and name in text and "travail en cours n'a pas changé" in text
    assert page.input_value("#cap-structure-name") == "Mon travail"
    goto(page, "ID-PROJ")
    assert page.is_checked('input[name="ID-PROJ-01"][value="3"]')
    assert page.evaluate("() => localStorage.length") == before
    assert page.watch.errors == [] and page.watch.foreign == []


def test_good_file_is_imported_alongside_and_text_stays_text(page, server, tmp_path) -> None:
    """Imported text is shown as text, never run; the current assessment is kept too."""
    open_assessment(page, server)
    page.fill("#cap-structure-name", "Travail en cours")
    answer(page, "ID-PROJ-01", "2")
    wait_scored(page)
    evil = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'
    data = _valid({"ID-PROJ-01": {"value": 4, "comment": evil}, "ID-GOUV-01": {"value": 1},
                   "ZZ-VIEUX-01": {"value": 2}})
    data["structure"]["name"] = evil
    page.set_input_files('[data-action="import-json"]', str(_make(tmp_path, "bon.json", json.dumps(data))))
    page.wait_for_function("() => document.querySelector('[data-alerts]').textContent.includes('importé')")
    assert "ZZ-VIEUX-01" in alerts(page)  # unknown ids are kept and reported
    wait_scored(page)
    assert page.input_value("#cap-structure-name") == evil
    goto(page, "ID-PROJ")
    assert page.input_value('textarea[name="comment:ID-PROJ-01"]') == evil
    assert page.is_checked('input[name="ID-PROJ-01"][value="4"]')
    assert page.evaluate("() => window.__pwned") is None
    assert page.locator("#cap-app img[src=x]").count() == 0
    options = page.locator('[data-action="switch"] option').all_inner_texts()
    assert len(options) == 2 and any("Travail en cours" in o for o in options)
    assert any(evil in o for o in options)


def test_example_and_clear_my_data(page, server) -> None:
    open_assessment(page, server)
    act(page, "example")
    page.wait_for_function("() => document.querySelector('#cap-structure-name').value.includes('exemple')")
    wait_scored(page)
    assert float(page.get_attribute('[data-score="overall"]', "data-value")) > 0
    page.once("dialog", lambda d: d.accept())
    act(page, "clear")
    page.wait_for_function("() => document.querySelector('[data-alerts]').textContent.includes('effacées')")
    assert page.input_value("#cap-structure-name") == ""
    assert page.evaluate("() => Object.keys(localStorage).filter(k => k.startsWith('cap-en-ligne:a:')).length") <= 1


def test_several_assessments_rename_duplicate_delete(page, server) -> None:
    open_assessment(page, server)
    page.fill("#cap-structure-name", "Première")
    answer(page, "ID-PROJ-01", "2")
    act(page, "duplicate")
    page.wait_for_function("() => document.querySelector('#cap-structure-name').value === 'Première (copie)'")
    assert page.is_checked('input[name="ID-PROJ-01"][value="2"]')
    page.once("dialog", lambda d: d.accept("Seconde"))
    act(page, "rename")
    page.wait_for_function("() => document.querySelector('#cap-structure-name').value === 'Seconde'")
    options = page.locator('[data-action="switch"] option').all_inner_texts()
    assert len(options) == 2
    page.once("dialog", lambda d: d.accept())
    act(page, "delete")
    page.wait_for_function("() => document.querySelectorAll('[data-action=switch] option').length === 1")
    assert page.input_value("#cap-structure-name") == "Première"


def test_engine_failure_is_explained_and_answers_are_still_saved(browser, server) -> None:
    page = new_page(browser, server)
    page.watch.allowed_errors.append("Failed to load resource")
    page.context.route("**/pyodide.asm.wasm", lambda route: route.abort())
    page.goto(server + "evaluer.html")
    answer(page, "ID-PROJ-01", "3")  # the static form works before (and without) Python
    page.wait_for_selector("#cap-app[data-state=error]", timeout=120_000)
    assert "n'a pas pu démarrer" in alerts(page) and "restent enregistrées" in alerts(page)
    page.reload()
    page.wait_for_selector('#cap-app[data-step="ID-PROJ"]')  # where it was left
    assert page.is_checked('input[name="ID-PROJ-01"][value="3"]')
    assert page.watch.foreign == []
    page.context.close()


def test_full_storage_is_reported(browser, server) -> None:
    page = new_page(browser, server)
    page.goto(server + "evaluer.html")
    page.wait_for_selector("#cap-app[data-state=ready][data-form=complete]", timeout=120_000)
    page.evaluate("""() => { Storage.prototype.setItem = function () {
        throw new DOMException('plein', 'QuotaExceededError'); }; }""")
    answer(page, "ID-PROJ-01", "3")
    page.wait_for_function("() => document.querySelector('[data-alerts]').textContent.includes('plein')")
    assert page.watch.errors == [] and page.watch.foreign == []
    page.context.close()


def test_disabled_storage_is_reported_and_the_page_still_works(browser, server) -> None:
    page = new_page(browser, server)
    # As in some private modes: storage is there, but every write is refused.
    page.add_init_script("""Storage.prototype.setItem = function () {
        throw new DOMException('refusé', 'SecurityError'); };""")
    page.goto(server + "evaluer.html")
    page.wait_for_selector("#cap-app[data-state=ready][data-form=complete]", timeout=120_000)
    assert "désactivé" in alerts(page)
    answer(page, "ID-PROJ-01", "4")
    wait_scored(page)
    assert float(page.get_attribute('[data-score="ID-PROJ"]', "data-value")) == pytest.approx(100)
    assert page.watch.errors == [] and page.watch.foreign == []
    page.context.close()


def test_works_under_a_sub_path(browser, site) -> None:
    from site_config.serve import serve_in_thread

    httpd, url = serve_in_thread(site, prefix="/cap-en-ligne/")
    try:
        assert url.endswith("/cap-en-ligne/")
        page = new_page(browser, url)
        page.goto(url + "evaluer.html")
        page.wait_for_selector("#cap-app[data-state=ready][data-form=complete]", timeout=120_000)
        answer(page, "ID-PROJ-01", "4")
        wait_scored(page)
        assert float(page.get_attribute('[data-score="overall"]', "data-value")) == pytest.approx(100)
        page.goto(url + "piliers/identite.html")
        assert page.locator("#ID-PROJ-01").count() == 1
        assert page.watch.errors == [] and page.watch.foreign == []
        page.context.close()
    finally:
        httpd.shutdown()


SEARCH_ORDER = """(() => {
  window.__searchAsked = [];
  let engineAnswered = false;
  const NativeWorker = window.Worker;
  window.Worker = function (url, options) {
    const worker = new NativeWorker(url, options);
    worker.addEventListener('message', ({ data }) => { if (data && data.id === 0) engineAnswered = true; });
    return worker;
  };
  window.Worker.prototype = NativeWorker.prototype;
  const { open, send } = XMLHttpRequest.prototype;
  XMLHttpRequest.prototype.open = function (method, url, ...rest) { this.__url = String(url);
    return open.call(this, method, url, ...rest); };
  XMLHttpRequest.prototype.send = function (body) {
    // true when the engine had answered, or when boot.js's 20 s limit had passed (a slow start)
    if (this.__url.endsWith('search/search_index.json'))
      window.__searchAsked.push(engineAnswered || performance.now() >= 20000);
    return send.call(this, body);
  };
})();"""


def test_search_waits_for_the_engine_then_works(page, server) -> None:
    """On the assessment page nothing of the search loads before the visitor acts (Material's script
    waits for a gesture), and its index is asked only once the engine has answered (or after 20 s at
    most, on a machine too slow or too busy), so that building it does not slow Pyodide's start-up; a
    gesture during the start-up waits for the engine too."""
    page.add_init_script(SEARCH_ORDER)
    open_assessment(page, server, wait_ready=False)
    page.mouse.wheel(0, 200)  # a gesture while Pyodide is still starting
    page.wait_for_selector("#cap-app[data-state=ready][data-form=complete]", timeout=120_000)
    page.wait_for_function("() => window.__searchAsked.length === 1", timeout=90_000)
    assert page.evaluate("() => window.__searchAsked") == [True]
    page.locator(".md-search__input").click()
    page.keyboard.type("gouvernance")
    page.wait_for_selector(".md-search-result__item", timeout=90_000)
    assert "gouvernance" in page.inner_text(".md-search-result").lower()

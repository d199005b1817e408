"""The guided assessment (issue 14, items 1-3): one step on screen (introduction, one per theme,
indicators, results, plan), reached with [data-goto], Précédent / Suivant, the sommaire or the
browser's back button; resumed where it was left; nothing stored before the user starts; a
profile of several types and activities; the first question a few Tab presses away.

The helpers here (`goto`, `answer`, `act`, `open_menu`) are shared by the other browser tests."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import (
    act,
    answer,
    goto,
    new_page,
    open_assessment,
    open_menu,
    scores_on_page,
    step,
    wait_scored,
)

pytestmark = pytest.mark.e2e

STEP = "#cap-app[data-step]"


def stored_keys(page) -> list[str]:
    return page.evaluate("() => Object.keys(localStorage).filter(k => k.startsWith('cap-en-ligne:a:'))")


def in_viewport(page, selector: str) -> bool:
    return page.eval_on_selector(selector, """el => { const r = el.getBoundingClientRect();
        return r.width > 0 && r.height > 0 && r.top >= 0 && r.bottom <= innerHeight; }""")


def test_nothing_is_stored_before_commencer_then_the_first_theme_opens(page, server) -> None:
    open_assessment(page, server)
    assert step(page) == "intro"
    assert stored_keys(page) == []
    assert page.evaluate("() => localStorage.getItem('cap-en-ligne:current')") is None
    page.click('[data-action="start"]')
    page.wait_for_selector('#cap-app[data-step="ID-PROJ"]')
    assert len(stored_keys(page)) == 1
    assert page.evaluate("() => location.hash") == "#etape=ID-PROJ"
    assert page.evaluate("() => document.activeElement.id") == "h-ID-PROJ"
    assert "Étape 2 sur" in page.inner_text("#h-ID-PROJ")


def test_steps_open_with_data_goto_next_and_previous_and_the_back_button(page, server) -> None:
    open_assessment(page, server)
    page.click('[data-action="start"]')
    page.wait_for_selector('#cap-app[data-step="ID-PROJ"]')
    # only the step shown is laid out; the others are hidden
    assert page.eval_on_selector_all(".cap-step:not([hidden])", "els => els.map(e => e.dataset.stepId)") == ["ID-PROJ"]
    nxt = page.locator('.cap-step:not([hidden]) .cap-next')
    assert "Gouvernance" in nxt.inner_text() and nxt.get_attribute("data-goto") == "ID-GOUV"
    nxt.click()
    page.wait_for_selector('#cap-app[data-step="ID-GOUV"]')
    goto(page, "SR-ACCU")
    page.locator('.cap-step:not([hidden]) .cap-prev').click()
    page.wait_for_selector('#cap-app[data-step="ID-RESE"]')
    page.go_back()
    page.wait_for_selector('#cap-app[data-step="SR-ACCU"]')
    page.go_back()
    page.wait_for_selector('#cap-app[data-step="ID-GOUV"]')
    page.go_forward()
    page.wait_for_selector('#cap-app[data-step="SR-ACCU"]')
    # the bar's links go to results and plan; every [data-score] stays in the document
    page.click('.cap-status-links [data-goto="resultats"]')
    page.wait_for_selector('#cap-app[data-step="resultats"]')
    wait_scored(page)
    assert in_viewport(page, "#h-results")
    goto(page, "plan")
    scores = scores_on_page(page)
    assert "overall" in scores and "ID-PROJ" in scores and "AC" in scores


def test_a_link_to_a_criterion_opens_its_step_and_focuses_it(page, server) -> None:
    page.goto(server + "evaluer.html#c-SR-PARC-02")
    page.wait_for_selector('#cap-app[data-step="SR-PARC"]')
    assert page.evaluate("() => document.activeElement.id") == "c-SR-PARC-02"
    # the skip link and in-page anchors still work
    page.goto(server + "evaluer.html")
    page.wait_for_selector("#cap-app[data-state=ready]", timeout=120_000)
    page.click('[data-action="start"]')
    page.evaluate("() => { location.hash = '#c-AC-PILO-01'; }")
    page.wait_for_selector('#cap-app[data-step="AC-PILO"]')


def test_resumes_at_the_last_step_after_a_reload_and_when_reopened(page, server) -> None:
    open_assessment(page, server)
    answer(page, "SU-ECON-01", "3")
    goto(page, "SU-CONF")
    page.goto(server + "evaluer.html")  # no fragment: where it was left
    page.wait_for_selector('#cap-app[data-step="SU-CONF"]')
    assert page.is_visible('input[name="SU-CONF-01"][value="1"]')
    # a second assessment, then back to the first one: its own last step
    act(page, "new")
    page.wait_for_selector('#cap-app[data-step="intro"]')
    first = page.evaluate("() => JSON.parse(localStorage.getItem('cap-en-ligne:index'))"
                          ".find(i => i.step === 'SU-CONF').id")
    open_menu(page)
    page.select_option('[data-action="switch"]', first)
    page.wait_for_selector('#cap-app[data-step="SU-CONF"]')
    goto(page, "SU-ECON")  # a step first opened now shows its stored answers
    assert page.is_checked('input[name="SU-ECON-01"][value="3"]')
    data = page.evaluate(f"() => localStorage.getItem('cap-en-ligne:a:{first}')")
    assert '"step"' not in data  # the step lives beside the file, never in it


def test_sommaire_shows_each_theme_status_counting_what_applies(page, server) -> None:
    open_assessment(page, server)
    status = '[data-task-status="SU-CONF"]'
    assert page.inner_text(status) == "Non commencé"
    answer(page, "SU-CONF-01", "3")
    assert page.inner_text(status).startswith("En cours (1 /")
    goto(page, "intro")
    page.check('input[name="structure-type"][value="ACI"]')
    wait_scored(page)
    goto(page, "SU-CONF")
    excluded = page.eval_on_selector_all(".cap-step:not([hidden]) .cap-criterion.is-excluded",
                                         "els => els.map(e => e.dataset.criterion)")
    assert "SU-CONF-02" in excluded  # the 480-hour rule is for AI only
    applicable = page.eval_on_selector_all(".cap-step:not([hidden]) .cap-criterion:not(.is-excluded)",
                                           "els => els.map(e => e.dataset.criterion)")
    assert "SU-CONF-01" in applicable and len(applicable) < 4
    assert page.inner_text(status) == ("Terminé" if len(applicable) == 1 else f"En cours (1 / {len(applicable)})")
    goto(page, "intro")
    page.uncheck('input[name="structure-type"][value="ACI"]')  # nothing ticked: every criterion applies
    assert page.inner_text(status) == "En cours (1 / 4)"
    goto(page, "SU-CONF")
    applicable = page.eval_on_selector_all(".cap-step:not([hidden]) .cap-criterion:not(.is-excluded)",
                                           "els => els.map(e => e.dataset.criterion)")
    for cid in applicable:
        answer(page, cid, "2")
    assert page.inner_text(status) == "Terminé"


def test_profile_of_several_types_and_activities_hides_criteria_and_changes_scores(page, server) -> None:
    open_assessment(page, server)
    page.click('[data-action="start"]')
    answer(page, "SU-CONF-02", "1")  # AI only
    answer(page, "SU-CONF-01", "4")
    wait_scored(page)
    everyone = float(scores_on_page(page)["SU-CONF"])
    goto(page, "intro")
    page.check('input[name="structure-type"][value="ACI"]')
    page.check('input[name="structure-type"][value="EI"]')
    wait_scored(page)
    without_ai = float(scores_on_page(page)["SU-CONF"])
    assert without_ai > everyone  # the level 1 of an AI-only criterion no longer counts
    goto(page, "SU-CONF")
    assert page.is_visible("#c-SU-CONF-02 .cap-excluded")
    assert page.is_disabled('input[name="SU-CONF-02"][value="3"]')
    goto(page, "intro")
    page.check('input[name="structure-type"][value="AI"]')  # ANY type listed: it applies again
    wait_scored(page)
    assert float(scores_on_page(page)["SU-CONF"]) == pytest.approx(everyone)
    if page.locator('input[name="structure-activity"]').count():
        page.check('input[name="structure-activity"] >> nth=0')
    stored = page.evaluate("() => JSON.parse(localStorage.getItem('cap-en-ligne:a:' + "
                           "localStorage.getItem('cap-en-ligne:current'))).structure")
    assert stored["types"] == ["AI", "ACI", "EI"]
    assert "type" not in stored


def test_first_question_within_five_tab_presses_after_the_skip_link(page, server) -> None:
    open_assessment(page, server)
    page.click('[data-action="start"]')
    page.wait_for_selector('#cap-app[data-step="ID-PROJ"]')
    page.reload()
    page.wait_for_selector('#cap-app[data-step="ID-PROJ"][data-state=ready]', timeout=120_000)
    page.keyboard.press("Tab")  # the first Tab of a page reaches the skip link
    assert page.evaluate("() => document.activeElement.classList.contains('md-skip')")
    page.keyboard.press("Enter")
    for _ in range(5):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.name") == "ID-PROJ-01":
            break
    assert page.evaluate("() => document.activeElement.name") == "ID-PROJ-01", "not reached in 5 Tab presses"


@pytest.mark.parametrize("size", [(1366, 768), (390, 844)], ids=["laptop", "phone"])
def test_scores_and_progress_in_view_while_answering_every_kind_of_step(browser, server, size) -> None:
    page = new_page(browser, server, viewport={"width": size[0], "height": size[1]})
    open_assessment(page, server)
    page.click('[data-action="start"]')
    for cid in ("ID-PROJ-03", "SR-SORT-02", "AC-INNO-03"):
        answer(page, cid, "3")
        page.locator(f'input[name="{cid}"][value="3"]').focus()
        wait_scored(page)
        for part in ("[data-bar-score]", "[data-save-status]", '.cap-status-links [data-goto="resultats"]'):
            assert in_viewport(page, part), (cid, part)
        if size[0] > 900:
            assert in_viewport(page, '.cap-status [data-progress="ID"]')
        else:
            assert in_viewport(page, ".cap-status-links")
    assert page.inner_text("[data-bar-score]").endswith("\u202f%")
    page.context.close()


def test_dom_stays_small_after_the_engine_is_ready(page, server) -> None:
    """Only the step shown holds its criteria; the issue's target is at most 1,500 elements."""
    open_assessment(page, server)
    wait_scored(page)
    total, shown = page.evaluate("""() => [document.querySelectorAll('*').length,
        document.querySelector('.cap-step:not([hidden])').querySelectorAll('*').length]""")
    print(f"DOM after the engine is ready: {total} elements, {shown} in the step shown")
    assert total <= 1500
    goto(page, "SR-ACCU")
    assert page.locator(".cap-step:not([hidden]) .cap-criterion").count() >= 3


def test_site_search_works_on_the_assessment_page_once_the_visitor_acts(page, server) -> None:
    """Material's script waits for a first gesture on the engine's pages (it competed with the
    engine's start): the search must still answer the first time someone uses it."""
    open_assessment(page, server)
    assert page.evaluate("() => typeof window.component$") == "undefined"
    page.set_viewport_size({"width": 1366, "height": 768})
    page.click(".md-search__input")
    page.keyboard.type("recrutement")
    page.wait_for_selector(".md-search-result__item", timeout=90_000)
    assert "recrutement" in page.inner_text(".md-search-result").lower()
    page.keyboard.press("Escape")
    # the header and the back-to-top button are Material's again
    assert page.evaluate("() => typeof window.component$") == "object"

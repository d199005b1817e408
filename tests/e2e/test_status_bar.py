"""The bar that stays in view while answering (issue 14, item 2): progress per pillar, the
overall score as it updates, what became of the last change, the way to results and plan, at
laptop and phone sizes, never over the control that has the focus."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import act, answer, goto, new_page, open_assessment, wait_scored
from tests.e2e.test_nothing_lost import FILL_STORAGE

pytestmark = pytest.mark.e2e


def in_viewport(page, selector: str) -> bool:
    return page.eval_on_selector(selector, """el => { const r = el.getBoundingClientRect();
        return r.width > 0 && r.height > 0 && r.top >= 0 && r.bottom <= innerHeight; }""")


def overlaps(page, one: str, other: str) -> bool:
    return page.evaluate("""([a, b]) => { const x = document.querySelector(a).getBoundingClientRect();
        const y = document.querySelector(b).getBoundingClientRect();
        return !(x.bottom <= y.top || y.bottom <= x.top || x.right <= y.left || y.right <= x.left); }""", [one, other])


@pytest.mark.parametrize("size", [(1366, 768), (390, 844)], ids=["laptop", "phone"])
def test_score_progress_and_saving_stay_in_view_while_answering(browser, server, size) -> None:
    page = new_page(browser, server, viewport={"width": size[0], "height": size[1]})
    open_assessment(page, server)
    answer(page, "ID-PROJ-01", "4")
    # in pillar 3, with the keyboard
    goto(page, "SU-ORGA")
    radio = 'input[name="SU-ORGA-02"][value="2"]'
    page.focus(radio)
    page.keyboard.press("Space")
    wait_scored(page)
    assert page.is_checked(radio)
    for part in ("[data-bar-score]", "[data-save-status]", ".cap-status-links"):
        assert in_viewport(page, part), part
    overall = float(page.get_attribute('[data-score="overall"]', "data-value"))
    shown = page.inner_text("[data-bar-score]")
    assert shown.endswith("\u202f%")
    assert float(shown.removesuffix("\u202f%").replace(",", ".")) == pytest.approx(overall, abs=0.051)
    assert "Enregistré sur cet appareil à" in page.inner_text("[data-save-status]")
    assert not overlaps(page, radio, ".cap-status"), "the bar covers the focused answer"
    if size[0] > 900:
        assert page.inner_text('.cap-status [data-progress="SU"]').startswith("1 /")
        # compact: every part of the bar on one line on a laptop
        tops = page.eval_on_selector_all(".cap-status > *",
                                         "els => els.map(e => Math.round(e.getBoundingClientRect().top))")
        assert max(tops) - min(tops) <= 4, tops
    page.click(".cap-status-links >> text=Résultats")
    page.wait_for_selector('#cap-app[data-step="resultats"]')
    assert in_viewport(page, "#h-results")
    page.context.close()


def test_a_failed_write_says_so_in_the_bar(page, server) -> None:
    open_assessment(page, server)
    answer(page, "ID-PROJ-01", "3")
    page.evaluate(FILL_STORAGE)
    answer(page, "ID-PROJ-02", "3")
    assert "Non enregistré : l'espace est plein" in page.inner_text("[data-save-status]")


def test_results_tables_fit_a_360_px_phone(browser, server) -> None:
    """No column of the scores or the gaps hides off screen: rows become blocks, values named."""
    page = new_page(browser, server, viewport={"width": 360, "height": 780})
    open_assessment(page, server)
    act(page, "example")
    wait_scored(page)
    goto(page, "resultats")
    widths = page.evaluate("""() => [...document.querySelectorAll('[data-results] table')]
        .map(t => [t.className, t.scrollWidth, t.parentElement.clientWidth])""")
    assert {name for name, _, _ in widths} >= {"cap-scores", "cap-gaps"}
    for name, wide, room in widths:
        assert wide <= room, f"{name}: {wide} px in {room} px"
    assert page.is_visible("table.cap-scores td[data-label='Score']")
    label = page.evaluate("""() => getComputedStyle(
        document.querySelector("table.cap-scores td[data-label='Score']"), '::before').content""")
    assert label.replace('"', "").startswith("Score :")
    page.context.close()

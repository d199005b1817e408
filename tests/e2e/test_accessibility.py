"""Accessibility: axe-core (from npm) on every kind of page and on the assessment in its states,
no serious or critical violation; no horizontal scroll on a 360 px phone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.conftest import act, answer, axe_violations, goto, new_page, open_menu, wait_scored

pytestmark = pytest.mark.e2e

PAGES = ["index.html", "demarche.html", "echelle.html", "piliers/identite.html", "piliers/services.html",
         "grille.html", "indicateurs.html", "offre.html", "glossaire.html", "confidentialite.html",
         "accessibilite.html", "synthese.html", "evolution.html", "evaluer.html"]


@pytest.fixture()
def a11y_page(browser, server):
    # axe is injected as a script: allow it despite the site's Content-Security-Policy.
    page = new_page(browser, server, bypass_csp=True, viewport={"width": 1280, "height": 900},
                    reduced_motion="reduce")
    yield page
    page.context.close()


@pytest.mark.parametrize("path", PAGES)
def test_page_has_no_serious_violation(a11y_page, server, path: str) -> None:
    a11y_page.goto(server + path)
    if path == "evaluer.html":
        a11y_page.wait_for_selector("#cap-app[data-state=ready][data-form=complete]", timeout=120_000)
    violations = axe_violations(a11y_page)
    assert violations == [], json.dumps(violations, ensure_ascii=False, indent=1)


def test_assessment_states_have_no_serious_violation(a11y_page, server, tmp_path: Path) -> None:
    page = a11y_page
    page.goto(server + "evaluer.html")
    page.wait_for_selector("#cap-app[data-state=ready][data-form=complete]", timeout=120_000)
    checks = {"vide": axe_violations(page)}
    open_menu(page)
    checks["mes évaluations"] = axe_violations(page)
    page.locator('input[name="easy-read"]').check()
    page.select_option("#cap-role", "parcours")
    answer(page, "ID-PROJ-01", "2")
    answer(page, "ID-CONC-03", "na")
    wait_scored(page)
    checks["un thème, version simplifiée"] = axe_violations(page)
    goto(page, "resultats")
    checks["réponses et résultats"] = axe_violations(page)
    act(page, "example")
    goto(page, "plan")
    page.wait_for_selector(".cap-suggestion [data-plan=keep]")
    wait_scored(page)
    page.locator(".cap-suggestion [data-plan=keep]").first.click()
    wait_scored(page)
    checks["plan"] = axe_violations(page)
    bad = tmp_path / "mauvais.json"
    bad.write_text("pas du json", encoding="utf-8")
    page.set_input_files('[data-action="import-json"]', str(bad))
    page.wait_for_function("() => document.querySelector('[data-alerts]').textContent.includes('Import impossible')")
    checks["erreur d'import"] = axe_violations(page)
    assert all(v == [] for v in checks.values()), json.dumps(checks, ensure_ascii=False, indent=1)


@pytest.mark.parametrize("path", PAGES)
def test_no_horizontal_scroll_on_a_360px_phone(browser, server, path: str) -> None:
    page = new_page(browser, server, viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    page.goto(server + path)
    if path == "evaluer.html":
        page.wait_for_selector("#cap-app[data-state=ready][data-form=complete]", timeout=120_000)
        act(page, "example")
        wait_scored(page)
        for step in ("ID-PROJ", "resultats", "plan"):
            goto(page, step)
            width = page.evaluate("() => document.documentElement.scrollWidth")
            assert width <= 360, f"{path} ({step}): {width}px wide"
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 360, f"{path}: {width}px wide"
    page.context.close()


def test_focus_is_visible_on_answers(page, server) -> None:
    page.goto(server + "evaluer.html#etape=ID-PROJ")
    radio = page.locator('input[name="ID-PROJ-01"][value="1"]')
    radio.focus()
    page.keyboard.press("ArrowRight")
    outline = page.evaluate("""() => {
        const frame = document.activeElement.closest('label').querySelector('.cap-frame');
        const s = getComputedStyle(frame); return [s.outlineStyle, s.outlineWidth]; }""")
    assert outline[0] != "none" and outline[1] != "0px"

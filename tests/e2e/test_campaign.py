"""A new campaign from last year's file: the review of last year's plan carries the open actions,
last year's answers show beside the questions without being chosen (until "Reprendre mes
réponses"), and the Évolution page lists last year's done actions with their final status."""

from __future__ import annotations

import json

import pytest

from cap.formats import dump, new_assessment, read_assessment
from cap.load import load
from tests.e2e.conftest import ROOT, open_assessment, wait_scored

pytestmark = pytest.mark.e2e

Q = load(ROOT / "questionnaire")
FIRST, SECOND = Q.criteria[0], Q.criteria[1]


def file_2025() -> dict:
    """Last year's assessment, made with the engine's own functions: one action done, one in progress."""
    a = new_assessment(Q, ["ACI"], "Atelier du Port")
    a.update(id="port-2025", created="2025-06-12T09:00:00Z", updated="2025-06-12T09:00:00Z")
    a["answers"] = {FIRST.id: {"value": 3}, SECOND.id: {"value": 2}}
    a["plan"] = [
        {"id": "a-done", "criterion": FIRST.id, "action": "Écrire le projet associatif", "owner": "Direction",
         "due": "2025-12", "status": "done", "offers": []},
        {"id": "a-doing", "criterion": SECOND.id, "action": "Former les encadrants", "owner": "", "due": "",
         "status": "doing", "offers": []},
        {"id": "a-todo", "criterion": None, "action": "Refaire le livret d'accueil", "owner": "", "due": "",
         "status": "todo", "offers": []},
    ]
    return read_assessment(a, Q)[0]


def stored(page, aid: str | None = None) -> dict:
    return page.evaluate("""(id) => JSON.parse(localStorage.getItem('cap-en-ligne:a:'
        + (id || localStorage.getItem('cap-en-ligne:current'))))""", aid)


def test_a_campaign_from_2025_reviews_the_plan_and_shows_last_years_answers(page, server, tmp_path) -> None:
    earlier = file_2025()
    path = tmp_path / "cap-atelier-du-port-2025.json"
    path.write_text(dump(earlier), encoding="utf-8")
    open_assessment(page, server)
    page.set_input_files('[data-action="import-json"]', str(path))
    page.wait_for_function("() => document.querySelector('[data-current-name]').textContent === 'Atelier du Port'")

    page.click("[data-menu-toggle]")
    button = page.locator('[data-action="campaign"]')
    assert button.inner_text() == "Nouvelle évaluation à partir de celle de 2025"
    button.click()
    page.wait_for_selector('#cap-app[data-step="bilan"]')
    new_id = page.evaluate("() => localStorage.getItem('cap-en-ligne:current')")
    assert new_id != "port-2025"
    assert page.locator("[data-bilan-task]").is_visible()

    # The review: each action of last year's plan, with its status as the 2025 file left it.
    items = page.locator(".cap-bilan-item")
    assert items.count() == 3
    assert page.is_checked('input[name="bilan:a-done"][value="done"]')
    assert page.is_checked('input[name="bilan:a-doing"][value="doing"]')
    assert page.is_checked('input[name="bilan:a-todo"][value="postponed"]')
    saved = int(page.get_attribute("#cap-app", "data-saved") or 0)
    page.locator('.cap-bilan-item[data-bilan-action="a-todo"] label', has_text="Abandonnée").click()
    page.wait_for_function(f"() => Number(document.getElementById('cap-app').dataset.saved) > {saved}")
    page.wait_for_selector("[data-bilan-result]:has-text('1 action(s) reprise(s) dans le plan')")
    wait_scored(page)
    a = stored(page)
    assert {i["id"]: i["status"] for i in a["previous"]["plan"]} == {
        "a-done": "done", "a-doing": "doing", "a-todo": "dropped"}
    assert [(i["id"], i["status"]) for i in a["plan"]] == [("a-doing", "doing")]
    assert a["answers"] == {} and a["structure"]["types"] == ["ACI"]
    page.click('.cap-sommaire a[data-goto="plan"]')
    assert "Mon plan d'actions (1)" in page.inner_text("#cap-plan")
    assert page.input_value('#cap-plan [name="action:a-doing"]') == "Former les encadrants"
    assert page.input_value('#cap-plan [name="status:a-doing"]') == "doing"
    assert page.locator('#cap-plan [name="action:a-todo"]').count() == 0

    # Last year's answer beside the criterion, in words, not chosen.
    page.click(f'.cap-sommaire a[data-goto="{FIRST.theme_id}"]')
    hint = page.locator(f'#c-{FIRST.id} .cap-previous')
    assert hint.inner_text().replace("\u202f", " ") == f"En 2025 : niveau 3 · {Q.scale.label(3)}"
    assert page.locator(f'input[name="{FIRST.id}"]:checked').count() == 0

    # "Reprendre mes réponses de 2025": copied, counted, checked.
    page.click('.cap-sommaire a[data-goto="bilan"]')
    page.click('[data-action="take-previous"]')
    page.wait_for_selector("[data-take-result]:has-text('2 réponse(s) de 2025 reprise(s)')")
    wait_scored(page)
    page.click(f'.cap-sommaire a[data-goto="{FIRST.theme_id}"]')
    assert page.is_checked(f'input[name="{FIRST.id}"][value="3"]')
    a = stored(page)
    assert a["answers"][FIRST.id]["value"] == 3 and a["answers"][SECOND.id]["value"] == 2

    # The Évolution page, given both files, lists last year's done action and the final statuses.
    later = tmp_path / "cap-atelier-du-port-2026.json"
    later.write_text(json.dumps(a, ensure_ascii=False), encoding="utf-8")
    page.goto(server + "evolution.html")
    page.wait_for_selector("#cap-evolution[data-state=ready]", timeout=120_000)
    page.set_input_files('[data-action="add-files"]', [str(path), str(later)])
    page.wait_for_function(
        "() => { const r = document.getElementById('cap-evolution'); return r.dataset.state === 'ready'"
        " && r.dataset.updated !== undefined && r.dataset.updated === (r.dataset.changes || '0'); }", timeout=60_000)
    result = page.locator("[data-evolution]")
    text = result.inner_text()
    assert "Aucune action marquée" not in text
    assert "Écrire le projet associatif" in result.locator(".cap-evo-done").inner_text()
    assert result.locator('tr[data-action-id="a-todo"][data-final="dropped"]').inner_text().endswith("Abandonnée")
    assert result.locator('tr[data-action-id="a-doing"]').count() == 2  # in both years' plans
    assert result.locator(".cap-evo-all tr[data-move]").count() == 2
    assert result.locator(f'.cap-evo-all tr[data-criterion="{FIRST.id}"]').get_attribute("data-move") == "same"


def test_a_campaign_from_a_bad_file_says_why_and_keeps_the_work(page, server, tmp_path) -> None:
    open_assessment(page, server)
    bad = tmp_path / "pas-une-evaluation.json"
    bad.write_text('{"bonjour": 1}', encoding="utf-8")
    page.set_input_files('[data-action="campaign-file"]', str(bad))
    alert = page.locator(".cap-alert", has_text="pas-une-evaluation.json")
    alert.wait_for()
    assert "n'est pas une évaluation CAP en ligne" in alert.inner_text()
    assert page.get_attribute("#cap-app", "data-step") == "intro"
    assert page.evaluate("() => localStorage.getItem('cap-en-ligne:index')") in (None, "[]")

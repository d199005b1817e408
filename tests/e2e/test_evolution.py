"""The Évolution page: two assessments a year apart (one file, one saved on the device), the right
deltas per pillar and theme, the criteria that rose or fell, the plan items done, printing."""

from __future__ import annotations

import json

import pytest

from cap.compare import compare
from cap.formats import read_assessment
from cap.load import load
from tests.e2e.conftest import ROOT, new_page, wait_updated

pytestmark = pytest.mark.e2e

Q = load(ROOT / "questionnaire")
IDS = [c.id for c in Q.criteria]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def year(n: int, date: str, values: dict[str, object], plan: list[dict]) -> dict:
    return {"format": "cap-evaluation", "format_version": 1, "questionnaire": {"id": "cap", "version": "2026.1"},
            "id": f"consolidee-{n}", "kind": "consolidated", "created": date, "updated": date,
            "structure": {"name": "EI du Canal", "type": "EI"}, "respondent": {"name": "", "role": None},
            "participants": [{"label": "Participant 1", "role": "direction", "name": ""}],
            "answers": {cid: {"value": v} for cid, v in values.items()}, "plan": plan}


def two_years() -> tuple[dict, dict]:
    action = {"id": "a1", "criterion": "ID-PROJ-01", "action": "Réécrire le projet avec l'équipe", "owner": "Direction",
              "due": "2026-03", "status": "todo", "offers": []}
    old = year(1, "2025-10-15T09:00:00Z", {cid: 1 + (i % 3) for i, cid in enumerate(IDS) if i % 5}, [action])
    new_values = {cid: min(4, 1 + (i % 3) + (i % 4 == 0)) for i, cid in enumerate(IDS)}
    new_values[IDS[1]] = 1  # one criterion falls
    new_values[IDS[2]] = "dk"
    new = year(2, "2026-10-14T09:00:00Z", new_values, [{**action, "status": "done"}])
    return old, new


def load_two(page, server: str, tmp_path) -> tuple[dict, dict]:
    old, new = two_years()
    # Last year's assessment is saved on this device; this year's comes as a file.
    page.goto(server + "evolution.html")
    page.evaluate(f"""() => {{ localStorage.setItem('cap-en-ligne:a:{old["id"]}', {json.dumps(json.dumps(old))});
        localStorage.setItem('cap-en-ligne:index', JSON.stringify([{{id: '{old["id"]}', name: 'EI du Canal',
        updated: '{old["updated"]}', kind: 'consolidated', role: ''}}])); }}""")
    page.reload()
    page.wait_for_selector("#cap-evolution[data-state=ready]", timeout=120_000)
    path = tmp_path / "synthese-2026.json"
    path.write_text(json.dumps(new, ensure_ascii=False), encoding="utf-8")
    page.set_input_files('[data-action="add-files"]', str(path))
    wait_updated(page)
    page.check(f'[data-saved-list] input[value="{old["id"]}"]')
    page.click('[data-action="add-saved"]')
    wait_updated(page)
    return old, new


def test_two_assessments_a_year_apart_show_the_engine_deltas(page, server, tmp_path) -> None:
    old, new = load_two(page, server, tmp_path)
    rows = page.locator('[data-files] tr[data-file-status="accepted"]')
    assert rows.count() == 2
    assert "15/10/2025" in rows.nth(0).inner_text() and "14/10/2026" in rows.nth(1).inner_text()  # ordered by date

    expected = compare(Q, read_assessment(json.dumps(old), Q)[0], read_assessment(json.dumps(new), Q)[0])
    shown = page.eval_on_selector_all("[data-delta]",
                                      "els => Object.fromEntries(els.map(e => [e.dataset.delta, e.dataset.value]))")
    assert float(shown["overall"]) == pytest.approx(expected["overall_delta"])
    for group in ("pillars", "themes"):
        for key, value in expected[group].items():
            if value["delta"] is None:
                assert shown[key] == "", key
            else:
                assert float(shown[key]) == pytest.approx(value["delta"]), key
    assert expected["overall_delta"] > 0 and expected["fell"]

    result = page.locator("[data-evolution]")
    rose = {e.get_attribute("data-criterion") for e in result.locator(".cap-evo-rose tr[data-criterion]").all()}
    fell = {e.get_attribute("data-criterion") for e in result.locator(".cap-evo-fell tr[data-criterion]").all()}
    assert rose == {r["criterion"] for r in expected["rose"]}
    assert fell == {f["criterion"] for f in expected["fell"]}
    assert "Réécrire le projet avec l'équipe" in result.inner_text()
    assert result.locator("svg.cap-evo-chart[role=img]").count() == 1
    assert result.locator("table.cap-evo-table").count() == 1

    page.click('[data-action="print"]')
    page.wait_for_function("() => (document.querySelector('[data-print-frame]').srcdoc || '')"
                           ".includes('Évolution dans le temps')")
    srcdoc = page.get_attribute("[data-print-frame]", "srcdoc")
    assert "EI du Canal" in srcdoc and 'data-delta="overall"' in srcdoc

    # Removing one leaves nothing to compare, and says so.
    page.locator('[data-files] tr[data-file-status="accepted"] button').first.click()
    wait_updated(page)
    assert page.locator("[data-evo-result]").is_hidden()
    assert "au moins une autre" in page.inner_text("[data-files-summary]")


def test_bad_and_repeated_files_are_explained(page, server, tmp_path) -> None:
    old, new = two_years()
    files = {"a.json": old, "a-copie.json": old, "b.json": new}
    paths = []
    for name, data in files.items():
        (tmp_path / name).write_text(json.dumps(data), encoding="utf-8")
        paths.append(str(tmp_path / name))
    (tmp_path / "image.json").write_bytes(b"\x89PNG\r\n")
    paths.append(str(tmp_path / "image.json"))
    page.goto(server + "evolution.html")
    page.wait_for_selector("#cap-evolution[data-state=ready]", timeout=120_000)
    page.set_input_files('[data-action="add-files"]', paths)
    wait_updated(page)
    refused = page.locator('[data-files] tr[data-file-status="refused"]')
    assert refused.count() == 2
    text = refused.all_inner_texts()
    assert any("a-copie.json" in t and "une seule fois" in t for t in text)
    assert any("image.json" in t and "Raison" in t for t in text)
    assert page.locator("[data-delta=overall]").count() == 1


def test_evolution_results_have_no_serious_accessibility_violation(browser, server, tmp_path) -> None:
    page = new_page(browser, server, bypass_csp=True, viewport={"width": 1280, "height": 900})
    load_two(page, server, tmp_path)
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("""async () => {
        const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
        const r = await axe.run(document, { runOnly: { type: 'tag', values: tags } });
        return r.violations.filter(v => ['serious', 'critical'].includes(v.impact))
          .map(v => ({ id: v.id, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ')) })); }""")
    assert violations == [], violations
    width = page.evaluate("() => document.documentElement.scrollWidth")
    page.set_viewport_size({"width": 360, "height": 740})
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360, width
    page.context.close()

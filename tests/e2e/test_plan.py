"""The progress plan: from answers to kept actions, autosaved, exported as CSV, printed to PDF."""

from __future__ import annotations

import csv
import io
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.e2e.conftest import act, goto, open_assessment, wait_scored

pytestmark = pytest.mark.e2e
# Words of buttons and navigation that must not appear in a printed document.
INTERFACE = ("Imprimer", "Exporter", "Rechercher", "Retenir dans mon plan", "Glossaire", "Effacer mes données")


def load_example(page) -> None:
    act(page, "example")
    page.wait_for_function("() => document.querySelector('#cap-structure-name').value.includes('exemple')")
    wait_scored(page)
    goto(page, "plan")
    page.wait_for_selector(".cap-suggestion")


def suggestion_ids(page) -> list[str]:
    return page.eval_on_selector_all(".cap-suggestion", "els => els.map(e => e.dataset.criterion)")


def pdf_text(page, html: str, tmp_path: Path, name: str) -> tuple[str, int]:
    printer = page.context.new_page()
    printer.set_content(html)
    target = tmp_path / name
    printer.pdf(path=str(target), format="A4", print_background=True)
    printer.close()
    reader = PdfReader(str(target))
    text = "\n".join(p.extract_text() for p in reader.pages)
    return unicodedata.normalize("NFKC", text), len(reader.pages)  # fonts set "fi" as a ligature


def print_html(page, action: str) -> str:
    page.evaluate("() => { document.querySelector('[data-print-frame]').srcdoc = ''; }")
    act(page, action)
    page.wait_for_function("() => document.querySelector('[data-print-frame]').srcdoc.length > 0")
    return page.get_attribute("[data-print-frame]", "srcdoc")


def test_plan_from_answers_edited_kept_after_reload_csv_and_pdf(page, server, tmp_path) -> None:
    open_assessment(page, server)
    load_example(page)
    first, second, third = suggestion_ids(page)[:3]

    # Importance reorders the suggestions (rule: gap × weight × importance).
    page.select_option(f'select[name="importance:{third}"]', "3")
    wait_scored(page)
    assert suggestion_ids(page)[0] == third

    # Keep two suggestions, drop one, edit the kept ones, add an action of our own.
    page.click(f'.cap-suggestion[data-criterion="{third}"] [data-plan="keep"]')
    wait_scored(page)
    page.click(f'.cap-suggestion[data-criterion="{first}"] [data-plan="keep"]')
    wait_scored(page)
    page.click(f'.cap-suggestion[data-criterion="{second}"] [data-plan="drop"]')
    wait_scored(page)
    actions = page.locator(".cap-action")
    assert actions.count() == 2
    one = actions.nth(0)
    one.locator("textarea").fill("Réécrire le projet avec les salariés en parcours")
    one.locator('input[type="text"]').fill("Direction")
    one.locator('input[type="month"]').fill("2027-06")
    one.locator("select").first.select_option("doing")
    wait_scored(page)
    page.click('[data-plan="add"]')
    wait_scored(page)
    custom = page.locator(".cap-action").last
    assert page.evaluate("() => document.activeElement.name.startsWith('action:')")
    custom.locator("textarea").fill("Présenter le plan à l'assemblée générale")
    custom.locator('input[type="text"]').fill("Présidence")
    custom.locator('input[type="month"]').fill("2027-03")
    wait_scored(page)
    page.wait_for_function("() => Object.keys(localStorage).some(k => k.startsWith('cap-en-ligne:a:')"
                           " && localStorage.getItem(k).includes('2027-03'))")

    page.reload()
    page.wait_for_selector("#cap-app[data-state=ready][data-form=complete]", timeout=120_000)
    wait_scored(page)
    page.wait_for_selector('#cap-app[data-step="plan"]')  # where it was left
    page.wait_for_selector(".cap-action")
    texts = page.locator(".cap-action textarea").evaluate_all("els => els.map(e => e.value)")
    assert texts == ["Réécrire le projet avec les salariés en parcours",
                     page.locator(".cap-action textarea").nth(1).input_value(),
                     "Présenter le plan à l'assemblée générale"]
    assert page.locator(".cap-action").nth(0).locator('input[type="month"]').input_value() == "2027-06"
    assert page.locator(".cap-action").nth(0).locator("select").first.input_value() == "doing"
    assert second not in suggestion_ids(page)  # dropped stays dropped
    assert page.locator(".cap-dropped").count() == 1
    kept_second = texts[1]

    # CSV: BOM, ';', French months, every kept action.
    with page.expect_download() as info:
        page.click('[data-action="export-csv"]')
    raw = Path(info.value.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Pilier", "Thème", "Critère"]
    body = {r[6]: r for r in rows[1:]}
    assert rows[0][6:11] == ["Action", "Situation visée", "Responsable", "Échéance", "Statut"]
    assert body["Réécrire le projet avec les salariés en parcours"][9] == "juin 2027"
    assert body["Réécrire le projet avec les salariés en parcours"][10] == "En cours"
    assert body["Présenter le plan à l'assemblée générale"][8] == "Présidence"
    assert kept_second in body and len(rows) == 4

    # Printed plan and one-page summary: structure, scores, every kept action, no interface.
    score = page.get_attribute('[data-score="overall"]', "data-value")
    shown = f"{float(score):.1f}".replace(".", ",")
    plan_text, plan_pages = pdf_text(page, print_html(page, "print-plan"), tmp_path, "plan.pdf")
    summary_text, summary_pages = pdf_text(page, print_html(page, "print-summary"), tmp_path, "synthese.pdf")
    for text in (plan_text, summary_text):
        flat = " ".join(text.split())
        assert "Atelier fictif des Trois Vallées" in flat
        assert f"Score global : {shown}" in flat
        assert "Réécrire le projet avec les salariés en parcours" in flat
        for chrome in INTERFACE:
            assert chrome not in flat
    assert "Présenter le plan à l'assemblée générale" in " ".join(plan_text.split())
    assert " ".join(kept_second.split())[:40] in " ".join(plan_text.split())
    assert "Offres de services à mobiliser" in plan_text and "Indicateurs" in plan_text
    assert summary_pages == 1 and plan_pages >= 3

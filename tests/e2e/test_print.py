"""Printouts that fit (issue 14, item 6): Ctrl+P on the assessment page prints the results and the
plan, never the form; the one-page summary is one A4 page even with ten long actions; the plan
document starts with the action plan and, while the plan is empty, proposes the top suggestions.
Every PDF is made by Chromium, as a visitor's "Enregistrer au format PDF" would be."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from cap.consolidate import consolidate
from cap.formats import read_assessment
from cap.load import load
from cap.plan import suggestions
from cap.report import plan_page, summary_page
from tests.e2e.conftest import ROOT, open_assessment, wait_scored
from tests.e2e.test_synthese import participants

pytestmark = pytest.mark.e2e

Q = load(ROOT / "questionnaire")
# The printable width of a portrait A4 page (210 mm less 12 mm margins each side) in CSS pixels:
# a table that fits there fits every page of the documents (landscape pages are wider).
PORTRAIT_WIDTH = round((210 - 2 * 12) / 25.4 * 96)


def long_action(n: int) -> str:
    """An action as a director writes it: one sentence of 200 characters (201 for the tenth)."""
    return (f"Action {n} : réunir la direction, les encadrants techniques et trois salariés en parcours "
            "pour réécrire la procédure d'accueil, la tester deux mois dans chaque atelier, "
            "puis la présenter au CA et en AG.")


def complete_assessment(actions: int = 10) -> dict:
    """Every criterion answered (levels 1 to 4), and a plan of `actions` long actions."""
    answers = {c.id: {"value": 1 + (i * 7) % 4} for i, c in enumerate(Q.criteria)}
    a = {"format": "cap-evaluation", "format_version": 1, "questionnaire": {"id": Q.id, "version": Q.version},
         "id": "evaluation-complete", "kind": "individual", "created": "2026-11-20T09:00:00Z",
         "updated": "2026-11-28T10:00:00Z", "structure": {"name": "ACI Les Ateliers du Plateau", "type": "ACI"},
         "respondent": {"name": "", "role": "direction"}, "answers": answers, "plan": []}
    for n, s in enumerate(suggestions(Q, a)["suggestions"][:actions], start=1):
        a["plan"].append({"id": f"action-{n}", "criterion": s["criterion"], "action": long_action(n),
                          "owner": "Direction et encadrants techniques", "due": f"2027-{n:02d}",
                          "status": "doing" if n % 3 == 0 else "todo", "offers": s["offers"][:2]})
    return a


def consolidated_assessment() -> dict:
    """The facilitator's consolidated assessment of five participants, its plan still empty."""
    people = [read_assessment(json.dumps(p), Q)[0] for p in participants()]
    merged = consolidate(Q, people)
    assert merged["plan"] == [] and len(suggestions(Q, merged)["suggestions"]) > 20
    return merged


def flat(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())  # fonts set "fi" as a ligature


def pdf_of(page, target: Path) -> tuple[str, int]:
    """Print what the page shows (print media, A4, as Chromium's print dialog would) and read it back."""
    page.pdf(path=str(target), format="A4", print_background=True)
    reader = PdfReader(str(target))
    return flat("\n".join(p.extract_text() for p in reader.pages)), len(reader.pages)


def too_wide(page) -> list[str]:
    """Tables (and the document) wider than the printable width, in print media at that width."""
    page.set_viewport_size({"width": PORTRAIT_WIDTH, "height": 1000})
    page.emulate_media(media="print")
    return page.evaluate(
        """() => {
            const width = document.documentElement.clientWidth;
            const wide = [...document.querySelectorAll('table')]
                .filter((t) => t.getClientRects().length && t.getBoundingClientRect().right > width + 1)
                .map((t) => `${t.className || 'table'}: ${Math.round(t.getBoundingClientRect().right)} px`);
            const page = document.documentElement.scrollWidth;
            if (page > width + 1) wide.push(`document: ${page} px`);
            return wide;
        }""")


def print_document(browser, html: str, target: Path) -> tuple[str, int, list[str]]:
    page = browser.new_page()
    try:
        page.set_content(html)
        wide = too_wide(page)
        text, pages = pdf_of(page, target)
        return text, pages, wide
    finally:
        page.close()


def test_summary_is_one_page_with_ten_long_actions(browser, tmp_path) -> None:
    a = complete_assessment(10)
    text, pages, wide = print_document(browser, summary_page(Q, a), tmp_path / "synthese.pdf")
    assert pages == 1, f"la synthèse d'une page tient sur {pages} pages"
    assert wide == []
    assert "ACI Les Ateliers du Plateau" in text and "Score global" in text
    assert long_action(1)[:60] in text
    # Nothing is dropped silently: the actions left out are counted and sent to the full plan.
    assert "autres actions" in text and "plan complet" in text


def test_plan_document_puts_the_action_plan_first_and_fits_its_tables(browser, tmp_path) -> None:
    text, pages, wide = print_document(browser, plan_page(Q, complete_assessment(10)), tmp_path / "plan.pdf")
    assert wide == []
    for n in range(1, 11):
        assert long_action(n)[:60] in text, n
    assert text.index(long_action(1)[:60]) < text.index("Où en est la structure")
    assert pages <= 6, f"plan de 10 actions : {pages} pages"


def test_empty_plan_of_a_collective_assessment_prints_the_top_proposals(browser, tmp_path) -> None:
    """Today: 20 pages of 28 suggestions, each marked « À faire », in a narrow column."""
    text, pages, wide = print_document(browser, plan_page(Q, consolidated_assessment()), tmp_path / "plan.pdf")
    assert pages <= 3, f"plan vide d'une évaluation collective : {pages} pages"
    assert wide == []
    assert "proposées" in text and "À faire" not in text
    assert "Évaluation collective" in text


def test_ctrl_p_on_the_page_prints_results_and_plan_never_the_form(page, server, tmp_path) -> None:
    source = tmp_path / "evaluation-complete.json"
    source.write_text(json.dumps(complete_assessment(10), ensure_ascii=False), encoding="utf-8")
    open_assessment(page, server)
    page.set_input_files('[data-action="import-json"]', str(source))
    page.wait_for_function("() => document.querySelector('#cap-structure-name').value.includes('Plateau')")
    wait_scored(page)
    page.wait_for_function("() => document.querySelectorAll('.cap-action').length === 10")
    # The questions the results and the plan quote (gaps, strengths, actions) may be printed; no other.
    # (Innertext of hidden steps is their text content: the results and plan steps may be hidden.)
    quoted = flat(page.inner_text("#cap-results") + " " + page.inner_text("#cap-plan"))
    questions = [flat(c.question) for c in Q.criteria]  # a theme's criteria enter the page with its step
    form_only = [q for q in questions if q not in quoted]
    assert len(questions) == len(Q.criteria) and len(form_only) > 40

    wide = too_wide(page)
    text, pages = pdf_of(page, tmp_path / "evaluer.pdf")
    assert pages <= 12, f"Ctrl+P sur la page d'évaluation : {pages} pages"
    assert wide == []
    assert [q for q in form_only if q in text] == []
    for chrome in ("Votre structure et vous", "Mes évaluations sur cet appareil", "Ajouter un commentaire",
                   "Version simplifiée", "Sommaire", "Étape ", "Indicateurs d'utilité sociale territoriale", "Exporter",
                   "Retenir dans mon plan", "Chargement du moteur"):
        assert chrome not in text.replace("\u2019", "'"), chrome  # the site sets curly apostrophes
    assert "Score global" in text and "Scores par pilier et par thème" in text
    for n in range(1, 11):
        assert long_action(n)[:60] in text, n

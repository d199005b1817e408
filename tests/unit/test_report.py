"""HTML of the results and of the printable plan: escaped, complete, no script, chart + table."""

from __future__ import annotations

import re

from cap.report import plan_page, radar_svg, results_html, summary_page
from tests.conftest import assessment

EVIL = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _evil_assessment() -> dict:
    a = assessment({"AA-ONE-01": 2, "AA-ONE-02": 1})
    a["structure"]["name"] = EVIL
    a["plan"] = [{"id": "p", "criterion": "AA-ONE-01", "action": EVIL, "owner": EVIL, "due": "2027-03",
                  "status": "todo", "offers": ["o-one"]}]
    return a


def test_user_text_is_escaped_everywhere(mini) -> None:
    for html in (plan_page(mini, _evil_assessment()), summary_page(mini, _evil_assessment()),
                 results_html(mini, _evil_assessment())):
        assert "<script>" not in html and "<img" not in html


def test_results_carry_the_test_hooks_with_unrounded_values(mini) -> None:
    html = results_html(mini, assessment({"AA-ONE-01": 2, "AA-ONE-02": 2}))
    assert 'data-score="overall" data-value="33.33333333333333' in html
    assert 'data-score="BB" data-value=""' in html
    assert "résultat partiel" in html


def test_plan_page_is_standalone_and_holds_every_part(mini) -> None:
    html = plan_page(mini, _evil_assessment())
    assert html.startswith("<!DOCTYPE html>") and "<script" not in html
    assert "Content-Security-Policy" in html
    for part in ("Plan de progrès", "Points forts", "Priorités", "Plan d'actions", "Offres de services", "Indicateurs",
                 "mars 2027", "Offre un", "Répondant"):
        assert part in html, part
    assert re.search(r"<table class=\"cap-scores\">", html)


def test_consolidated_cover_lists_participant_roles(mini) -> None:
    a = assessment({"AA-ONE-01": 2})
    a["kind"] = "consolidated"
    a["participants"] = [{"label": "P1", "role": "direction"}, {"label": "P2", "role": "parcours"},
                         {"label": "P3", "role": "parcours"}]
    html = plan_page(mini, a)
    assert "Direction (1)" in html and "Salarié en parcours (2)" in html


def test_radar_has_a_text_alternative_and_needs_three_axes() -> None:
    svg = radar_svg(["A", "B", "C"], [("Vous", [10, 50, None], "own")])
    assert "<desc" in svg and "A : Vous 10" in svg
    assert radar_svg(["A", "B"], []) == ""


def test_indicators_show_counts_and_computed_rates(mini) -> None:
    a = assessment({})
    a["indicators"] = {"sorties": 40, "dynamiques": 10}
    html = plan_page(mini, a)
    assert "40 sorties" in html and "25\u00a0%" in html


def test_the_benchmark_is_called_the_tools_own_not_the_networks(mini) -> None:
    """Issue 13: COORACE never set the levels; the chart, the tables and the summary say whose they are."""
    a = assessment({"AA-ONE-01": 2, "AA-ONE-02": 1})
    for html in (results_html(mini, a), plan_page(mini, a), summary_page(mini, a)):
        assert "Repère de l'outil" in html
        assert not re.search(r"attendu (par|du) (le )?réseau", html, re.I)
    assert "pas par COORACE" in results_html(mini, a)

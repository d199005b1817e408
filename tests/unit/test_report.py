"""HTML of the results and of the printable plan: escaped, complete, no script, chart + table."""

from __future__ import annotations

import re
from html import escape

from cap.plan import suggestions
from cap.report import bars, plan_page, results_html, summary_page
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


def test_bars_write_each_value_and_mark_the_reference() -> None:
    html = bars([("Identité", 62.5, 75.0), ("Supports", None, 50.0), ("Trop", 140.0, None)], "Score par pilier")
    text = re.sub(r"<[^>]+>", " ", html).replace("\u00a0", " ")
    assert "Identité" in text and "62,5 %" in text
    assert "–" in text  # no answer yet: a dash, not 0 %
    assert 'style="width:62.5%"' in html and 'style="left:75.0%"' in html
    assert 'style="width:100.0%"' in html  # clamped to the track
    assert html.count('class="mark"') == 2


def test_documents_draw_bars_and_the_page_leaves_them_to_its_own(mini) -> None:
    """Issue 14 §4: the 4-axis radar is gone; the printed documents show pillar bars beside the table,
    the page's results fragment carries only the table (the page draws its bars from the engine's figures)."""
    a = assessment({"AA-ONE-01": 2, "AA-ONE-02": 1})
    for html in (plan_page(mini, a), summary_page(mini, a)):
        assert "cap-bars-doc" in html and "<svg" not in html
    assert "cap-bars-doc" not in results_html(mini, a) and "<svg" not in results_html(mini, a)


def test_questions_come_before_their_codes(mini) -> None:
    a = assessment({"AA-ONE-01": 3, "AA-ONE-02": 1})
    html = results_html(mini, a)
    for item in re.findall(r"<(?:li|th scope=\"row\")>(.*?)</(?:li|th)>", html):
        if "cap-id" in item:
            assert not item.startswith("<span class=\"cap-id\""), item


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


# -- printouts that fit (issue 14, item 6) ----------------------------------------------------------

def _all_gaps(real) -> dict:
    """Every criterion at level 1: one suggestion per criterion."""
    return assessment({c.id: 1 for c in real.criteria})


def _actions(n: int, length: int = 200) -> list[dict]:
    return [{"id": f"a{k}", "criterion": None, "action": (f"Action {k} " + "x" * length)[:length], "owner": "Direction",
             "due": "2027-06", "status": "todo", "offers": []} for k in range(1, n + 1)]


def test_plan_page_puts_the_structures_actions_before_scores_and_suggestions(real) -> None:
    a = _all_gaps(real)
    a["plan"] = _actions(2)
    body = plan_page(real, a).split("<body>")[1]
    first = body.index("Action 1 ")
    assert first < body.index('class="cap-scores"') and first < body.index('class="cap-gaps"')
    assert body.index("<h2") == body.index('<h2 id="plan-actions"')


def test_empty_plan_proposes_the_top_8_suggestions_not_every_one_as_todo(real) -> None:
    a = _all_gaps(real)
    a["plan"] = [{"id": "d", "criterion": real.criteria[0].id, "action": "", "status": "dropped"}]
    html = plan_page(real, a)
    table = re.search(r'<table class="cap-actions[^"]*">.*?</table>', html, re.S).group(0)
    rows = re.findall(r"<tr>.*?</tr>", table.split("<tbody>")[1], re.S)
    assert len(rows) == 8 and all("Proposée" in r for r in rows)
    assert "proposées" in html and "À faire" not in html
    assert real.criteria[0].id not in table  # a dropped suggestion is never proposed again
    others = len(suggestions(real, a)["suggestions"]) - 1 - 8
    assert f"{others} autres" in html  # what is left out is counted, never dropped silently


def test_summary_shows_the_first_actions_and_counts_the_others(mini) -> None:
    a = assessment({"AA-ONE-01": 2})
    a["plan"] = _actions(10, 5000)
    html = summary_page(mini, a)
    items = re.findall(r"<li[^>]*>(Action \d+ x*)", html)
    assert [i.split()[1] for i in items] == ["1", "2", "3", "4", "5"]
    assert all(len(i) < 300 for i in items)  # a long action is cut, the full text is in the plan
    assert "… et 5 autres actions : voir le plan complet" in html


def test_summary_of_an_empty_plan_says_its_actions_are_proposed(mini) -> None:
    html = summary_page(mini, assessment({"AA-ONE-01": 2, "AA-ONE-02": 1}))
    assert "proposées" in html


def test_printouts_show_the_profile_as_a_list_of_labels(mini) -> None:
    a = assessment({"AA-ONE-01": 2}, stype="AI", activities=["SAP_MAD", "OF"])
    a["structure"]["types"] = ["AI", "ACI"]
    labels = [mini.profile_label(i) for i in ("AI", "ACI", "SAP_MAD", "OF")]
    assert labels[0] == "Association intermédiaire (AI)" and labels[3] == "Organisme de formation"
    for html in (plan_page(mini, a), summary_page(mini, a)):
        assert escape(", ".join(labels)) in html
    assert "Type non précisé" in plan_page(mini, assessment({}, stype=None))


def test_the_printed_plan_shows_the_situation_apart_from_the_action(mini) -> None:
    a = assessment({"AA-ONE-01": 2, "AA-ONE-02": 1})
    html = plan_page(mini, a)  # no plan kept: the proposals, each with its situation visée
    assert "Situation visée : Descripteur 3 de AA-ONE-02." in html
    assert "Écart : le nombre de niveaux" not in html or "priorité = écart × poids" in html
    a["plan"] = [{"id": "p", "criterion": "AA-ONE-01", "action": "Écrire le projet", "status": "todo"}]
    a["targets"] = {"AA-ONE-01": 4}
    html = plan_page(mini, a)
    assert "Écrire le projet" in html and "Situation visée : Descripteur 4 de AA-ONE-01." in html
    assert "priorité = écart × poids du critère × importance" in html  # the gaps table says how it ranks

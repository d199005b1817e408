"""Plan suggestions, the draft plan and the CSV for French spreadsheets."""

from __future__ import annotations

import csv
import io

from cap.plan import effective_plan, plan_csv, suggestions
from tests.conftest import assessment


def test_level_4_and_na_have_no_suggestion(mini) -> None:
    plan = suggestions(mini, assessment({"AA-ONE-01": 4, "AA-ONE-02": "na"}))
    assert plan["suggestions"] == []


def test_suggestion_lists_the_criterion_offers(mini) -> None:
    item = suggestions(mini, assessment({"AA-ONE-02": 2}))["suggestions"][0]
    assert item["offers"] == ["o-two", "o-ext"]


def test_importance_reorders_suggestions(mini) -> None:
    a = assessment({"AA-ONE-01": 2, "AA-TWO-01": 2}, importance={"AA-TWO-01": 3})
    assert [i["criterion"] for i in suggestions(mini, a)["suggestions"]] == ["AA-TWO-01", "AA-ONE-01"]


def test_draft_plan_comes_from_suggestions_until_the_structure_keeps_its_own(mini) -> None:
    a = assessment({"AA-ONE-01": 2})
    assert [i["criterion"] for i in effective_plan(mini, a)] == ["AA-ONE-01"]
    a["plan"] = [{"id": "x", "criterion": None, "action": "Action libre", "owner": "Direction", "due": "2027-06",
                  "status": "doing", "offers": []}]
    assert [i["action"] for i in effective_plan(mini, a)] == ["Action libre"]


def test_csv_has_bom_semicolons_french_month_and_no_formula(mini) -> None:
    a = assessment({"AA-ONE-01": 2})
    a["plan"] = [{"id": "x", "criterion": "AA-ONE-01", "action": "=HYPERLINK(\"x\")", "owner": "Direction",
                  "due": "2027-06", "status": "todo", "offers": ["o-one"]}]
    text = plan_csv(mini, a)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows[0][0] == "Pilier" and rows[0][7] == "Situation visée" and rows[0][9] == "Échéance"
    assert rows[1][2] == "AA-ONE-01"
    assert rows[1][6].startswith("'=")
    assert rows[1][7] == "Descripteur 3 de AA-ONE-01."  # the target level's descriptor (requirement 3)
    assert rows[1][9] == "juin 2027"
    assert rows[1][11] == "Offre un"


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
ATTACKS = ["=HYPERLINK(\"http://x\")", "@SUM(1+1)", "+1", "-2+3", "\t=1+1", "\r=1+1", "  =1+1", "\n@A1",
           "＝1+1", " \t＠x", "|calc", "%0A=1"]


def _cells(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:], newline=""), delimiter=";"))


def _formula_like(cell: str) -> bool:
    return cell.lstrip(" \u00a0\u3000")[:1] in FORMULA_STARTS or cell[:1] in FORMULA_STARTS


def test_no_cell_of_the_csv_can_be_read_as_a_formula(mini) -> None:
    a = assessment({"AA-ONE-01": 2, "AA-ONE-02": "dk"})
    a["plan"] = [
        {"id": attack, "criterion": attack, "action": attack, "owner": attack, "due": attack, "status": attack,
         "offers": [attack, "o-one"]}
        for attack in ATTACKS
    ] + [{"id": "y", "criterion": "AA-ONE-01", "action": "Action", "owner": "Direction", "due": "2027-06",
          "status": "doing", "offers": ["=HYPERLINK(\"x\")", "@SUM(A1)"]}]
    rows = _cells(plan_csv(mini, a))
    assert len(rows) == 1 + len(ATTACKS) + 1
    bad = [cell for row in rows for cell in row if _formula_like(cell)]
    assert bad == []
    # nothing lost: the unknown ids and offers are still there, behind the quote
    assert rows[1][2] == "'=HYPERLINK(\"http://x\")"
    assert "'@SUM(A1)" in rows[-1][11] and "Offre un" in rows[1][11]


def test_criterion_titles_from_the_questionnaire_are_neutralised_too(mini) -> None:
    import dataclasses
    c = mini.criteria[0]
    evil = dataclasses.replace(mini, pillars=tuple(
        dataclasses.replace(p, title="=cmd|' /C calc'!A0", themes=tuple(
            dataclasses.replace(t, title="+1", criteria=tuple(
                dataclasses.replace(x, question="@x") for x in t.criteria)) for t in p.themes))
        for p in mini.pillars))
    a = assessment({c.id: 2})
    rows = _cells(plan_csv(evil, a))
    assert [cell for row in rows for cell in row if _formula_like(cell)] == []
    assert rows[1][0] == "'=cmd|' /C calc'!A0" and rows[1][1] == "'+1" and rows[1][3] == "'@x"


def test_plan_csv_survives_odd_plan_items(mini) -> None:
    a = assessment({"AA-ONE-01": 2})
    a["plan"] = [{"id": 1, "criterion": ["x"], "action": None, "owner": 3, "due": None, "status": None,
                  "offers": "o-one"}, "not an item"]
    rows = _cells(plan_csv(mini, a))
    assert len(rows) == 2 and rows[1][6] == ""

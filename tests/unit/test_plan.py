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
    assert rows[0][0] == "Pilier" and rows[0][8] == "Échéance"
    assert rows[1][2] == "AA-ONE-01"
    assert rows[1][6].startswith("'=")
    assert rows[1][8] == "juin 2027"
    assert rows[1][10] == "Offre un"

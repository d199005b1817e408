"""A new campaign from the last one: profile kept, last year's answers and plan recorded, the plan reviewed."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from cap import browser, formats
from cap.campaign import final_plans, new_campaign, review_plan, take_answers, year_of
from cap.errors import AssessmentError
from cap.formats import dump, read_assessment
from cap.load import make_bundle, read_sources
from tests.conftest import MINI, assessment

SCHEMA = json.loads((Path(formats.__file__).parent / "schema" / "cap-evaluation.schema.json").read_text())


def _earlier(mini) -> dict:
    a = assessment({"AA-ONE-01": 3, "AA-ONE-02": "dk", "BB-ONE-01": {"value": 2, "comment": "à voir"}},
                   id="year-2025", updated="2025-06-12T09:00:00Z", activities=[],
                   targets={"AA-ONE-01": 4}, importance={"AA-ONE-01": 3}, indicators={"sorties": 12})
    a["plan"] = [
        {"id": "p1", "criterion": "AA-ONE-01", "action": "Écrire le projet", "owner": "Lou", "status": "done"},
        {"id": "p2", "criterion": "BB-ONE-01", "action": "Former l'équipe", "due": "2026-03", "status": "doing"},
        {"id": "p3", "criterion": None, "action": "Refaire le site", "status": "todo"},
        {"id": "p4", "criterion": None, "action": "Déménager", "status": "dropped"},
    ]
    return read_assessment(a, mini)[0]


def test_new_campaign_keeps_the_profile_and_records_last_year(mini) -> None:
    earlier = _earlier(mini)
    a = new_campaign(mini, earlier, "2026-06-01T08:00:00Z")
    assert a["id"] != earlier["id"] and a["created"] == a["updated"] == "2026-06-01T08:00:00Z"
    assert a["structure"] == earlier["structure"]
    assert a["answers"] == {} and a["indicators"] == {}
    assert a["targets"] == {"AA-ONE-01": 4} and a["importance"] == {"AA-ONE-01": 3}
    prev = a["previous"]
    assert prev["id"] == "year-2025" and prev["date"] == "2025-06-12T09:00:00Z"
    assert prev["answers"] == {"AA-ONE-01": 3, "AA-ONE-02": "dk", "BB-ONE-01": 2}
    assert [(i["id"], i["status"], i["was"]) for i in prev["plan"]] == [
        ("p1", "done", "done"), ("p2", "doing", "doing"), ("p3", "postponed", "todo"), ("p4", "dropped", "dropped")]
    assert year_of(earlier) == "2025"


def test_open_actions_are_carried_into_the_new_plan_with_their_id(mini) -> None:
    a = new_campaign(mini, _earlier(mini), "2026-06-01")
    assert [(i["id"], i["status"], i["action"]) for i in a["plan"]] == [
        ("p2", "doing", "Former l'équipe"), ("p3", "todo", "Refaire le site")]
    assert a["plan"][0]["due"] == "2026-03"


def test_review_marks_final_statuses_and_moves_actions_in_and_out_of_the_plan(mini) -> None:
    a = new_campaign(mini, _earlier(mini), "2026-06-01")
    reviewed = review_plan(a, {"p1": "postponed", "p2": "done", "p3": "doing", "p4": "dropped"})
    assert a["plan"][0]["id"] == "p2"  # the original is left alone
    assert {i["id"]: i["status"] for i in reviewed["previous"]["plan"]} == {
        "p1": "postponed", "p2": "done", "p3": "doing", "p4": "dropped"}
    assert [(i["id"], i["status"]) for i in reviewed["plan"]] == [("p3", "doing"), ("p1", "todo")]
    assert reviewed["previous"]["reviewed"] is True
    with pytest.raises(ValueError):
        review_plan(a, {"p1": "perdu"})


def test_review_keeps_an_edited_carried_action(mini) -> None:
    a = new_campaign(mini, _earlier(mini), "2026-06-01")
    a["plan"][0]["owner"] = "Sam"
    again = review_plan(a, {"p2": "postponed"})
    assert again["plan"][0] == {**a["plan"][0], "status": "todo"}


def test_last_years_answers_are_copied_only_on_request_and_only_where_empty(mini) -> None:
    a = new_campaign(mini, _earlier(mini), "2026-06-01")
    a["answers"]["AA-ONE-01"] = {"value": 1, "comment": "nouveau"}
    copied, ids = take_answers(a)
    assert ids == ["AA-ONE-02", "BB-ONE-01"]
    assert copied["answers"]["AA-ONE-01"] == {"value": 1, "comment": "nouveau"}
    assert copied["answers"]["AA-ONE-02"] == {"value": "dk"} and copied["answers"]["BB-ONE-01"] == {"value": 2}


def test_the_new_file_round_trips_and_matches_the_schema(mini) -> None:
    a = review_plan(new_campaign(mini, _earlier(mini), "2026-06-01T08:00:00Z"), {"p3": "dropped"})
    read, warnings = read_assessment(dump(a), mini)
    assert read["previous"] == a["previous"] and read["plan"] == a["plan"]
    assert not [w for w in warnings if "inconnu" in w]
    jsonschema.validate(read, SCHEMA)


def test_older_files_without_previous_still_read(mini) -> None:
    a, _ = read_assessment(assessment({"AA-ONE-01": 2}), mini)
    assert "previous" not in a


def test_previous_answers_follow_renamed_criteria_and_drop_unknown_ones(mini) -> None:
    data = assessment({}, previous={"id": "x", "date": "2025-01-01", "answers": {"AA-ONE-09": 3, "ZZ-NONE-01": 2}})
    a, _ = read_assessment(data, mini)
    assert a["previous"]["answers"] == {"AA-ONE-02": 3}


def test_previous_with_a_bad_date_is_refused_in_french(mini) -> None:
    with pytest.raises(AssessmentError) as info:
        read_assessment(assessment({}, previous={"date": "l'an dernier"}), mini)
    assert info.value.field == "previous.date" and "Date invalide" in str(info.value)


def test_final_plans_take_the_statuses_the_next_file_recorded(mini) -> None:
    earlier = _earlier(mini)
    later = read_assessment(review_plan(new_campaign(mini, earlier, "2026-06-01"), {"p3": "done"}), mini)[0]
    plans = final_plans([earlier, later])
    assert [(i["id"], i["status"], i["final"]) for i in plans[0]] == [
        ("p1", "done", "done"), ("p2", "doing", "doing"), ("p3", "todo", "done"), ("p4", "dropped", "dropped")]
    assert [(i["id"], i["final"]) for i in plans[1]] == [("p2", "doing")]
    other = dict(later, previous={**later["previous"], "id": "another"})
    assert [i["final"] for i in final_plans([earlier, other])[0]] == ["done", "doing", "todo", "dropped"]


def _call(op: str, payload: dict) -> dict:
    return json.loads(browser.call(op, json.dumps(payload)))


def test_worker_op_makes_reviews_and_copies(mini) -> None:
    _call("init", {"bundle": make_bundle(read_sources(MINI))})
    earlier = _earlier(mini)
    made = _call("campaign", {"earlier": earlier, "date": "2026-06-01T08:00:00Z"})
    assert made["ok"], made
    data = made["data"]
    assert data["year"] == "2025" and data["assessment"]["previous"]["id"] == "year-2025"
    from_text = _call("campaign", {"text": dump(earlier), "size": 10})["data"]
    assert from_text["assessment"]["previous"]["answers"] == data["assessment"]["previous"]["answers"]
    reviewed = _call("campaign", {"assessment": data["assessment"], "statuses": {"p2": "done"}})["data"]
    assert [i["id"] for i in reviewed["assessment"]["plan"]] == ["p3"]
    taken = _call("campaign", {"assessment": data["assessment"], "take_answers": True})["data"]
    assert taken["copied"] == ["AA-ONE-01", "AA-ONE-02", "BB-ONE-01"]
    bad = _call("campaign", {"text": "pas du JSON"})
    assert not bad["ok"] and "JSON" in bad["error"]["message"]
    wrong = _call("campaign", {"assessment": data["assessment"], "statuses": {"p2": "perdu"}})
    assert not wrong["ok"] and "Statut inconnu" in wrong["error"]["message"]


def test_evolution_lists_last_years_done_actions_and_what_moved(mini) -> None:
    from cap.evolution import evolution, evolution_html

    earlier = _earlier(mini)
    later = review_plan(new_campaign(mini, earlier, "2026-06-01T08:00:00Z"), {"p2": "done", "p3": "postponed"})
    later["answers"] = {"AA-ONE-01": {"value": 4}, "AA-ONE-02": {"value": "dk"}, "BB-ONE-01": {"value": 1}}
    later = read_assessment(later, mini)[0]
    result = evolution(mini, [earlier, later])
    assert [i["id"] for i in result["done"]] == ["p1", "p2"]
    assert [(m["criterion"], m["move"]) for m in result["moves"]] == [
        ("AA-ONE-01", "up"), ("AA-ONE-02", "same"), ("BB-ONE-01", "down")]
    html = evolution_html(mini, [earlier, later], result)
    assert "Aucune action marquée" not in html
    assert 'data-action-id="p2" data-final="done"' in html and 'data-action-id="p4" data-final="dropped"' in html
    assert "Former l&#x27;équipe" in html or "Former l'équipe" in html
    assert 'data-move="down"' in html and "en baisse" in html and "identique" in html
    question = mini.criterion_by_id["AA-ONE-01"].question
    assert f'{question} <span class="cap-id">AA-ONE-01</span>' in html  # question first, code small

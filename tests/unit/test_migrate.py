"""Older files still read (issue 13 §6): the format 1 profile, and the referential's `id_changes`
of every kind, on the mini questionnaire with a synthetic version 2027.1."""

from __future__ import annotations

import copy
import json

import jsonschema
import pytest

from cap import FORMAT_VERSION, browser
from cap.formats import clear_review, dump, read_and_migrate, read_assessment
from cap.load import from_sources, make_bundle
from cap.plan import suggestions
from cap.score import score
from tests.conftest import MINI, ROOT

SCHEMA = json.loads((ROOT / "py" / "cap" / "schema" / "cap-evaluation.schema.json").read_text(encoding="utf-8"))
CHANGES = [
    {"version": "2027.1", "kind": "merged", "old": "AA-TWO-09", "new": "AA-TWO-01", "note": "fusion"},
    {"version": "2027.1", "kind": "reworded", "old": "AA-ONE-01", "new": "AA-ONE-01", "note": "reformulé"},
    {"version": "2027.1", "kind": "split", "old": "AA-TWO-02", "new": "BB-ONE-02", "note": "scission"},
    {"version": "2027.1", "kind": "added", "old": None, "new": "BB-ONE-01", "note": "nouveau"},
    {"version": "2027.1", "kind": "added", "old": None, "new": "AA-ONE-03", "note": "nouveau, AI seulement"},
    {"version": "2027.1", "kind": "removed", "old": "AA-ONE-07", "new": None, "note": "retiré"},
    {"version": "2027.1", "kind": "renamed", "old": "AA-ONE-06", "new": "AA-ONE-02", "note": "renommé"},
]


@pytest.fixture(scope="module")
def q2027():
    """The mini questionnaire as a version 2027.1 whose history has one change of each kind."""
    from cap.load import read_sources

    sources = copy.deepcopy(read_sources(MINI))
    sources["meta.yaml"]["version"] = "2027.1"
    sources["meta.yaml"]["id_changes"] += copy.deepcopy(CHANGES)
    return from_sources(sources)


def old_file(answers: dict, stype: str | None = "ACI", version: str = "2026.1", **extra) -> dict:
    """A format 1 file, as CAP en ligne wrote them with the referential 2026.1."""
    return {"format": "cap-evaluation", "format_version": 1, "questionnaire": {"id": "cap", "version": version},
            "id": "ancien", "kind": "individual", "created": "2026-11-02T09:00:00Z", "updated": "2026-11-02T10:00:00Z",
            "structure": {"name": "Ancienne", "type": stype}, "respondent": {"name": "", "role": "direction"},
            "answers": {k: ({"value": v} if not isinstance(v, dict) else v) for k, v in answers.items()}, **extra}


# -- the format: one type becomes a profile ----------------------------------------------------------

@pytest.mark.parametrize(("old", "types", "activities", "says"), [
    ("ACI", ["ACI"], [], "plusieurs types"),
    ("SAP", ["ESS"], ["SAP_PRESTATAIRE", "SAP_MANDATAIRE", "SAP_MAD"], "« Services à la personne » est devenu une "
     "activité : précisez le mode"),
    ("OF", ["ESS"], ["OF"], "« Organisme de formation » est devenu une activité"),
])
def test_the_single_type_becomes_the_lists(mini, old, types, activities, says) -> None:
    a, _, migration = read_and_migrate(old_file({}, old), mini)
    assert a["format_version"] == FORMAT_VERSION == 2
    assert a["structure"] == {"name": "Ancienne", "types": types, "activities": activities}
    assert says in migration["summary"]
    assert migration["changes"][0]["kind"] == "profile" and migration["changes"][0]["old"] == old
    jsonschema.validate(a, SCHEMA)


def test_no_type_gives_an_empty_profile_and_no_profile_line(mini) -> None:
    a, _, migration = read_and_migrate(old_file({}, None, version=mini.version), mini)
    assert a["structure"] == {"name": "Ancienne", "types": [], "activities": []}
    assert migration is None


def test_a_sap_structure_sees_the_sap_criteria(mini) -> None:
    """The profile is any-match: a criterion for SAP activities concerns an ESS that runs one."""
    c = mini.criterion_by_id["AA-ONE-03"]  # applies_to: [AI]
    assert c.applies(["AI", "ACI"]) and c.applies([]) and c.applies(None) and not c.applies(["ACI", "OF"])
    a, _ = read_assessment(old_file({"AA-ONE-03": 2}, "AI"), mini)
    assert score(mini, a)["criteria"]["AA-ONE-03"]["applies"]
    a["structure"] = {"name": "", "types": ["ACI", "AI"], "activities": ["OF"]}
    assert score(mini, a)["criteria"]["AA-ONE-03"]["applies"]
    a["structure"] = {"name": "", "types": ["ACI"], "activities": ["OF"]}
    assert not score(mini, a)["criteria"]["AA-ONE-03"]["applies"]


def test_unknown_profile_ids_are_kept_without_effect(mini) -> None:
    raw = old_file({}, None)
    raw["format_version"] = 2
    raw["structure"] = {"name": "x", "types": ["ACI", "XYZ"], "activities": ["PLONGEE"]}
    a, warnings = read_assessment(raw, mini)
    assert a["structure"]["types"] == ["ACI", "XYZ"] and a["structure"]["activities"] == ["PLONGEE"]
    assert any("XYZ" in w and "PLONGEE" in w for w in warnings)
    assert mini.profile_of(a["structure"]) == ("ACI",)


def test_a_page_that_still_writes_type_with_format_2_is_understood(mini) -> None:
    raw = old_file({}, "SAP", version=mini.version)
    raw["format_version"] = 2
    a, _ = read_assessment(raw, mini)
    assert a["structure"]["activities"] == ["SAP_PRESTATAIRE", "SAP_MANDATAIRE", "SAP_MAD"]


@pytest.mark.parametrize("bad", [{"types": "ACI"}, {"types": [1]}, {"activities": ["x" * 61]},
                                 {"types": ["A"] * 31}])
def test_a_bad_profile_is_refused_naming_the_field(mini, bad) -> None:
    from cap.errors import AssessmentError

    raw = old_file({})
    raw["format_version"] = 2
    raw["structure"] = {"name": "x", **bad}
    with pytest.raises(AssessmentError) as err:
        read_assessment(raw, mini)
    assert err.value.field.startswith("structure.")


# -- the referential: id_changes of every kind ---------------------------------------------------------

def _migrated(q, **extra):
    raw = old_file({
        "AA-ONE-01": {"value": 3, "comment": "projet écrit"},  # reworded
        "AA-ONE-06": 2,  # renamed to AA-ONE-02
        "AA-ONE-07": {"value": 1, "comment": "ancien critère"},  # removed
        "AA-TWO-01": {"value": 4, "comment": "nouveau"},  # merged: takes the lower of 4 and 2
        "AA-TWO-09": {"value": 2, "comment": "ancien"},
        "AA-TWO-02": 3,  # split: keeps its answer
    }, targets={"AA-TWO-09": 4, "AA-ONE-06": 3}, importance={"AA-TWO-09": 3, "AA-ONE-07": 1},
        plan=[{"id": "p1", "criterion": "AA-TWO-09", "action": "Écrire la procédure", "status": "doing"},
              {"id": "p2", "criterion": "AA-ONE-07", "action": "Former l'équipe"},
              {"id": "p3", "criterion": "AA-ONE-06", "action": "Nommer un référent"},
              {"id": "p4", "criterion": None, "action": "Action libre"}], **extra)
    return read_and_migrate(raw, q)


def test_every_kind_of_id_change_is_applied(q2027) -> None:
    a, warnings, migration = _migrated(q2027)
    answers = a["answers"]
    assert answers["AA-ONE-01"] == {"value": 3, "comment": "projet écrit"}  # reworded: kept
    assert answers["AA-ONE-02"] == {"value": 2}  # renamed: moved, no flag
    assert answers["AA-TWO-01"] == {"value": 2, "comment": "nouveau\n[AA-TWO-09] ancien"}  # merged: lower
    assert answers["AA-TWO-02"] == {"value": 3}  # split: old keeps its answer
    assert a["unknown_answers"] == {"AA-ONE-07": {"value": 1, "comment": "ancien critère"}}  # removed: kept aside
    assert "AA-TWO-09" not in answers and "AA-ONE-06" not in answers
    # AA-ONE-03 is added but concerns AI only: an ACI has nothing to answer there
    assert a["review"] == {"AA-ONE-01": "reworded", "AA-TWO-01": "merged", "BB-ONE-01": "added", "BB-ONE-02": "split"}
    assert migration["review"] == a["review"]
    assert a["targets"] == {"AA-TWO-01": 4, "AA-ONE-02": 3}
    assert a["importance"] == {"AA-TWO-01": 3}
    assert [(i["id"], i["criterion"]) for i in a["plan"]] == [
        ("p1", "AA-TWO-01"), ("p2", "AA-ONE-07"), ("p3", "AA-ONE-02"), ("p4", None)]
    assert a["questionnaire"] == {"id": "cap", "version": "2027.1", "read_from": "2026.1"}
    assert migration["from_version"] == "2026.1" and migration["to_version"] == "2027.1"
    assert migration["from_format"] == 1 and migration["to_format"] == 2
    assert migration["summary"].startswith(
        "Votre fichier a été créé avec le référentiel 2026.1. Il a été mis à jour vers 2027.1 : 1 critère fusionné "
        "(à revoir), 2 nouveaux critères (à répondre), 1 critère reformulé (à revoir), 1 critère renommé (réponse "
        "reprise), 1 critère retiré (réponse conservée à part).")
    kinds = sorted(c["kind"] for c in migration["changes"])
    assert kinds == ["added", "merged", "profile", "removed", "renamed", "reworded", "split"]
    assert all(set(c) == {"kind", "old", "new", "note"} for c in migration["changes"])
    assert any("AA-ONE-06 → AA-ONE-02" in w for w in warnings)
    jsonschema.validate(a, SCHEMA)


def test_the_added_criterion_of_another_type_is_flagged_for_that_type(q2027) -> None:
    a, _, _ = read_and_migrate(old_file({}, "AI"), q2027)
    assert a["review"]["AA-ONE-03"] == "added"


def test_reading_the_migrated_file_again_changes_nothing(q2027) -> None:
    a, _, _ = _migrated(q2027)
    again, _, migration = read_and_migrate(dump(a), q2027)
    assert migration is None
    assert again == a
    assert again["questionnaire"]["read_from"] == "2026.1"


def test_a_file_of_the_current_version_gets_no_flag(q2027) -> None:
    raw = old_file({"AA-ONE-01": 3, "AA-TWO-01": 2}, version="2027.1")
    raw["format_version"] = 2
    raw["structure"] = {"name": "x", "types": ["ACI"], "activities": []}
    a, _, migration = read_and_migrate(raw, q2027)
    assert migration is None and "review" not in a


def test_a_file_without_a_version_gets_ids_moved_but_no_flags(q2027) -> None:
    raw = old_file({"AA-ONE-06": 2, "AA-ONE-01": 3}, version="")
    a, _, migration = read_and_migrate(raw, q2027)
    assert a["answers"]["AA-ONE-02"] == {"value": 2} and "review" not in a
    assert "ne dit pas avec quelle version" in migration["summary"]


@pytest.mark.parametrize(("new", "old", "expected"), [
    (4, 2, 2), (2, 4, 2), (3, "dk", 3), ("na", 2, 2), ("dk", None, "dk"), (None, "na", "na"), ("na", "dk", "na"),
    (None, None, None),
])
def test_merged_takes_the_lower_level_and_na_dk_count_as_no_level(q2027, new, old, expected) -> None:
    answers = {"AA-TWO-09": {"value": old}}
    if new is not None:
        answers["AA-TWO-01"] = {"value": new}
    a, _, _ = read_and_migrate(old_file(answers), q2027)
    assert a["answers"]["AA-TWO-01"]["value"] == expected
    assert a["review"]["AA-TWO-01"] == "merged"


def test_a_long_merged_comment_is_cut_not_refused(q2027) -> None:
    a, _, _ = read_and_migrate(old_file({"AA-TWO-01": {"value": 2, "comment": "a" * 4000},
                                         "AA-TWO-09": {"value": 3, "comment": "b" * 4000}}), q2027)
    assert len(a["answers"]["AA-TWO-01"]["comment"]) == 5000
    read_assessment(dump(a), q2027)


def test_an_answered_new_criterion_is_not_flagged(q2027) -> None:
    a, _, _ = read_and_migrate(old_file({"BB-ONE-01": 2}), q2027)
    assert "BB-ONE-01" not in a.get("review", {})


def test_an_unanswered_reworded_criterion_is_not_flagged(q2027) -> None:
    a, _, _ = read_and_migrate(old_file({}), q2027)
    assert "AA-ONE-01" not in a["review"]


def test_clear_review_removes_one_flag_then_the_map(q2027) -> None:
    a, _, _ = read_and_migrate(old_file({"AA-ONE-01": 2}), q2027)
    for cid in list(a["review"]):
        clear_review(a, cid)
    assert "review" not in a
    clear_review(a, "AA-ONE-01")  # nothing left: no error


def test_a_bad_review_flag_is_refused(q2027) -> None:
    from cap.errors import AssessmentError

    raw = old_file({})
    raw["review"] = {"AA-ONE-01": "peut-être"}
    with pytest.raises(AssessmentError) as err:
        read_assessment(raw, q2027)
    assert err.value.field == "review.AA-ONE-01"


def test_renames_chain_across_versions() -> None:
    from cap.load import read_sources

    sources = copy.deepcopy(read_sources(MINI))
    sources["meta.yaml"]["version"] = "2028.1"
    sources["meta.yaml"]["id_changes"] = [
        {"version": "2027.1", "kind": "renamed", "old": "AA-ONE-05", "new": "AA-ONE-02"},  # valid then
        {"version": "2028.1", "kind": "merged", "old": "AA-ONE-04", "new": "AA-ONE-02"},
    ]
    q = from_sources(sources)
    a, _, _ = read_and_migrate(old_file({"AA-ONE-05": 3, "AA-ONE-04": 1}, plan=[
        {"id": "p", "criterion": "AA-ONE-05", "action": "Faire"}]), q)
    assert a["answers"]["AA-ONE-02"]["value"] == 1 and a["plan"][0]["criterion"] == "AA-ONE-02"


# -- the page: the browser op -------------------------------------------------------------------------

def test_the_read_op_returns_the_summary_for_a_file_and_for_a_stored_assessment(q2027) -> None:
    from cap.load import read_sources

    sources = copy.deepcopy(read_sources(MINI))
    sources["meta.yaml"]["version"] = "2027.1"
    sources["meta.yaml"]["id_changes"] += copy.deepcopy(CHANGES)
    json.loads(browser.call("init", json.dumps({"bundle": make_bundle(sources)})))
    raw = old_file({"AA-ONE-01": 3, "AA-TWO-09": 2}, "SAP")
    for payload in ({"text": json.dumps(raw), "size": 100}, {"assessment": raw}):
        reply = json.loads(browser.call("read", json.dumps(payload)))
        assert reply["ok"], reply
        data = reply["data"]
        assert set(data) == {"assessment", "warnings", "migration"}
        assert "2 critères" not in data["migration"]["summary"]
        assert "1 critère fusionné (à revoir)" in data["migration"]["summary"]
        assert "Services à la personne" in data["migration"]["summary"]
        assert data["assessment"]["review"]["AA-TWO-01"] == "merged"
        assert {"kind", "old", "new", "note"} <= set(data["migration"]["changes"][0])
        assert not any("version" in w for w in data["warnings"])  # the summary says it, once
    again = json.loads(browser.call("read", json.dumps({"assessment": data["assessment"]})))["data"]
    assert "migration" not in again


# -- the plan in verbs ----------------------------------------------------------------------------------

def test_suggestions_carry_an_action_in_verbs_and_the_situation_apart() -> None:
    from cap.load import read_sources

    sources = copy.deepcopy(read_sources(MINI))
    crit = sources["pillars/a.yaml"]["themes"][0]["criteria"][1]  # AA-ONE-02
    crit["actions"] = ["Écrire la règle", "Présenter la règle à l'équipe", "Revoir la règle chaque année"]
    q = from_sources(sources)
    a, _ = read_assessment(old_file({"AA-ONE-02": 1, "AA-ONE-01": 2}), q)
    items = {s["criterion"]: s for s in suggestions(q, a)["suggestions"]}
    assert items["AA-ONE-02"]["action"] == q.criterion_by_id["AA-ONE-02"].action(3)  # target 3 (requirement)
    assert items["AA-ONE-02"]["action"].startswith("Présenter la règle")
    assert items["AA-ONE-02"]["situation"] == "Descripteur 3 de AA-ONE-02."
    assert items["AA-ONE-02"]["objective"] == "Descripteur 2 de AA-ONE-02."
    # no action written: today's text (the next level), the situation still apart
    assert items["AA-ONE-01"]["action"] == "Descripteur 3 de AA-ONE-01."
    assert items["AA-ONE-01"]["situation"] == "Descripteur 3 de AA-ONE-01."
    explain = items["AA-ONE-02"]["explain"]
    assert "Écart : 2 niveaux entre aujourd'hui (1) et le niveau visé (3)" in explain
    assert "Priorité 8 = écart 2 × poids du critère 2 × importance pour vous 2" in explain
    a["targets"] = {"AA-ONE-02": 4}
    items = {s["criterion"]: s for s in suggestions(q, a)["suggestions"]}
    assert items["AA-ONE-02"]["action"] == "Revoir la règle chaque année" == q.criterion_by_id["AA-ONE-02"].action(4)
    assert items["AA-ONE-02"]["situation"] == "Descripteur 4 de AA-ONE-02."


def test_the_plan_item_keeps_its_situation_through_a_reading(mini) -> None:
    raw = old_file({}, plan=[{"id": "p", "criterion": "AA-ONE-01", "action": "Écrire", "situation": "Ce qui est visé"}])
    a, _ = read_assessment(raw, mini)
    assert a["plan"][0]["situation"] == "Ce qui est visé"
    jsonschema.validate(a, SCHEMA)

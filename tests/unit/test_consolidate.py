"""Consolidation of several participants (rule 8)."""

from __future__ import annotations

import pytest

from cap.consolidate import check_set, consolidate, criterion_stats
from tests.conftest import assessment

CASES = [
    # values, proposed, spread, divergent, clarify
    ([1, 3, 4], 3, 3, True, False),
    ([2, 2], 2, 0, False, False),
    ([1, 4], 1, 3, True, False),
    ([2, 3, 3, 4], 3, 2, True, False),
    (["dk", "dk", 3], 3, 0, False, True),
    (["dk", 2, 3, 3, 3, 3], 3, 1, False, False),
    (["dk", "dk", 2, 2, 2, 2], 2, 0, False, True),
    (["na", "na"], "na", None, False, False),
    (["na", "dk"], "dk", None, False, True),
    (["na", None], None, None, False, False),
    ([None, None], None, None, False, False),
]


@pytest.mark.parametrize(("values", "proposed", "spread", "divergent", "clarify"), CASES)
def test_criterion_stats(values, proposed, spread, divergent, clarify) -> None:
    """Proposed value is the lower median; divergent when spread ≥ 2; to clarify when dk ≥ a third."""
    st = criterion_stats(values)
    assert (st["proposed"], st["spread"], st["divergent"], st["clarify"]) == (proposed, spread, divergent, clarify)


def test_consolidated_file_keeps_roles_not_names_unless_asked(mini) -> None:
    people = [assessment({"AA-ONE-01": v}, id=str(n)) for n, v in enumerate((1, 2, 4))]
    for p, role in zip(people, ("direction", "parcours", "benevole"), strict=True):
        p["respondent"] = {"name": "Nom " + role, "role": role}
    merged = consolidate(mini, people)
    assert merged["kind"] == "consolidated"
    assert [p["role"] for p in merged["participants"]] == ["direction", "parcours", "benevole"]
    assert all(p["name"] == "" for p in merged["participants"])
    assert merged["answers"]["AA-ONE-01"] == {"value": 2}
    assert consolidate(mini, people, show_names=True)["participants"][0]["name"] == "Nom direction"


def test_agreed_value_wins_over_the_proposal(mini) -> None:
    people = [assessment({"AA-ONE-01": v}, id=str(v)) for v in (1, 4)]
    merged = consolidate(mini, people, agreed={"AA-ONE-01": {"value": 3, "reason": "Preuves vues en séance"}})
    assert merged["answers"]["AA-ONE-01"] == {"value": 3, "agreed": True, "comment": "Preuves vues en séance"}
    assert merged["stats"]["AA-ONE-01"]["proposed"] == 1


def test_same_file_twice_is_counted_once_and_other_structure_is_flagged(mini) -> None:
    a = assessment({"AA-ONE-01": 2}, id="same")
    b = assessment({"AA-ONE-01": 3}, id="other")
    b["structure"] = {"name": "Une autre", "type": "ACI"}
    result = check_set(mini, [("a.json", a), ("a-copie.json", dict(a)), ("b.json", b)])
    assert [n for n, _ in result["kept"]] == ["a.json", "b.json"]
    messages = " ".join(n["message"] for n in result["notes"])
    assert "Même fichier" in messages and "plusieurs structures" in messages


def test_two_versions_of_one_participant_keep_the_most_recent(mini) -> None:
    early = assessment({"AA-ONE-01": 1}, id="p1", updated="2026-01-01T10:00:00Z")
    late = assessment({"AA-ONE-01": 3}, id="p1", updated="2026-02-01T10:00:00Z")
    other = assessment({"AA-ONE-01": 2}, id="p2")
    result = check_set(mini, [("tot.json", early), ("autre.json", other), ("tard.json", late)])
    assert [(n, a["answers"]["AA-ONE-01"]["value"]) for n, a in result["kept"]] == [("tard.json", 3), ("autre.json", 2)]
    note = next(n for n in result["notes"] if n["file"] == "tot.json")
    assert note["level"] == "refused" and "plus récente" in note["message"] and "tard.json" in note["message"]


def test_a_consolidated_file_is_refused_and_several_types_are_flagged(mini) -> None:
    merged = consolidate(mini, [assessment({"AA-ONE-01": 2}, id="x")])
    a = assessment({"AA-ONE-01": 2}, id="a")
    b = assessment({"AA-ONE-01": 3}, stype="EI", id="b")
    result = check_set(mini, [("synthese.json", merged), ("a.json", a), ("b.json", b)])
    assert [n for n, _ in result["kept"]] == ["a.json", "b.json"]
    messages = {n["file"]: n["message"] for n in result["notes"]}
    assert "déjà une synthèse" in messages["synthese.json"]
    assert "profils de structure différents" in messages[""]


def test_the_merged_structure_is_the_one_named_most_often(mini) -> None:
    people = [assessment({}, id=str(n)) for n in range(4)]
    people[0]["structure"] = {"name": "", "type": None}
    people[1]["structure"] = {"name": "ACI du Val", "type": "EI"}
    people[2]["structure"] = {"name": "ACI du Val", "type": "ACI"}
    people[3]["structure"] = {"name": "Autre nom", "type": "ACI"}
    # every type and activity any participant ticked (a group's parts see their own criteria)
    assert consolidate(mini, people)["structure"] == {"name": "ACI du Val", "types": ["EI", "ACI"], "activities": []}
    assert consolidate(mini, [])["structure"] == {"name": "", "types": [], "activities": []}
    people[1]["structure"] = {"name": "ACI du Val", "types": ["ACI"], "activities": ["OF", "SAP_MAD"]}
    people[3]["structure"] = {"name": "Autre nom", "type": "SAP"}  # format 1, never read: still understood
    assert consolidate(mini, people)["structure"] == {
        "name": "ACI du Val", "types": ["ACI", "ESS"],
        "activities": ["OF", "SAP_MAD", "SAP_PRESTATAIRE", "SAP_MANDATAIRE"]}


def test_stats_hold_roles_and_comments_by_anonymous_label(mini) -> None:
    people = [assessment({"AA-ONE-01": {"value": v, "comment": f"avis {v}"}}, id=str(v)) for v in (1, 4)]
    people[1]["respondent"] = {"name": "Camille", "role": "parcours"}
    st = consolidate(mini, people)["stats"]["AA-ONE-01"]
    assert st["roles"] == ["direction", "parcours"] and st["values"] == [1, 4]
    assert st["comments"] == [{"label": "Participant 1", "role": "direction", "text": "avis 1"},
                              {"label": "Participant 2", "role": "parcours", "text": "avis 4"}]
    assert "Camille" not in str(consolidate(mini, people))


def test_agreed_na_on_a_core_criterion_is_not_kept(mini) -> None:
    """« Non concerné » retained on a core criterion, or an unknown value, is refused: the proposal stands."""
    people = [assessment({"AA-ONE-01": 2}, id="1")]
    merged = consolidate(mini, people, agreed={"AA-ONE-01": {"value": "na", "reason": "?"},
                                               "AA-ONE-02": {"value": "dk", "reason": ""},
                                               "AA-ONE-03": {"value": "beaucoup"}})
    assert merged["answers"]["AA-ONE-01"] == {"value": 2}  # refused: the proposal stands, as the page says
    assert merged["answers"]["AA-ONE-02"] == {"value": "dk", "agreed": True}
    assert "AA-ONE-03" not in merged["answers"]

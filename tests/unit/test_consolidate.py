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
    for p, role in zip(people, ("direction", "parcours", "benevole")):
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

"""Comparison of two assessments a year apart."""

import pytest

from cap.compare import compare
from tests.conftest import assessment


def test_deltas_rises_falls_and_done_actions(mini) -> None:
    old = assessment({"AA-ONE-01": 1, "AA-ONE-02": 3, "BB-ONE-01": 2})
    old["plan"] = [{"id": "a", "status": "todo"}, {"id": "b", "status": "done"}]
    new = assessment({"AA-ONE-01": 4, "AA-ONE-02": 2, "BB-ONE-01": 2})
    new["plan"] = [{"id": "a", "status": "done", "action": "Faire"}, {"id": "b", "status": "done"}]
    r = compare(mini, old, new)
    # AA-ONE old: (0 + 2*66.67)/3 = 44.44; new: (100 + 2*33.33)/3 = 55.56
    assert r["themes"]["AA-ONE"]["delta"] == pytest.approx(100 / 9)
    assert r["themes"]["AA-TWO"]["delta"] is None
    assert [x["criterion"] for x in r["rose"]] == ["AA-ONE-01"]
    assert [x["criterion"] for x in r["fell"]] == ["AA-ONE-02"]
    assert [x["id"] for x in r["plan_done"]] == ["a"]


def test_unscored_sides_give_no_delta_and_non_levels_are_not_rises(mini) -> None:
    old = assessment({"AA-ONE-01": "dk", "AA-ONE-02": 2})
    new = assessment({"AA-ONE-01": 3, "AA-ONE-02": "na"})
    r = compare(mini, old, new)
    assert r["rose"] == [] and r["fell"] == []
    assert r["pillars"]["BB"] == {"old": None, "new": None, "delta": None}
    assert r["overall_delta"] == pytest.approx(r["new"]["overall"] - r["old"]["overall"])

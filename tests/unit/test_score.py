"""The scoring rule on edge cases the golden files do not cover."""

from __future__ import annotations

import pytest

from cap.score import criterion_percent, indicator_values, percent_to_level, score, strengths
from tests.conftest import assessment


def test_criterion_percent_maps_levels_to_0_33_67_100() -> None:
    assert [criterion_percent(v) for v in (1, 2, 3, 4)] == pytest.approx([0, 100 / 3, 200 / 3, 100])


def test_level_display_is_one_plus_three_quarters_of_percent() -> None:
    assert percent_to_level(50) == pytest.approx(2.5)
    assert percent_to_level(None) is None


def test_empty_assessment_has_null_scores_and_zero_completion(mini) -> None:
    s = score(mini, assessment({}))
    assert s["overall"]["percent"] is None
    assert all(p["percent"] is None and p["completion"] == 0 and p["partial"] for p in s["pillars"].values())


def test_pillar_below_half_answered_is_partial(mini) -> None:
    s = score(mini, assessment({"AA-ONE-01": 3}))
    assert s["pillars"]["AA"]["completion"] == pytest.approx(1 / 4)
    assert s["pillars"]["AA"]["partial"] is True
    assert s["overall"]["partial"] is True


def test_unknown_structure_type_counts_every_criterion(mini) -> None:
    s = score(mini, assessment({"AA-ONE-03": 4}, stype=None))
    assert s["criteria"]["AA-ONE-03"]["applies"] is True
    assert s["pillars"]["AA"]["applicable"] == 5


def test_excluded_criterion_answer_is_ignored(mini) -> None:
    s = score(mini, assessment({"AA-ONE-01": 1, "AA-ONE-03": 4}, stype="ACI"))
    assert s["themes"]["AA-ONE"]["percent"] == 0


def test_expected_profile_uses_requirements(mini) -> None:
    s = score(mini, assessment({}, stype="ACI"))
    # AA-TWO: requirements 3 and 2 → (66.7 + 33.3) / 2
    assert s["themes"]["AA-TWO"]["expected"] == pytest.approx(50)


def test_strengths_are_criteria_at_target_best_first(mini) -> None:
    s = score(mini, assessment({"AA-ONE-01": 3, "AA-ONE-02": 4, "AA-TWO-01": 2}))
    assert strengths(mini, s) == ["AA-ONE-02", "AA-ONE-01"]


def test_rate_indicator_is_computed_from_two_counts(mini) -> None:
    values = {v["id"]: v["value"] for v in indicator_values(mini, {"sorties": 40, "dynamiques": 10})}
    assert values == {"sorties": 40, "dynamiques": 10, "taux": 25.0}


def test_rate_with_zero_denominator_is_null(mini) -> None:
    values = {v["id"]: v["value"] for v in indicator_values(mini, {"sorties": 0, "dynamiques": 3})}
    assert values["taux"] is None

"""The model's lookups and questionnaire order."""

from __future__ import annotations


def test_criteria_are_in_questionnaire_order(mini) -> None:
    assert [c.id for c in mini.criteria] == ["AA-ONE-01", "AA-ONE-02", "AA-ONE-03", "AA-TWO-01", "AA-TWO-02",
                                             "BB-ONE-01", "BB-ONE-02"]
    assert mini.criterion_by_id["AA-TWO-01"].pillar_id == "AA"


def test_applies_to_restricts_by_type(mini) -> None:
    c = mini.criterion_by_id["AA-ONE-03"]
    assert c.applies("AI") and not c.applies("ACI") and c.applies(None)


def test_labels_fall_back_to_ids(mini) -> None:
    assert mini.type_label("ACI").startswith("Atelier")
    assert mini.role_label("inconnu") == "inconnu"
    assert mini.scale.label("dk") == "Je ne sais pas"

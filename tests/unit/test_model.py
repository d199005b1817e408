"""The model's lookups and questionnaire order."""

from __future__ import annotations


def test_criteria_are_in_questionnaire_order(mini) -> None:
    assert [c.id for c in mini.criteria] == ["AA-ONE-01", "AA-ONE-02", "AA-ONE-03", "AA-TWO-01", "AA-TWO-02",
                                             "BB-ONE-01", "BB-ONE-02"]
    assert mini.criterion_by_id["AA-TWO-01"].pillar_id == "AA"


def test_applies_to_restricts_by_type(mini) -> None:
    c = mini.criterion_by_id["AA-ONE-03"]
    assert c.applies("AI") and not c.applies("ACI") and c.applies(None)


def test_a_profile_applies_when_any_of_its_ids_is_listed(mini) -> None:
    c = mini.criterion_by_id["AA-ONE-03"]  # applies_to: [AI]
    assert c.applies(("ACI", "AI")) and c.applies(["AI"]) and c.applies(()) and c.applies([])
    assert not c.applies(("ACI", "OF")) and not c.applies({"EI"})
    assert mini.criterion_by_id["AA-ONE-01"].applies(("ACI",))  # no applies_to: every profile


def test_profile_of_reads_both_formats_and_keeps_known_ids(mini) -> None:
    assert mini.profile_of({"types": ["ACI", "XYZ"], "activities": ["OF"]}) == ("ACI", "OF")
    assert mini.profile_of({"type": "AI"}) == ("AI",)
    assert mini.profile_of({"type": "SAP"}) == ("ESS", "SAP_PRESTATAIRE", "SAP_MANDATAIRE", "SAP_MAD")
    assert mini.profile_of({"type": None}) == () and mini.profile_of(None) == () and mini.profile_of({}) == ()
    assert mini.profile_labels({"types": ["AI"], "activities": ["OF"]}) == [
        "Association intermédiaire (AI)", "Organisme de formation"]
    assert mini.profile_labels({}) == ["Type non précisé"]
    assert mini.type_label("SAP") == "Services à la personne"


def test_labels_fall_back_to_ids(mini) -> None:
    assert mini.type_label("ACI").startswith("Atelier")
    assert mini.role_label("inconnu") == "inconnu"
    assert mini.scale.label("dk") == "Je ne sais pas"


def test_an_answer_is_labelled_the_same_way_on_every_page(mini) -> None:
    scale = mini.scale
    level = scale.levels[2]
    assert scale.answer_label(level.value) == f"{level.value} · {level.label}"
    assert scale.answer_label("na") == scale.na_label and scale.answer_label("dk") == scale.dk_label
    for nothing in (None, 7, 0, True, "3", ""):  # no answer, or nothing a valid file holds
        assert scale.answer_label(nothing) == "Sans réponse", nothing

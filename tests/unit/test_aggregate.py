"""Anonymised export and network statistics."""

import copy
import json

import pytest

from cap.aggregate import aggregate, anonymise, read_anonymous
from cap.errors import AssessmentError
from tests.conftest import assessment, set_path


def test_anonymised_export_holds_no_name_and_no_free_text(mini) -> None:
    a = assessment({"AA-ONE-01": {"value": 2, "comment": "Commentaire secret"},
                    "BB-ONE-01": {"value": "na", "justification": "Justification secrète"}})
    a["structure"]["name"] = "Nom de la structure"
    a["respondent"] = {"name": "Camille Martin", "role": "direction"}
    a["plan"] = [{"id": "x", "action": "Action confidentielle", "owner": "Camille Martin"}]
    text = json.dumps(anonymise(mini, a, region="Bretagne"), ensure_ascii=False)
    for secret in ("secret", "secrète", "Nom de la structure", "Camille", "confidentielle", "direction"):
        assert secret not in text
    data = json.loads(text)
    assert set(data) == {"format", "format_version", "kind", "questionnaire", "structure", "date", "scores", "values"}
    assert data["values"] == {"AA-ONE-01": 2, "BB-ONE-01": "na"}


def test_statistics_by_type_and_quartiles(mini) -> None:
    files = [anonymise(mini, assessment({"AA-ONE-01": v}, stype=t)) for v, t in ((1, "AI"), (2, "ACI"), (3, "ACI"),
                                                                                  (4, "ACI"))]
    r = aggregate(mini, files, min_group=1)
    assert r["by_type"] == {"ACI": 3, "AI": 1}
    theme = r["themes"]["AA-ONE"]
    assert theme["n"] == 4
    assert theme["median"] == pytest.approx(50)
    assert theme["q1"] == pytest.approx(25) and theme["q3"] == pytest.approx(75)
    assert r["themes"]["BB-ONE"]["n"] == 0 and r["themes"]["BB-ONE"]["median"] is None


def test_full_assessments_are_scored_when_aggregated(mini) -> None:
    r = aggregate(mini, [assessment({"AA-ONE-01": 4})], min_group=1)
    assert r["overall"]["mean"] == pytest.approx(100)


def _export(mini) -> dict:
    a = assessment({"AA-ONE-01": 2, "AA-ONE-02": 4, "BB-ONE-01": "na"}, updated="2026-11-28T10:00:00Z")
    return json.loads(json.dumps(anonymise(mini, a, region="Bretagne")))


def test_an_anonymised_export_reads_back_as_written(mini) -> None:
    data = _export(mini)
    assert read_anonymous(copy.deepcopy(data), mini) == data


BAD = [
    ("scores.overall", float("nan"), "scores.overall"),
    ("scores.overall", float("inf"), "scores.overall"),
    ("scores.overall", -5000, "scores.overall"),
    ("scores.overall", 1e300, "scores.overall"),
    ("scores.overall", True, "scores.overall"),
    ("scores.overall", "50", "scores.overall"),
    ("scores.pillars.AA", float("-inf"), "scores.pillars.AA"),
    ("scores.themes.AA-ONE", 100.5, "scores.themes.AA-ONE"),
    ("scores.themes", [1, 2], "scores.themes"),
    ("scores.pillars", None, "scores.pillars"),
    ("scores", "beaucoup", "scores"),
    ("scores.extra", 1, "scores.extra"),
    ("values.AA-ONE-01", 7, "values.AA-ONE-01"),
    ("values.AA-ONE-01", True, "values.AA-ONE-01"),
    ("values", [], "values"),
    ("structure", "ACI", "structure"),
    ("structure.type", ["ACI"], "structure.type"),
    ("structure.type", 12, "structure.type"),
    ("structure.region", "x" * 500, "structure.region"),
    ("structure.name", "Nom", "structure.name"),
    ("date", 20261128, "date"),
    ("date", "x" * 100, "date"),
    ("questionnaire", None, "questionnaire"),
    ("questionnaire.id", "autre", "questionnaire.id"),
    ("questionnaire.version", {"v": 1}, "questionnaire.version"),
    ("format_version", True, "format_version"),
    ("format_version", 99, "format_version"),
    ("format_version", 1.0, "format_version"),
    ("answers", {}, "answers"),
]


@pytest.mark.parametrize(("path", "value", "field"), BAD, ids=[f"{p}={v!r}"[:40] for p, v, _ in BAD])
def test_bad_anonymised_export_is_refused_naming_the_field(mini, path, value, field) -> None:
    data = _export(mini)
    set_path(data, path, value)
    with pytest.raises(AssessmentError) as info:
        read_anonymous(data, mini)
    assert info.value.field == field
    assert f"champ « {field} »" in str(info.value)


@pytest.mark.parametrize("path", ["scores", "scores.overall", "scores.pillars", "scores.themes", "values",
                                  "questionnaire", "structure"])
def test_anonymised_export_missing_a_part_is_refused(mini, path) -> None:
    data = _export(mini)
    set_path(data, path, delete=True)
    with pytest.raises(AssessmentError) as info:
        read_anonymous(data, mini)
    assert info.value.field == path


def test_a_percent_a_hair_above_100_is_rounding_not_an_attack(mini) -> None:
    data = _export(mini)
    data["scores"]["overall"] = 100.00000000000001
    assert read_anonymous(data, mini)["scores"]["overall"] == 100


def test_aggregate_skips_numbers_that_are_not_percents(mini) -> None:
    items = [{"kind": "anonymous", "structure": {"type": "ACI"},
              "scores": {"overall": v, "pillars": {"AA": v}, "themes": {"AA-ONE": v}}}
             for v in (float("nan"), float("inf"), -5000, 1e300, True, 50)]
    r = aggregate(mini, items, min_group=1)
    assert r["overall"]["n"] == 1 and r["overall"]["median"] == 50
    json.dumps(r, allow_nan=False)


def test_a_structure_of_several_types_counts_in_each_and_activities_are_counted(mini) -> None:
    group = assessment({"AA-ONE-01": 3}, stype="AI", activities=["SAP_MAD"])
    group["structure"]["types"] = ["AI", "ACI"]
    files = [anonymise(mini, group), anonymise(mini, assessment({"AA-ONE-01": 2}, stype=None, activities=["OF"]))]
    assert files[0]["structure"] == {"types": ["AI", "ACI"], "activities": ["SAP_MAD"], "region": "",
                                      "size": ""}
    r = aggregate(mini, files)
    assert r["count"] == 2
    assert r["by_type"] == {"ACI": 1, "AI": 1, "inconnu": 1}
    assert r["by_activity"] == {"OF": 1, "SAP_MAD": 1}
    assert read_anonymous(json.loads(json.dumps(files[0])), mini) == files[0]


@pytest.mark.parametrize(("old", "types", "activities"), [("ACI", ["ACI"], []), ("SAP", ["ESS"], [
    "SAP_PRESTATAIRE", "SAP_MANDATAIRE", "SAP_MAD"]), ("OF", ["ESS"], ["OF"]), (None, [], [])])
def test_a_format_1_export_reads_with_its_type_as_a_profile(mini, old, types, activities) -> None:
    data = _export(mini)
    data["format_version"] = 1
    data["structure"] = {"type": old, "region": "Bretagne"}
    read = read_anonymous(data, mini)
    assert read["structure"] == {"types": types, "activities": activities, "region": "Bretagne", "size": ""}
    assert aggregate(mini, [read])["by_type"] == {t: 1 for t in types} or not types


@pytest.mark.parametrize("bad", [{"types": "ACI"}, {"types": [3]}, {"activities": ["x" * 61]},
                                 {"types": ["A"] * 31}])
def test_a_bad_profile_in_an_export_is_refused(mini, bad) -> None:
    data = _export(mini)
    data["structure"] = {"region": "", **bad}
    with pytest.raises(AssessmentError) as err:
        read_anonymous(data, mini)
    assert err.value.field.startswith("structure.")

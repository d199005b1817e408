"""Assessment files are untrusted input: checked, explained in French, never silently trimmed."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from cap import formats
from cap.errors import AssessmentError
from cap.formats import dump, new_assessment, parse_text, read_assessment
from tests.conftest import assessment

CASES = yaml.safe_load((Path(__file__).parent / "bad_assessments.yaml").read_text(encoding="utf-8"))
SCHEMA = json.loads((Path(formats.__file__).parent / "schema" / "cap-evaluation.schema.json").read_text())


def _bad_input(case: dict) -> str:
    if "text" in case:
        return case["text"]
    data = assessment({"AA-ONE-01": 2})
    for key, value in case["data"].items():
        data[key] = value
    text = json.dumps(data)
    return text.replace('"LONG"', json.dumps("x" * 6000))


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_bad_file_gets_a_french_message(case: dict, mini) -> None:
    with pytest.raises(AssessmentError) as info:
        read_assessment(_bad_input(case), mini)
    assert info.value.code == case["code"]
    assert case["message"] in str(info.value)
    if "field" in case:
        assert info.value.field == case["field"]


def test_huge_file_is_refused_before_parsing(mini) -> None:
    with pytest.raises(AssessmentError) as info:
        read_assessment("{" + " " * (formats.MAX_BYTES + 1) + "}", mini)
    assert info.value.code == "too_big" and "trop volumineux" in str(info.value)


def test_unknown_ids_are_kept_and_reported(mini) -> None:
    a, warnings = read_assessment(assessment({"AA-ONE-01": 2, "ZZ-OLD-01": {"value": 3, "comment": "gardé"}}), mini)
    assert a["unknown_answers"] == {"ZZ-OLD-01": {"value": 3, "comment": "gardé"}}
    assert "ZZ-OLD-01" not in a["answers"]
    assert any("ne connaît pas" in w for w in warnings)


def test_renamed_id_follows_the_questionnaire_history(mini) -> None:
    a, warnings = read_assessment(assessment({"AA-ONE-09": 3, "AA-ONE-08": 2}), mini)
    assert a["answers"]["AA-ONE-02"] == {"value": 3}
    assert "AA-ONE-08" in a["unknown_answers"]  # removed: kept aside, not scored
    assert any("renommés" in w for w in warnings)


def test_na_on_core_criterion_becomes_unanswered_and_keeps_the_text(mini) -> None:
    a, warnings = read_assessment(assessment({"AA-ONE-01": {"value": "na", "justification": "raison"}}), mini)
    assert a["answers"]["AA-ONE-01"] == {"value": None, "comment": "raison"}
    assert any("critère essentiel" in w for w in warnings)


def test_older_questionnaire_version_is_read_with_a_note(mini) -> None:
    data = assessment({"AA-ONE-01": 2})
    data["questionnaire"]["version"] = "2025.1"
    a, warnings = read_assessment(data, mini)
    assert a["answers"]["AA-ONE-01"]["value"] == 2
    assert "2025.1" in warnings[0]


def test_bom_and_bytes_are_accepted(mini) -> None:
    raw = ("\ufeff" + json.dumps(assessment({"AA-ONE-01": 2}))).encode("utf-8")
    assert read_assessment(raw, mini)[0]["answers"]["AA-ONE-01"]["value"] == 2


def test_deep_nesting_is_refused_cleanly() -> None:
    with pytest.raises(AssessmentError):
        parse_text("[" * 100000 + "]" * 100000)


def test_new_and_read_files_match_the_published_schema(mini) -> None:
    a = new_assessment(mini, "ACI", "Structure")
    a["answers"] = {"AA-ONE-01": {"value": 3, "comment": "ok"}}
    a["plan"] = [{"id": "p1", "criterion": "AA-ONE-01", "action": "Faire", "owner": "Direction", "due": "2027-01",
                  "status": "todo", "offers": ["o-one"]}]
    jsonschema.validate(a, SCHEMA)
    read, _ = read_assessment(json.loads(dump(a)), mini)
    jsonschema.validate(read, SCHEMA)
    assert read["answers"] == a["answers"] and read["plan"] == a["plan"]


def test_schema_rejects_what_the_reader_rejects(mini) -> None:
    bad = copy.deepcopy(assessment({"AA-ONE-01": 7}))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, SCHEMA)

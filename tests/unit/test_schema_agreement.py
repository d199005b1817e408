"""One schema per thing: the JSON Schemas published with the site and the Python checkers agree.

Every bad case of `bad_questionnaires.yaml` is refused by both `validate.check_sources` and
`questionnaire/schema.json`; every bad case of `bad_assessments.yaml` by both `formats.read_assessment`
and `py/cap/schema/cap-evaluation.schema.json`; the good files (the fixtures, the real questionnaire,
the example, new, campaign and consolidated assessments) are accepted by both.

A JSON Schema sees one document at a time and cannot compare two values: the cases it cannot
refuse are listed by name below (`CROSS_REFERENCES`, `NOT_IN_A_SCHEMA`), each with its reason, and
the test checks that the schema really accepts them, so the lists stay exact.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from site_config.example import example_assessment

from cap.campaign import new_campaign
from cap.consolidate import consolidate
from cap.errors import AssessmentError
from cap.formats import new_assessment, read_assessment
from cap.load import read_sources
from cap.validate import check_sources
from tests.conftest import MINI, REAL, ROOT, assessment
from tests.unit.test_formats import CASES as ASSESSMENT_CASES
from tests.unit.test_formats import _bad_input
from tests.unit.test_validate import CASES as QUESTIONNAIRE_CASES
from tests.unit.test_validate import _apply

QUESTIONNAIRE_SCHEMA = jsonschema.Draft202012Validator(
    json.loads((ROOT / "questionnaire" / "schema.json").read_text(encoding="utf-8")))
ASSESSMENT_SCHEMA = jsonschema.Draft202012Validator(
    json.loads((ROOT / "py" / "cap" / "schema" / "cap-evaluation.schema.json").read_text(encoding="utf-8")))

# Questionnaire rules that compare values across items or files: the validator only.
CROSS_REFERENCES = {
    "duplicate criterion id": "ids unique across files",
    "criterion id outside its theme": "a criterion id starts with its theme's id",
    "unknown offer": "offers.yaml lists the offers",
    "unknown structure type": "structure_types.yaml lists the types",
    "two identical descriptors": "two levels' texts compared",
    "same question twice": "questions compared across criteria",
    "unknown UST register": "indicators.yaml lists the registers",
    "duplicate offer id": "ids unique within a list",
    "rate indicator naming an unknown count": "another indicator's type",
    "removed id reused": "id_changes against the criteria",
    "merged id still in the questionnaire": "id_changes against the criteria",
    "reworded id not in the questionnaire": "id_changes against the criteria",
    "reworded with another new id": "old and new compared",
    "split old gone": "id_changes against the criteria",
    "split into itself": "old and new compared",
    "added id unknown": "id_changes against the criteria",
    "id change from a later version": "compared with meta.yaml's version",
    "id gone twice": "id_changes compared with each other",
}
# Assessment rules that a JSON Schema cannot state: the reader only.
NOT_IN_A_SCHEMA = {
    "other questionnaire": "the questionnaire id is the site's (cross-reference)",
    "unknown field nested deeper than kept fields may be": "bounds on unknown fields kept as-is (any shape)",
    "unknown fields too big to keep": "bounds on unknown fields kept as-is (total size)",
}


def _schema_errors(validator: jsonschema.Draft202012Validator, document: Any) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:120]}" for e in validator.iter_errors(document)]


def _questionnaire_schema_errors(sources: dict[str, Any]) -> list[str]:
    return [f"{name}: {e}" for name, data in sources.items() for e in _schema_errors(QUESTIONNAIRE_SCHEMA, data)]


class NotIJson(ValueError):
    pass


def _i_json(text: str) -> Any:
    """The document a schema validator sees: I-JSON (RFC 7493), which the reader requires too: no
    NaN or Infinity, integers a browser counts exactly, no lone surrogate, a sane nesting."""
    def constant(name: str) -> Any:
        raise NotIJson(f"{name} is not JSON")

    def integer(digits: str) -> int:
        value = int(digits)  # thousands of digits: ValueError (Python's limit)
        if abs(value) > 2**53 - 1:
            raise NotIJson("integer beyond IEEE 754 double precision")
        return value

    def check(value: Any) -> None:
        if isinstance(value, str) and any(0xD800 <= ord(ch) <= 0xDFFF for ch in value):
            raise NotIJson("lone surrogate")
        for item in value.items() if isinstance(value, dict) else value if isinstance(value, list) else ():
            if isinstance(value, dict):
                check(item[0])
                check(item[1])
            else:
                check(item)

    try:
        data = json.loads(text, parse_constant=constant, parse_int=integer)
    except RecursionError as exc:
        raise NotIJson("nesting too deep") from exc
    check(data)
    return data


# -- questionnaires ---------------------------------------------------------------------------

@pytest.mark.parametrize("folder", [MINI, REAL, ROOT / "tests" / "fixtures" / "referential-2026.1"],
                         ids=["mini", "real", "referential-2026.1"])
def test_good_questionnaires_pass_both(folder: Path) -> None:
    sources = read_sources(folder)
    assert check_sources(sources) == []
    assert _questionnaire_schema_errors(sources) == []


@pytest.mark.parametrize("case", QUESTIONNAIRE_CASES, ids=[c["name"] for c in QUESTIONNAIRE_CASES])
def test_bad_questionnaire_is_refused_by_both(case: dict, mini_sources) -> None:
    sources = copy.deepcopy(mini_sources)
    _apply(sources, case["file"], case.get("path"), case.get("value"), case.get("delete", False))
    assert check_sources(sources), "the validator accepts it"
    errors = _questionnaire_schema_errors(sources)
    if case["name"] in CROSS_REFERENCES:
        assert errors == [], f"the schema refuses it now: remove it from CROSS_REFERENCES ({errors})"
    else:
        assert errors, "the schema accepts it (and it is not a cross-reference)"


def test_the_cross_reference_list_names_real_cases() -> None:
    assert set(CROSS_REFERENCES) <= {c["name"] for c in QUESTIONNAIRE_CASES}


# -- assessment files -------------------------------------------------------------------------

def _good_assessments(real) -> list[tuple[str, dict[str, Any]]]:
    example = example_assessment(real)
    read, _ = read_assessment(json.dumps(example), real)
    other = {**copy.deepcopy(example), "id": "autre", "respondent": {"name": "", "role": "salarie"}}
    merged = consolidate(real, [example, other])
    return [("example", example), ("read", read), ("new", new_assessment(real, ("ACI", "OF"), "Structure")),
            ("campaign", new_campaign(real, read, "2027-10-01")), ("consolidated", merged),
            ("test helper", assessment({"AA-ONE-01": 2}))]


def test_good_assessments_pass_both(real, mini) -> None:
    for name, a in _good_assessments(real):
        text = json.dumps(a, ensure_ascii=False)
        assert _schema_errors(ASSESSMENT_SCHEMA, _i_json(text)) == [], name
        read_assessment(text, mini if name == "test helper" else real)


@pytest.mark.parametrize("case", ASSESSMENT_CASES, ids=[c["name"] for c in ASSESSMENT_CASES])
def test_bad_assessment_is_refused_by_both(case: dict, mini) -> None:
    text = _bad_input(case)
    with pytest.raises(AssessmentError):
        read_assessment(text, mini)
    try:
        errors = _schema_errors(ASSESSMENT_SCHEMA, _i_json(text))
    except (NotIJson, ValueError):
        errors = ["not an I-JSON document"]  # refused before any schema: not JSON, or not interoperable JSON
    if case["name"] in NOT_IN_A_SCHEMA:
        assert errors == [], f"the schema refuses it now: remove it from NOT_IN_A_SCHEMA ({errors})"
    else:
        assert errors, "the schema accepts it"


def test_the_not_in_a_schema_list_names_real_cases() -> None:
    assert set(NOT_IN_A_SCHEMA) <= {c["name"] for c in ASSESSMENT_CASES}

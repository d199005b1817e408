"""Assessment files are untrusted input: checked, explained in French, never silently trimmed."""

from __future__ import annotations

import copy
import json
import math
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


# What YAML cannot write (or would make unreadable): each quoted token becomes raw JSON text.
TOKENS = {
    '"LONG"': json.dumps("x" * 6000),
    '"SURROGATE"': '"\\ud800"',  # a lone UTF-16 surrogate, as a JSON escape
    '"BIGINT"': "9" * 5000,
    '"HUGEINT"': "9" * 30,
    '"INF"': "1e400",
    '"NAN"': "NaN",
    '"INFINITY"': "Infinity",
    '"MINUS_INFINITY"': "-Infinity",
    '"DEEP"': "[" * 100_000 + "]" * 100_000,
    '"NEST30"': "[" * 30 + "]" * 30,
    '"BIGTEXT"': json.dumps("x" * 300_000),
}


def _bad_input(case: dict) -> str:
    if "text" in case:
        return case["text"]
    data = assessment({"AA-ONE-01": 2})
    for key, value in case["data"].items():
        data[key] = value
    text = json.dumps(data)
    for token, raw in TOKENS.items():
        text = text.replace(token, raw)
    return text


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


# -- nothing lost on the way through: read → export → read -----------------------------------------

def _round_trip(data: dict | str, q, rounds: int = 3) -> list[dict]:
    out = []
    for _ in range(rounds):
        a, _ = read_assessment(data, q)
        jsonschema.validate(a, SCHEMA)
        out.append(a)
        data = dump(a)
    return out


def test_unknown_answers_and_the_questionnaire_trace_survive_three_exports(mini) -> None:
    data = assessment({"AA-ONE-01": 2, "ZZ-OLD-01": {"value": 3, "comment": "gardé"}})
    data["questionnaire"]["version"] = "2025.1"
    rounds = _round_trip(data, mini)
    for a in rounds:
        assert a["unknown_answers"] == {"ZZ-OLD-01": {"value": 3, "comment": "gardé"}}
        assert a["questionnaire"] == {"id": "cap", "version": "2026.1", "read_from": "2025.1"}
    assert rounds[0] == rounds[1] == rounds[2]


def test_incoming_unknown_answers_merge_and_answers_win_a_clash(mini) -> None:
    data = assessment({"AA-ONE-01": 2, "ZZ-NEW-01": {"value": 4}})
    data["unknown_answers"] = {"ZZ-NEW-01": {"value": 1, "comment": "ancien"}, "ZZ-OLD-01": {"value": "na",
                                                                                            "justification": "j"}}
    a, warnings = read_assessment(data, mini)
    assert a["unknown_answers"] == {"ZZ-NEW-01": {"value": 4}, "ZZ-OLD-01": {"value": "na", "justification": "j"}}
    assert any("ne connaît pas" in w for w in warnings)


def test_unknown_answer_to_a_criterion_the_questionnaire_knows_again_is_restored(mini) -> None:
    data = assessment({"AA-ONE-01": 2})
    data["unknown_answers"] = {"AA-ONE-01": {"value": 4}, "AA-ONE-03": {"value": 3, "comment": "retrouvé"},
                               "AA-ONE-09": {"value": 1}}  # AA-ONE-09 was renamed AA-ONE-02
    a, warnings = read_assessment(data, mini)
    assert a["answers"]["AA-ONE-01"] == {"value": 2}  # answers win, and the user is told
    assert any("AA-ONE-01" in w and "double" in w for w in warnings)
    assert a["answers"]["AA-ONE-03"] == {"value": 3, "comment": "retrouvé"}
    assert a["answers"]["AA-ONE-02"] == {"value": 1}
    assert "unknown_answers" not in a
    assert any("reprises" in w and "AA-ONE-03" in w for w in warnings)
    assert a == read_assessment(dump(a), mini)[0]


def test_the_earliest_questionnaire_version_is_kept(mini) -> None:
    data = assessment({"AA-ONE-01": 2})
    data["questionnaire"] = {"id": "cap", "version": "2025.2", "read_from": "2025.1"}
    a, warnings = read_assessment(data, mini)
    assert a["questionnaire"] == {"id": "cap", "version": "2026.1", "read_from": "2025.1"}
    assert "2025.2" in warnings[0]
    same = assessment({"AA-ONE-01": 2})
    assert "read_from" not in read_assessment(same, mini)[0]["questionnaire"]


def test_consolidated_agreed_flag_is_kept(mini) -> None:
    data = assessment({"AA-ONE-01": {"value": 3, "agreed": True}})
    assert read_assessment(data, mini)[0]["answers"]["AA-ONE-01"] == {"value": 3, "agreed": True}


# -- one rule for numbers, dates and sizes ---------------------------------------------------------

def test_integral_float_answers_read_and_score_as_integers(mini) -> None:
    from cap.score import score

    as_int, _ = read_assessment(assessment({"AA-ONE-01": 2}, targets={"AA-ONE-01": 4}, importance={"AA-ONE-01": 3}),
                                mini)
    text = json.dumps(assessment({"AA-ONE-01": 2}, targets={"AA-ONE-01": 4}, importance={"AA-ONE-01": 3}))
    text = text.replace('"value": 2', '"value": 2.0').replace(": 4}", ": 4.0}").replace(": 3}", ": 3.0}")
    assert '"value": 2.0' in text and "4.0" in text and "3.0" in text
    as_float, _ = read_assessment(text, mini)
    assert type(as_float["answers"]["AA-ONE-01"]["value"]) is int
    assert type(as_float["targets"]["AA-ONE-01"]) is int and type(as_float["importance"]["AA-ONE-01"]) is int
    assert score(mini, as_float) == score(mini, as_int)
    assert score(mini, as_float)["overall"]["percent"] is not None


@pytest.mark.parametrize("stamp", ["2026-11-28", "2026-11-28T10:30:00Z", "2026-11-28T10:30:00+01:00",
                                   "2026-11-28T10:30:00.123Z", "2026-11-28T10:30", "now"])
def test_iso_dates_are_accepted(stamp: str, mini) -> None:
    # "now": what the engine writes itself (named, not computed here: parallel workers must collect the same ids)
    stamp = formats.now_iso() if stamp == "now" else stamp
    plan = [{"action": "x", "status": "done", "done_on": stamp}]
    a, _ = read_assessment(assessment({}, created=stamp, updated=stamp, exported=stamp, plan=plan), mini)
    assert a["created"] == a["updated"] == a["exported"] == a["plan"][0]["done_on"] == stamp


def test_the_message_gives_the_real_size_of_a_file_cut_short_by_the_page(mini) -> None:
    cut = "{" + " " * formats.MAX_BYTES  # the page reads 2,000,001 bytes of a 50 MB file
    with pytest.raises(AssessmentError) as info:
        read_assessment(cut, mini, size=50_000_000)
    assert "(50,0 Mo)" in str(info.value) and info.value.code == "too_big"
    with pytest.raises(AssessmentError) as info:
        parse_text(json.dumps(assessment({})), size=3_500_000)
    assert "(3,5 Mo)" in str(info.value)
    assert read_assessment(json.dumps(assessment({})), mini, size=1200)[0]["answers"] == {}


def test_brackets_inside_texts_do_not_count_as_nesting(mini) -> None:
    comment = "[" * 3000 + "{" * 1000 + ' \\" ' + "]" * 10
    a, _ = read_assessment(assessment({"AA-ONE-01": {"value": 2, "comment": comment}}), mini)
    assert a["answers"]["AA-ONE-01"]["comment"] == comment
    assert formats.nesting_depth('{"a": ["[[[", {"b": "\\\\"}], "c": "\\"]]]"}') == 3
    assert formats.nesting_depth("[" * 100 + "]" * 100) == 100
    assert formats.nesting_depth('[[]' * 70 + "]" * 70) == 71
    blocks = "[" + ",".join(["[" * 40 + "]" * 40] * 500) + "]"  # few innermost pairs: counted by runs
    assert formats.nesting_depth(blocks) == 41 and formats.nesting_depth(blocks, 40) == 41
    assert formats.nesting_depth('["]"[[[[') >= 5  # a broken text: never below what the parser could reach


def test_nesting_at_the_limit_is_read(mini) -> None:
    inner = "[" * (formats.MAX_DEPTH - 1) + "]" * (formats.MAX_DEPTH - 1)
    assert parse_text('{"a": ' + inner + "}")["a"]
    with pytest.raises(AssessmentError) as info:
        parse_text('{"a": [' + inner + "]}")
    assert info.value.code == "too_deep"


@pytest.mark.parametrize("text", [
    "[" * 100_000, "{\"a\":" * 100_000, '["' * 50_000, "9" * 5000, "-" + "9" * 5000, "1e400", "NaN", "[1e99999]",
    b"\xff\xfe{}", "\ud800", '{"a": "\ud800"}', b'{"a": "\xed\xa0\x80"}', "\x00", "",
])
def test_any_text_raises_only_assessment_errors(text, mini) -> None:
    with pytest.raises(AssessmentError):
        read_assessment(text, mini)


def test_a_dict_from_the_page_gets_the_same_checks(mini) -> None:
    deep: list = []
    for _ in range(200):
        deep = [deep]
    for bad, field in ((assessment({"AA-ONE-01": 2}, extra=deep), "extra"),
                       (assessment({"AA-ONE-01": 2}, extra=float("nan")), "extra"),
                       (assessment({"AA-ONE-01": 2}, indicators={"sorties": 10 ** 400}), "indicators.sorties"),
                       (assessment({"AA-ONE-01": {"value": 2, "comment": "\udfff"}}), "answers.AA-ONE-01.comment"),
                       (assessment({"AA-ONE-01": 2}, extra={1: "clé numérique"}), "extra")):
        with pytest.raises(AssessmentError) as info:
            read_assessment(bad, mini)
        assert info.value.field == field, info.value


def test_indicator_rates_stay_finite(mini) -> None:
    from cap.score import indicator_values

    a, _ = read_assessment(assessment({}, indicators={"dynamiques": 1e9, "sorties": 1e-300}), mini)
    assert all(v["value"] is None or math.isfinite(v["value"]) for v in indicator_values(mini, a["indicators"]))

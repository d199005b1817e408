"""The worker's JSON entry points: one op per request, errors as data, never an exception."""

from __future__ import annotations

import json

import pytest

from cap import browser
from cap.load import make_bundle, read_sources
from tests.conftest import MINI, assessment


@pytest.fixture(autouse=True)
def _init() -> None:
    reply = json.loads(browser.call("init", json.dumps({"bundle": make_bundle(read_sources(MINI))})))
    assert reply == {"ok": True, "data": {"id": "cap", "version": "2026.1", "criteria": 7}}


def _call(op: str, payload: dict) -> dict:
    return json.loads(browser.call(op, json.dumps(payload)))


def test_score_returns_numbers_and_html() -> None:
    reply = _call("score", {"assessment": assessment({"AA-ONE-01": 2})})
    assert reply["ok"] and reply["data"]["scores"]["themes"]["AA-ONE"]["percent"] == pytest.approx(100 / 3)
    assert 'data-score="overall"' in reply["data"]["html"]


def test_read_reports_a_bad_file_as_a_french_error() -> None:
    reply = _call("read", {"text": "pas du json"})
    assert reply == {"ok": False, "error": {"message": reply["error"]["message"], "code": "not_json", "field": None}}
    assert "JSON" in reply["error"]["message"]


def test_unknown_op_and_internal_error_do_not_raise() -> None:
    assert _call("nope", {})["error"]["message"] == "Opération inconnue : nope"
    assert _call("score", {"assessment": {"answers": 5}})["error"]["code"] == "internal"


def test_synthesis_sets_unreadable_files_aside_and_merges_the_rest() -> None:
    files = [{"name": f"p{n}.json", "text": json.dumps(assessment({"AA-ONE-01": v}, id=str(n)))}
             for n, v in enumerate((1, 2, 4))]
    files.append({"name": "cassé.json", "text": "{"})
    data = _call("synthesis", {"files": files})["data"]
    assert [f["name"] for f in data["files"]] == ["p0.json", "p1.json", "p2.json"]
    assert data["assessment"]["answers"]["AA-ONE-01"] == {"value": 2}
    assert data["assessment"]["stats"]["AA-ONE-01"]["divergent"] is True
    assert any(n["file"] == "cassé.json" and n["level"] == "refused" for n in data["notes"])


def test_export_normalises_and_csv_has_bom() -> None:
    text = _call("export", {"assessment": assessment({"AA-ONE-01": 3})})["data"]["text"]
    assert json.loads(text)["answers"] == {"AA-ONE-01": {"value": 3}}
    assert _call("csv", {"assessment": assessment({"AA-ONE-01": 1})})["data"]["text"].startswith("\ufeff")


def test_read_gives_the_real_size_of_a_file_the_page_cut_short() -> None:
    reply = _call("read", {"text": "{" + " " * 2_000_000, "size": 50_000_000})
    assert reply["error"]["code"] == "too_big" and "(50,0 Mo)" in reply["error"]["message"]
    assert _call("read", {"text": json.dumps(assessment({"AA-ONE-01": 2})), "size": 300})["ok"]


def test_read_of_a_text_with_a_lone_surrogate_is_a_french_error() -> None:
    text = json.dumps(assessment({"AA-ONE-01": {"value": 2, "comment": "\ud800"}}))  # escaped: "\\ud800"
    reply = _call("read", {"text": text})
    assert reply["error"]["code"] == "types" and reply["error"]["field"] == "answers.AA-ONE-01.comment"
    raw = json.loads(browser.call("read", json.dumps({"text": "\ud800"})))  # a raw lone surrogate in the text
    assert raw["ok"] is False and raw["error"]["code"] != "internal"


BAD_FILES = [
    {"name": "profond.json", "text": "[" * 100_000 + "]" * 100_000},
    {"name": "chiffres.json", "text": '{"format": "cap-evaluation", "n": ' + "9" * 5000 + "}"},
    {"name": "infini.json", "text": json.dumps(assessment({"AA-ONE-01": 2})).replace('"Test"', "1e400")},
    {"name": "moitié.json", "text": json.dumps(assessment({"AA-ONE-01": 2}, structure={"name": "\udc00"}))},
    {"name": "date.json", "text": json.dumps(assessment({"AA-ONE-01": 2}, updated="pas une date"))},
    {"name": "énorme.json", "text": "{", "size": 50_000_000},
    {"name": "sans texte.json", "text": None},
    {"name": "texte en nombre.json", "text": 42},
]
BAD_ENTRIES = [["pas", "un", "objet"], "fichier.json", {"text": "{}"}, {"name": 3, "text": "{}"}]


@pytest.mark.parametrize("op", ["synthesis", "evolution"])
def test_one_bad_file_never_blocks_the_others(op: str) -> None:
    good = [{"name": f"p{n}.json", "size": 600,
             "text": json.dumps(assessment({"AA-ONE-01": v}, id=str(n), updated=f"2026-0{n + 1}-01"))}
            for n, v in enumerate((1, 3))]
    reply = _call(op, {"files": [good[0], *BAD_FILES, *BAD_ENTRIES, good[1]]})
    assert reply["ok"], reply
    data = reply["data"]
    names = [f["name"] for f in data["files"]]
    assert names == ["p0.json", "p1.json"]
    refused = [n for n in data["notes"] if n["level"] == "refused"]
    assert [n["file"] for n in refused[:len(BAD_FILES)]] == [f["name"] for f in BAD_FILES]
    assert len(refused) == len(BAD_FILES) + len(BAD_ENTRIES)
    assert not any("interne" in n["message"] for n in data["notes"])
    assert "(50,0 Mo)" in refused[5]["message"]


@pytest.mark.parametrize("op", ["synthesis", "evolution"])
@pytest.mark.parametrize("exc", [RecursionError, ValueError, OverflowError, UnicodeError, MemoryError, TypeError,
                                 KeyError])
def test_an_unexpected_failure_on_one_file_is_a_note_naming_it(op: str, exc: type, monkeypatch) -> None:
    real = browser.read_and_migrate

    def fragile(text, q, size=None):
        if "PIEGE" in text:
            raise exc("boom")
        return real(text, q, size)

    monkeypatch.setattr(browser, "read_and_migrate", fragile)
    files = [{"name": f"p{n}.json", "text": json.dumps(assessment({"AA-ONE-01": 2}, id=str(n)))} for n in range(2)]
    files.append({"name": "piège.json", "text": json.dumps(assessment({"AA-ONE-01": 4}, id="x", extra="PIEGE"))})
    data = _call(op, {"files": files})["data"]
    note = next(n for n in data["notes"] if n["file"] == "piège.json")
    assert note["level"] == "refused" and note["message"].startswith("Fichier illisible")


def test_synthesis_replies_with_the_whole_view_in_one_call() -> None:
    files = [{"name": f"p{n}.json", "text": json.dumps(assessment({"AA-ONE-01": 2}, id=str(n)))} for n in range(2)]
    assert set(_call("synthesis", {"files": files})["data"]) == {"files", "notes", "assessment", "html", "criteria",
                                                                 "order", "meeting", "labels"}
    assert "consolidate" not in browser.OPS  # one merge, one call: the page no longer scores it apart


@pytest.mark.parametrize("payload", [{"files": "p.json"}, {"files": None}, {}])
def test_a_payload_without_a_file_list_is_a_french_error(payload: dict) -> None:
    reply = _call("synthesis", payload)
    assert reply["ok"] is False and reply["error"]["code"] != "internal"


def test_a_payload_nested_too_deep_is_refused_before_parsing() -> None:
    reply = json.loads(browser.call("export", '{"assessment": ' + "[" * 100_000 + "]" * 100_000 + "}"))
    assert reply["ok"] is False and reply["error"]["code"] == "too_deep"
    huge = json.loads(browser.call("export", '{"assessment": ' + "9" * 5000 + "}"))
    assert huge["ok"] is False and huge["error"]["code"] != "internal"


def test_export_keeps_unknown_answers_and_the_version_trace() -> None:
    a = assessment({"AA-ONE-01": 3, "ZZ-OLD-01": {"value": 2, "comment": "à garder"}})
    a["questionnaire"]["version"] = "2025.1"
    for _ in range(3):
        a = _call("read", {"text": _call("export", {"assessment": a})["data"]["text"]})["data"]["assessment"]
    assert a["unknown_answers"] == {"ZZ-OLD-01": {"value": 2, "comment": "à garder"}}
    assert a["questionnaire"] == {"id": "cap", "version": "2026.1", "read_from": "2025.1"}

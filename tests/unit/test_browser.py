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


def test_consolidate_sets_unreadable_files_aside_and_merges_the_rest() -> None:
    files = [{"name": f"p{n}.json", "text": json.dumps(assessment({"AA-ONE-01": v}, id=str(n)))}
             for n, v in enumerate((1, 2, 4))]
    files.append({"name": "cassé.json", "text": "{"})
    data = _call("consolidate", {"files": files})["data"]
    assert data["files"] == ["p0.json", "p1.json", "p2.json"]
    assert data["consolidated"]["answers"]["AA-ONE-01"] == {"value": 2}
    assert data["consolidated"]["stats"]["AA-ONE-01"]["divergent"] is True
    assert any(n["file"] == "cassé.json" and n["level"] == "refused" for n in data["notes"])


def test_export_normalises_and_csv_has_bom() -> None:
    text = _call("export", {"assessment": assessment({"AA-ONE-01": 3})})["data"]["text"]
    assert json.loads(text)["answers"] == {"AA-ONE-01": {"value": 3}}
    assert _call("csv", {"assessment": assessment({"AA-ONE-01": 1})})["data"]["text"].startswith("\ufeff")

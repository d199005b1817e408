"""The declared contracts (cap.contracts) match the real replies: each op of browser.OPS, called on the
example assessment (and on its other request shapes), replies with exactly the keys its TypedDict
declares: every required key, no undeclared key, and each optional key produced by some case."""

from __future__ import annotations

import json
import typing
from pathlib import Path

import pytest
from site_config.example import example_assessment

from cap import browser, contracts
from cap.load import make_bundle, read_sources

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def replies() -> dict[str, list[dict]]:
    """Every op's replies, by op name (one worker's state, as the page has it)."""
    def call(op: str, payload: dict) -> dict:
        reply = json.loads(browser.call(op, json.dumps(payload)))
        assert reply["ok"], (op, reply)
        out.setdefault(op, []).append(reply["data"])
        return reply["data"]

    out: dict[str, list[dict]] = {}
    call("init", {"bundle": make_bundle(read_sources(ROOT / "questionnaire"))})
    a = example_assessment(browser._q())
    text = json.dumps(a)
    later = json.dumps({**a, "id": "exemple-2", "updated": "2027-10-01T09:00:00Z"})
    old = json.dumps({**a, "questionnaire": {"id": a["questionnaire"]["id"], "version": "2026.1"}})
    call("score", {"assessment": a})
    call("read", {"text": text})
    call("read", {"text": old})  # made with an older referential: a migration summary
    call("catalogue", {})
    call("report", {"assessment": a})
    call("csv", {"assessment": a})
    call("export", {"assessment": a})
    call("compare", {"old": a, "new": a})
    anonymous = call("anonymise", {"assessment": a})
    call("evolution", {"files": [{"name": "a.json", "text": text}, {"name": "b.json", "text": later}]})
    call("odt", {"assessment": a, "date": "2026-10-02"})
    files = [{"name": f"{n}.json", "text": json.dumps({**anonymous, "date": f"2026-0{n + 1}-01"}), "id": n}
             for n in range(5)]  # five structures: a group large enough to compare with
    call("network_view", {"files": files, "output": "read"})
    call("network_view", {"files": files})
    call("network_view", {"files": files, "output": "csv"})
    network = call("network_view", {"files": files, "output": "network"})
    call("network_view", {"files": [{"name": "x.json", "id": 999}]})  # never sent: its text is asked for
    call("network_peers", {"network": network["text"], "assessment": a})
    made = call("campaign", {"earlier": a, "date": "2027-10-01"})["assessment"]
    call("campaign", {"assessment": made, "take_answers": True})
    call("campaign", {"assessment": made, "statuses": {}})
    encoded = call("compact_encode", {"assessment": a, "session": "s1", "part_chars": 60})
    call("compact_decode", {"code": encoded["link"]})
    assert len(encoded["parts"]) > 1
    call("compact_decode", {"parts": encoded["parts"][:1]})  # parts still missing
    call("synthesis", {"files": [{"name": "a.json", "text": text}, {"name": "b.json", "text": later}]})
    return out


def _keys(td: type) -> tuple[set[str], set[str]]:
    return set(td.__required_keys__), set(td.__optional_keys__)  # type: ignore[attr-defined]


def test_every_op_has_a_declared_reply_and_its_annotation_names_it() -> None:
    assert set(contracts.REPLIES) == set(browser.OPS)
    for op, function in browser.OPS.items():
        assert typing.get_type_hints(function)["return"] is contracts.REPLIES[op], op


@pytest.mark.parametrize("op", sorted(contracts.REPLIES))
def test_each_reply_has_exactly_the_declared_keys(op: str, replies: dict[str, list[dict]]) -> None:
    required, optional = _keys(contracts.REPLIES[op])
    seen: set[str] = set()
    for reply in replies[op]:
        keys = set(reply)
        assert required <= keys, (op, required - keys)
        assert keys <= required | optional, (op, "undeclared", keys - required - optional)
        seen |= keys
    assert seen == required | optional, (op, "declared but never produced", required | optional - seen)


def test_the_read_assessment_and_its_plan_items_match_the_declarations(replies: dict[str, list[dict]]) -> None:
    required, optional = _keys(contracts.Assessment)
    made = replies["campaign"][0]["assessment"]  # a new campaign: previous, a carried plan
    for a in [r["assessment"] for r in replies["read"]] + [made]:
        assert required <= set(a) <= required | optional, set(a) ^ required
    prev_required, prev_optional = _keys(contracts.Previous)
    assert prev_required <= set(made["previous"]) <= prev_required | prev_optional
    item_required, item_optional = _keys(contracts.PlanItem)
    done = replies["campaign"][2]["assessment"]
    for item in made["plan"] + done["plan"]:
        assert item_required <= set(item) <= item_required | item_optional
    old_required, old_optional = _keys(contracts.PreviousPlanItem)
    for item in made["previous"]["plan"]:
        assert old_required <= set(item) <= old_required | old_optional

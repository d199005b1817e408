"""Golden cases: answers → scores and plan computed by hand from the rule (see each `_why`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cap.formats import read_assessment
from cap.plan import suggestions
from cap.score import score

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "expected.json").exists())


@pytest.mark.parametrize("case", CASES)
def test_golden_case(case: str, mini) -> None:
    """Scores, completion, partial flags, plan order and priorities match the hand computation."""
    raw = json.loads((GOLDEN / case / "answers.json").read_text(encoding="utf-8"))
    expected = json.loads((GOLDEN / case / "expected.json").read_text(encoding="utf-8"))
    a, _ = read_assessment(raw, mini)
    s = score(mini, a)
    assert s["overall"]["percent"] == pytest.approx(expected["overall"])
    for pid, exp in expected["pillars"].items():
        got = s["pillars"][pid]
        assert got["percent"] == (None if exp["percent"] is None else pytest.approx(exp["percent"]))
        assert got["completion"] == pytest.approx(exp["completion"])
        assert got["partial"] is exp["partial"]
    for tid, exp in expected["themes"].items():
        assert s["themes"][tid]["percent"] == (None if exp is None else pytest.approx(exp))
    plan = suggestions(mini, a)
    assert [[i["criterion"], i["priority"]] for i in plan["suggestions"]] == expected["plan"]
    for cid, text in expected.get("objective", {}).items():
        assert next(i for i in plan["suggestions"] if i["criterion"] == cid)["objective"] == text
    assert [i["criterion"] for i in plan["clarify"]] == expected["clarify"]

"""Golden cases: answers → scores and plan computed by hand from the rule (see each `_why`).

Three cases are format 1 files (one structure type), read through the migration to format 2 as a
user's older file would be; `profile-several-types` is format 2 with a profile of several types."""

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
    for key in ("objective", "situation", "action"):
        for cid, text in expected.get(key, {}).items():
            assert next(i for i in plan["suggestions"] if i["criterion"] == cid)[key] == text
    assert [i["criterion"] for i in plan["clarify"]] == expected["clarify"]

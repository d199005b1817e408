"""Shared fixtures: the small test questionnaire and the real referential."""

from __future__ import annotations

from pathlib import Path

import pytest

from cap.load import load, read_sources
from cap.model import Questionnaire

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "fixtures" / "mini"


@pytest.fixture(scope="session")
def mini() -> Questionnaire:
    return load(MINI)


@pytest.fixture()
def mini_sources() -> dict:
    return read_sources(MINI)


@pytest.fixture(scope="session")
def real() -> Questionnaire:
    return load(ROOT / "questionnaire")


def assessment(answers: dict, stype: str | None = "ACI", **extra) -> dict:
    """A minimal valid cap-evaluation dict for tests."""
    return {"format": "cap-evaluation", "format_version": 1, "questionnaire": {"id": "cap", "version": "2026.1"},
            "id": extra.pop("id", "test-id"), "kind": "individual", "structure": {"name": "Test", "type": stype},
            "respondent": {"name": "", "role": "direction"},
            "answers": {k: ({"value": v} if not isinstance(v, dict) else v) for k, v in answers.items()},
            **extra}

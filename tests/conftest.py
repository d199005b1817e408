"""Shared fixtures: the small test questionnaire and the real referential."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from cap.load import load, read_sources
from cap.model import Questionnaire

# No time limit per example: a deadline is a timing assertion, and it failed under a loaded machine
# (parallel workers beside Chromium), not on a property.
settings.register_profile("cap", deadline=None)
settings.load_profile("cap")

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "fixtures" / "mini"
# The real referential; CAP_QUESTIONNAIRE points elsewhere (a snapshot) while its files are being edited.
REAL = Path(os.environ.get("CAP_QUESTIONNAIRE") or ROOT / "questionnaire")


@pytest.fixture(scope="session")
def mini() -> Questionnaire:
    return load(MINI)


@pytest.fixture()
def mini_sources() -> dict:
    return read_sources(MINI)


@pytest.fixture(scope="session")
def real() -> Questionnaire:
    return load(REAL)


def set_path(data: dict | list, path: str, value: Any = None, delete: bool = False) -> None:
    """Set (or delete) the field at a dotted path such as `scores.pillars.0.percent`; digits index lists."""
    keys = [int(k) if k.isdigit() else k for k in path.split(".")]
    for k in keys[:-1]:
        data = data[k]
    if delete:
        del data[keys[-1]]
    else:
        data[keys[-1]] = value


def assessment(answers: dict, stype: str | None = "ACI", **extra) -> dict:
    """A minimal valid cap-evaluation dict for tests (format 2: `stype` is the one type of the profile;
    `activities=[…]` adds activities)."""
    activities = extra.pop("activities", [])
    return {"format": "cap-evaluation", "format_version": 2, "questionnaire": {"id": "cap", "version": "2026.1"},
            "id": extra.pop("id", "test-id"), "kind": "individual",
            "structure": {"name": "Test", "types": [stype] if stype else [], "activities": activities},
            "respondent": {"name": "", "role": "direction"},
            "answers": {k: ({"value": v} if not isinstance(v, dict) else v) for k, v in answers.items()},
            **extra}

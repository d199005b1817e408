"""Every kind of bad questionnaire is caught and named: file, id, field, French message."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from cap.errors import QuestionnaireErrors
from cap.load import from_sources
from cap.validate import check_sources
from tests.conftest import set_path

CASES = yaml.safe_load((Path(__file__).parent / "bad_questionnaires.yaml").read_text(encoding="utf-8"))


def _apply(sources: dict[str, Any], file: str, path: str | None, value: Any, delete: bool) -> None:
    """Change one field of one file; with no path, replace (or remove) the whole file."""
    if not path:
        if delete:
            del sources[file]
        else:
            sources[file] = value
        return
    set_path(sources[file], path, value, delete)


def test_mini_questionnaire_is_valid(mini_sources) -> None:
    assert check_sources(mini_sources) == []


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_bad_questionnaire_is_named(case: dict, mini_sources) -> None:
    sources = copy.deepcopy(mini_sources)
    _apply(sources, case["file"], case.get("path"), case.get("value"), case.get("delete", False))
    errors = check_sources(sources)
    exp = case["expect"]
    matching = [e for e in errors if (e.file, e.item_id, e.field) == (exp["file"], exp["id"], exp["field"])]
    assert matching, f"no error on {exp}; got: {[str(e) for e in errors]}"
    assert any(exp["message"] in e.problem for e in matching)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_bad_questionnaire_never_reaches_the_model(case: dict, mini_sources) -> None:
    """Loading raises the French errors, never a Python exception from the model builder."""
    sources = copy.deepcopy(mini_sources)
    _apply(sources, case["file"], case.get("path"), case.get("value"), case.get("delete", False))
    with pytest.raises(QuestionnaireErrors):
        from_sources(sources)


def test_loading_invalid_sources_raises_all_errors_at_once(mini_sources) -> None:
    sources = copy.deepcopy(mini_sources)
    sources["pillars/a.yaml"]["themes"][0]["criteria"][0]["weight"] = -1
    sources["pillars/b.yaml"]["themes"][0]["criteria"][0]["requirement"] = 0
    with pytest.raises(QuestionnaireErrors) as info:
        from_sources(sources)
    assert len(info.value.errors) == 2
    assert "pillars/a.yaml, « AA-ONE-01 », champ « weight »" in str(info.value)


def test_missing_shared_file_and_unlisted_pillar_are_reported(mini_sources) -> None:
    sources = copy.deepcopy(mini_sources)
    del sources["offers.yaml"]
    sources["pillars/extra.yaml"] = {"kind": "pillar"}
    problems = {(e.file, e.problem) for e in check_sources(sources)}
    assert ("offers.yaml", "fichier absent") in problems
    assert ("pillars/extra.yaml", "fichier non listé dans meta.yaml → pillars") in problems

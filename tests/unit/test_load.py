"""Loading from YAML sources and from the JSON bundle gives the same questionnaire."""

from __future__ import annotations

import json

import pytest

from cap.errors import QuestionnaireError
from cap.load import from_bundle, load, make_bundle, read_sources
from tests.conftest import MINI


def test_bundle_round_trip_equals_yaml_load(mini) -> None:
    bundle = json.dumps(make_bundle(read_sources(MINI)))
    assert from_bundle(bundle) == mini


def test_yaml_dates_become_iso_strings() -> None:
    sources = read_sources(MINI)
    assert sources["pillars/b.yaml"]["themes"][0]["criteria"][1]["checked"] == "2026-11-28"


def test_broken_yaml_names_file_and_line(tmp_path) -> None:
    for f in MINI.rglob("*.yaml"):
        target = tmp_path / f.relative_to(MINI)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "offers.yaml").write_text("kind: offers\noffers: [\n", encoding="utf-8")
    with pytest.raises(QuestionnaireError) as info:
        load(tmp_path)
    assert info.value.file == "offers.yaml" and "ligne" in str(info.value)


def test_foreign_bundle_is_refused() -> None:
    with pytest.raises(QuestionnaireError):
        from_bundle({"format": "autre"})

"""Loading from YAML sources and from the JSON bundle gives the same questionnaire."""

from __future__ import annotations

import json

import pytest

from cap.errors import CapError, QuestionnaireError
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


@pytest.mark.parametrize("content", [
    b"\xff\xfe not utf-8",
    b"[" * 100_000,
    b'{"format": "cap-questionnaire", "sources": {"meta.yaml": ' + b"9" * 5000 + b"}}",
    b'{"format": "cap-questionnaire", "sources": []}',
    b'"just a string"',
    b"",
], ids=["invalid utf-8", "deeply nested", "5000-digit integer", "sources not a mapping", "not an object", "empty"])
def test_bad_bundle_file_is_a_french_error(tmp_path, content: bytes) -> None:
    path = tmp_path / "questionnaire.json"
    path.write_bytes(content)
    with pytest.raises(CapError) as info:
        load(path)
    assert "questionnaire.json" in str(info.value)


def test_missing_questionnaire_is_a_french_error(tmp_path) -> None:
    with pytest.raises(QuestionnaireError) as info:
        load(tmp_path / "absent.json")
    assert "introuvable" in str(info.value)


def test_unreadable_yaml_is_named(tmp_path) -> None:
    for f in MINI.rglob("*.yaml"):
        target = tmp_path / f.relative_to(MINI)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(f.read_bytes())
    (tmp_path / "scale.yaml").write_bytes(b"kind: \xff\n")
    with pytest.raises(QuestionnaireError) as info:
        load(tmp_path)
    assert info.value.file == "scale.yaml" and "UTF-8" in str(info.value)


def test_deep_yaml_is_named(tmp_path) -> None:
    for f in MINI.rglob("*.yaml"):
        target = tmp_path / f.relative_to(MINI)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(f.read_bytes())
    (tmp_path / "offers.yaml").write_bytes(b"kind: offers\noffers: " + b"[" * 500 + b"]" * 500 + b"\n")
    with pytest.raises(QuestionnaireError) as info:
        load(tmp_path)
    assert info.value.file == "offers.yaml"


def test_optional_texts_given_as_null_become_empty(mini_sources) -> None:
    from cap.load import from_sources
    mini_sources["pillars/a.yaml"]["themes"][0]["description"] = None
    q = from_sources(mini_sources)
    assert q.themes[0].description == ""

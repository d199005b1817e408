"""Anonymised export and network statistics."""

import json

import pytest

from cap.aggregate import aggregate, anonymise
from tests.conftest import assessment


def test_anonymised_export_holds_no_name_and_no_free_text(mini) -> None:
    a = assessment({"AA-ONE-01": {"value": 2, "comment": "Commentaire secret"},
                    "BB-ONE-01": {"value": "na", "justification": "Justification secrète"}})
    a["structure"]["name"] = "Nom de la structure"
    a["respondent"] = {"name": "Camille Martin", "role": "direction"}
    a["plan"] = [{"id": "x", "action": "Action confidentielle", "owner": "Camille Martin"}]
    text = json.dumps(anonymise(mini, a, region="Bretagne"), ensure_ascii=False)
    for secret in ("secret", "secrète", "Nom de la structure", "Camille", "confidentielle", "direction"):
        assert secret not in text
    data = json.loads(text)
    assert set(data) == {"format", "format_version", "kind", "questionnaire", "structure", "date", "scores", "values"}
    assert data["values"] == {"AA-ONE-01": 2, "BB-ONE-01": "na"}


def test_statistics_by_type_and_quartiles(mini) -> None:
    files = [anonymise(mini, assessment({"AA-ONE-01": v}, stype=t)) for v, t in ((1, "AI"), (2, "ACI"), (3, "ACI"),
                                                                                  (4, "ACI"))]
    r = aggregate(mini, files)
    assert r["by_type"] == {"ACI": 3, "AI": 1}
    theme = r["themes"]["AA-ONE"]
    assert theme["n"] == 4
    assert theme["median"] == pytest.approx(50)
    assert theme["q1"] == pytest.approx(25) and theme["q3"] == pytest.approx(75)
    assert r["themes"]["BB-ONE"]["n"] == 0 and r["themes"]["BB-ONE"]["median"] is None


def test_full_assessments_are_scored_when_aggregated(mini) -> None:
    r = aggregate(mini, [assessment({"AA-ONE-01": 4})])
    assert r["overall"]["mean"] == pytest.approx(100)

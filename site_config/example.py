""""Essayer avec un exemple": the assessment of a fictional ACI, built from the questionnaire.

Deterministic (same questionnaire, same file), so it never drifts from the referential and
the service worker's cache version only changes when the questionnaire does.
"""

from __future__ import annotations

import hashlib
from typing import Any

from cap import FORMAT, FORMAT_VERSION
from cap.model import Questionnaire

# A plausible profile: a young ACI strong on support to people, weaker on evaluation.
PILLAR_BASE = {"ID": 3, "SR": 3, "SU": 2, "AC": 2}


def _spread(cid: str) -> int:
    return hashlib.sha256(cid.encode()).digest()[0] % 5  # 0..4, stable per criterion


def example_assessment(q: Questionnaire) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for c in q.criteria:
        if not c.applies(("ACI",)):
            continue
        roll = _spread(c.id)
        base = PILLAR_BASE.get(c.pillar_id, 2)
        if roll == 0 and not c.core:
            answers[c.id] = {"value": "dk"}
        else:
            answers[c.id] = {"value": max(1, min(4, base + (roll - 2) // 2))}
    first = q.criteria[0].id
    answers[first]["comment"] = "Projet réécrit en 2024 avec le conseil d'administration ; à présenter aux salariés en parcours."
    return {
        "format": FORMAT, "format_version": FORMAT_VERSION,
        "questionnaire": {"id": q.id, "version": q.version},
        "id": "exemple-aci", "kind": "individual",
        "created": "2026-10-01T09:00:00Z", "updated": "2026-10-01T11:30:00Z",
        "structure": {"name": "Atelier fictif des Trois Vallées (exemple)", "types": ["ACI"], "activities": []},
        "respondent": {"name": "", "role": "direction"},
        "answers": answers, "targets": {}, "importance": {},
        "indicators": {k: v for k, v in {
            "personnes_accompagnees": 46, "etp_realises": 21.5, "etp_conventionnes": 24,
            "sorties_comptabilisees": 18, "sorties_dynamiques": 11, "sorties_emploi_durable": 5,
            "heures_formation": 1240, "partenariats_formalises": 9,
        }.items() if k in q.indicator_by_id},
        "plan": [],
    }

"""Generated anonymised exports for the Réseau page's tests and benchmark (deterministic).

    .venv/bin/python -m tests.network_files OUT_DIR [--count 600] [--seed 2027]

Each file is made as a structure would make it: a generated assessment of the current
questionnaire (a type, sometimes an activity, answers whose levels lean by type, the count of
people accompanied) passed through the engine's own `anonymise`, with a region. Corse holds only
three structures, so a filter on it shows a withheld group.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path
from typing import Any

from cap.aggregate import anonymise
from cap.formats import new_assessment
from cap.load import load
from cap.model import Questionnaire

ROOT = Path(__file__).resolve().parents[1]
REGIONS = ("Bretagne", "Occitanie", "Grand Est", "Hauts-de-France", "Île-de-France", "")
SMALL_REGION = "Corse"  # three structures only: always withheld
TYPE_LEAN = {"AI": 0.2, "ACI": -0.2, "EI": 0.4, "ETTI": 0.5, "EITI": -0.4, "GES": 0.6, "EBE": -0.5, "ESS": 0.0}


def make_assessment(q: Questionnaire, rng: random.Random, n: int) -> dict[str, Any]:
    types = [rng.choices(["ACI", "AI", "EI", "ETTI", "GES", "EBE", "EITI", "ESS"], [30, 20, 18, 10, 6, 6, 4, 6])[0]]
    if types[0] == "GES":
        types.append(rng.choice(["ACI", "EI"]))
    activities = [rng.choice([a.id for a in q.activities])] if q.activities and rng.random() < 0.2 else []
    a = new_assessment(q, types + activities, f"Structure {n}")
    a["id"] = f"generated-{n:04d}"
    a["updated"] = f"2027-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T10:00:00Z"
    lean = TYPE_LEAN.get(types[0], 0.0) + rng.uniform(-0.6, 0.6)
    for c in q.criteria:
        roll = rng.random()
        if roll < 0.85:
            a["answers"][c.id] = {"value": max(1, min(4, round(2.5 + lean + rng.gauss(0, 0.9))))}
        elif roll < 0.92:
            a["answers"][c.id] = {"value": "dk"}
        elif not c.core:
            a["answers"][c.id] = {"value": "na", "justification": "Pas concerné."}
    if rng.random() < 0.9:
        a["indicators"] = {"personnes_accompagnees": rng.choice([8, 15, 24, 36, 48, 60, 85, 120, 180, 300])}
    return a


def generate(q: Questionnaire, count: int = 600, seed: int = 2027) -> list[dict[str, Any]]:
    """`count` anonymised exports; the first three are in SMALL_REGION."""
    rng = random.Random(seed)
    out = []
    for n in range(count):
        region = SMALL_REGION if n < 3 else rng.choice(REGIONS)
        out.append(anonymise(q, make_assessment(q, rng, n), region))
    return out


def write(folder: Path, count: int = 600, seed: int = 2027, q: Questionnaire | None = None) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n, data in enumerate(generate(q or load(ROOT / "questionnaire"), count, seed)):
        path = folder / f"cap-anonyme-{n:04d}.json"
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=600)
    parser.add_argument("--seed", type=int, default=2027)
    args = parser.parse_args()
    print(f"{len(write(args.out, args.count, args.seed))} fichiers écrits dans {args.out}")


if __name__ == "__main__":
    main()

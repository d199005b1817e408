"""One term per concept (issue 13 §5), as decided in docs/glossaire.md, section « Un mot par notion ».

Scans every YAML file of the referential and every page of docs/ (the raw text, so a term split
over two lines of a folded YAML string is found too) and names the file and line of each variant
that the glossary set aside. The glossary's own table, which lists the variants, is skipped.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SP = r"[\s\u00a0\u202f]+"  # a space, a line break in a folded YAML string, a no-break space
AP = r"['\u2019]"

#: variant → the term to write instead
FORBIDDEN: dict[str, str] = {
    rf"\bcharg[ée](?:e|·e)?s?{SP}d{AP}insertion": "conseiller en insertion professionnelle (CIP)",
    r"\baccompagnat(?:eur|rice)s?\b": "conseiller en insertion professionnelle (CIP), pour ce métier",
    rf"\borganes?{SP}de{SP}gouvernance": "instances de gouvernance",
    rf"\bencadrants?{SP}de{SP}chantier": "encadrant technique",
    rf"\b(?:version|en){SP}facile{SP}à{SP}lire": "version simplifiée (le vrai FALC demande une relecture)",
}
PATTERN = re.compile("|".join(f"({p})" for p in FORBIDDEN), re.I)
GLOSSARY_TABLE = re.compile(r"^## Un mot par notion\n.*?(?=^## |\Z)", re.S | re.M)


def files() -> list[Path]:
    return sorted([*(ROOT / "questionnaire").rglob("*.yaml"), *(ROOT / "docs").rglob("*.md")])


def violations(path: Path, text: str) -> list[str]:
    if path.name == "glossaire.md":
        text = GLOSSARY_TABLE.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    found = []
    for m in PATTERN.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        instead = list(FORBIDDEN.values())[next(i for i, g in enumerate(m.groups()) if g)]
        found.append(f"{path.relative_to(ROOT)}:{line}: « {' '.join(m.group(0).split())} » → écrire « {instead} »")
    return found


def test_the_glossary_decides_the_terms() -> None:
    glossary = (ROOT / "docs" / "glossaire.md").read_text(encoding="utf-8")
    section = GLOSSARY_TABLE.search(glossary)
    assert section, "docs/glossaire.md : section « Un mot par notion » absente"
    for term in ("conseiller en insertion professionnelle (CIP)", "salariés en parcours", "personnes accompagnées",
                 "instances de gouvernance", "encadrant technique", "permanents"):
        assert term in section.group(0), term


def test_no_set_aside_variant_in_the_referential_or_the_docs() -> None:
    bad = [v for path in files() for v in violations(path, path.read_text(encoding="utf-8"))]
    assert bad == [], "\n".join(bad)


@pytest.mark.parametrize(("text", "count"), [
    ("Le chargé d'insertion", 1), ("les chargées\n  d’insertion", 1), ("chargé·e d'insertion", 1),
    ("un accompagnateur socioprofessionnel", 1), ("organes de gouvernance", 1), ("En facile à lire :", 1),
    ("le conseiller en insertion professionnelle", 0), ("accompagnement", 0), ("instances de gouvernance", 0),
    ("questionnaire facile à lire et à comprendre", 0),
])
def test_the_scan_finds_variants_across_lines_and_apostrophes(text: str, count: int) -> None:
    assert len(violations(ROOT / "docs" / "x.md", text)) == count

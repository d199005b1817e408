"""Load the questionnaire: from its YAML sources (needs PyYAML) or from its JSON bundle.

The bundle is the sources themselves, keyed by file name, so the validator and the model
builder have one code path and errors name the YAML file even in the browser.
"""

from __future__ import annotations

import datetime as _dt
import json
from pathlib import Path
from typing import Any

from .errors import QuestionnaireError
from .model import (
    Criterion,
    IdChange,
    Indicator,
    Labelled,
    LegalRef,
    Level,
    Offer,
    Pillar,
    Questionnaire,
    Refs,
    Register,
    Scale,
    ScaleLevel,
    Theme,
)
from .typo import fr_sources
from .validate import validate_sources

BUNDLE_FORMAT = "cap-questionnaire"


def _plain(value: Any) -> Any:
    """YAML gives dates as date objects; the bundle is JSON, so keep ISO strings."""
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def read_sources(folder: str | Path) -> dict[str, Any]:
    """Read every YAML file of a questionnaire folder into {relative name: data}."""
    try:
        import yaml  # build-time only: the browser reads the JSON bundle
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise QuestionnaireError(str(folder), None, None,
                                 "PyYAML est nécessaire pour lire les sources YAML (pip install pyyaml)") from exc
    root = Path(folder)
    if not (root / "meta.yaml").is_file():
        raise QuestionnaireError(str(root), None, None, "dossier de questionnaire introuvable (meta.yaml absent)")
    sources: dict[str, Any] = {}
    for path in sorted(root.rglob("*.yaml")):
        name = path.relative_to(root).as_posix()
        try:
            sources[name] = _plain(yaml.safe_load(path.read_text(encoding="utf-8")))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"ligne {mark.line + 1}, colonne {mark.column + 1}" if mark else "position inconnue"
            raise QuestionnaireError(name, None, None, f"YAML illisible ({where}) : {getattr(exc, 'problem', exc)}") from exc
        except UnicodeDecodeError as exc:
            raise QuestionnaireError(name, None, None, "le fichier doit être encodé en UTF-8") from exc
        except OSError as exc:
            raise QuestionnaireError(name, None, None, "fichier illisible (droits d'accès ou dossier à la place d'un fichier)") from exc
        except RecursionError as exc:
            raise QuestionnaireError(name, None, None, "YAML trop imbriqué pour être lu") from exc
        except (ValueError, TypeError, OverflowError, MemoryError) as exc:  # odd scalars, huge numbers
            raise QuestionnaireError(name, None, None, f"YAML illisible ({type(exc).__name__})") from exc
    return sources


def make_bundle(sources: dict[str, Any]) -> dict[str, Any]:
    validate_sources(sources)
    return {"format": BUNDLE_FORMAT, "sources": sources}


def from_sources(sources: dict[str, Any]) -> Questionnaire:
    """Validate the sources and build the model (raises `QuestionnaireErrors`)."""
    validate_sources(sources)
    sources = fr_sources(sources)  # French typography of every text field, in one place (cap.typo)
    meta = sources["meta.yaml"]
    scale = sources["scale.yaml"]
    ind = sources["indicators.yaml"]
    pillars = tuple(_pillar(sources[name], n) for n, name in enumerate(meta["pillars"], start=1))
    return Questionnaire(
        id=meta["id"], version=meta["version"], title=meta["title"], licence=meta["licence"],
        scale=Scale(
            levels=tuple(ScaleLevel(lv["value"], lv["label"], lv["meaning"]) for lv in scale["levels"]),
            na_label=scale["na"]["label"], na_meaning=scale["na"]["meaning"],
            dk_label=scale["dk"]["label"], dk_meaning=scale["dk"]["meaning"],
        ),
        pillars=pillars,
        structure_types=tuple(Labelled(t["id"], t["label"]) for t in sources["structure_types.yaml"]["types"]),
        roles=tuple(Labelled(r["id"], r["label"]) for r in meta["roles"]),
        offers=tuple(Offer(o["id"], o["field"], o["title"], o["description"], bool(o.get("external", False)))
                     for o in sources["offers.yaml"]["offers"]),
        registers=tuple(Register(r["id"], r["title"], r["description"]) for r in ind["registers"]),
        indicators=tuple(Indicator(i["id"], i["label"], i["definition"], i["unit"], i["period"], i["register"],
                                   i["type"], i.get("numerator", ""), i.get("denominator", ""),
                                   i.get("source", ""), i.get("nature", ""))
                         for i in ind.get("indicators", [])),
        activities=tuple(Labelled(t["id"], t["label"]) for t in sources["structure_types.yaml"].get("activities", [])),
        id_changes=tuple(IdChange(c["version"], c.get("old") or "", c.get("new") or "", c.get("note") or "",
                                  c.get("kind") or ("renamed" if c.get("new") else "removed"))
                         for c in meta.get("id_changes", [])),
    )


def _pillar(data: dict[str, Any], number: int) -> Pillar:
    themes = []
    for t in data["themes"]:
        criteria = tuple(_criterion(c, t["id"], data["id"]) for c in t["criteria"])
        themes.append(Theme(t["id"], t["title"], t.get("description") or "", criteria, data["id"]))
    return Pillar(data["id"], data["title"], data["description"], tuple(themes), number,
                  data.get("short_title") or data["title"])


def _criterion(c: dict[str, Any], theme_id: str, pillar_id: str) -> Criterion:
    refs = c.get("refs", {})
    return Criterion(
        id=c["id"], question=c["question"], why=c["why"], easy_read=c["easy_read"],
        levels=tuple(Level(lv["level"], lv["text"]) for lv in c["levels"]),
        evidence=tuple(c["evidence"]), offers=tuple(c["offers"]),
        refs=Refs(tuple(refs.get("csess", ())), tuple(refs.get("iso9001", ())), tuple(refs.get("ust", ()))),
        requirement=c.get("requirement", 3), weight=float(c.get("weight", 1)), core=c.get("core", False),
        applies_to=tuple(c.get("applies_to") or ()), applies_note=c.get("applies_note") or "",
        regulatory=c.get("regulatory", False), checked=c.get("checked") or "",
        legal=tuple(LegalRef(r["text"], r.get("url") or "") for r in c.get("legal") or ()),
        easy_answers=tuple(c.get("easy_answers") or ()), actions=tuple(c.get("actions") or ()),
        audience=c.get("audience") or "",
        theme_id=theme_id, pillar_id=pillar_id,
    )


def from_bundle(bundle: dict[str, Any] | str, name: str = "questionnaire.json") -> Questionnaire:
    data = _parse_bundle(bundle, name) if isinstance(bundle, str) else bundle
    if not isinstance(data, dict) or data.get("format") != BUNDLE_FORMAT or not isinstance(data.get("sources"), dict):
        raise QuestionnaireError(name, None, "format", f"ce n'est pas un paquet « {BUNDLE_FORMAT} »")
    return from_sources(data["sources"])


def _parse_bundle(text: str, name: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise QuestionnaireError(name, None, None, f"JSON illisible (ligne {exc.lineno})") from exc
    except RecursionError as exc:
        raise QuestionnaireError(name, None, None, "JSON trop imbriqué pour être un questionnaire") from exc
    except (ValueError, OverflowError, MemoryError) as exc:  # e.g. a number of thousands of digits
        raise QuestionnaireError(name, None, None, f"JSON illisible ({type(exc).__name__})") from exc


def load(path: str | Path) -> Questionnaire:
    """Load a questionnaire folder (YAML) or a bundle file (JSON)."""
    p = Path(path)
    if p.is_dir():
        return from_sources(read_sources(p))
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise QuestionnaireError(str(p), None, None, "le fichier doit être encodé en UTF-8") from exc
    except OSError as exc:
        raise QuestionnaireError(str(p), None, None, "fichier introuvable ou illisible") from exc
    return from_bundle(text, str(p))

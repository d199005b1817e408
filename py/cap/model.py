"""The questionnaire as frozen records. Built by `load`, after `validate` has checked the sources."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

# Types of the format 1 files that became activities in the referential 2027.1: a file that
# names one of them reads as these types and activities (and the user is asked to check).
LEGACY_TYPES: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    # old id: (its old label, types, activities)
    "SAP": ("Services à la personne", ("ESS",), ("SAP_PRESTATAIRE", "SAP_MANDATAIRE", "SAP_MAD")),
    "OF": ("Organisme de formation", ("ESS",), ("OF",)),
}


@dataclass(frozen=True)
class Level:
    level: int
    text: str


@dataclass(frozen=True)
class Refs:
    csess: tuple[int, ...] = ()
    iso9001: tuple[str, ...] = ()
    ust: tuple[str, ...] = ()


@dataclass(frozen=True)
class LegalRef:
    """A text a regulatory criterion restates, e.g. "Code du travail, art. L5132-5", with a link to an official site."""

    text: str
    url: str = ""


@dataclass(frozen=True)
class Criterion:
    id: str
    question: str
    why: str
    easy_read: str  # the "version simplifiée" of the question
    levels: tuple[Level, ...]
    evidence: tuple[str, ...]
    offers: tuple[str, ...]
    refs: Refs
    requirement: int = 3
    weight: float = 1.0
    core: bool = False
    applies_to: tuple[str, ...] = ()  # empty: every structure type
    applies_note: str = ""
    regulatory: bool = False
    checked: str = ""  # date the rule (and its legal references) was last checked
    legal: tuple[LegalRef, ...] = ()
    easy_answers: tuple[str, ...] = ()  # simplified texts of levels 1 to 4 (empty: none written)
    actions: tuple[str, ...] = ()  # actions in verbs to reach target levels 2, 3, 4 (empty: none written)
    audience: str = ""  # "direction": back-office, an employee on a pathway may not see it
    theme_id: str = ""
    pillar_id: str = ""

    def applies(self, profile: Iterable[str] | str | None) -> bool:
        """True when the criterion concerns a structure of this profile: its `applies_to` is empty,
        or the profile is empty, or ANY of the profile's types and activities is listed there.

        `profile` is a collection of type and activity ids (see `Questionnaire.profile_of`); a
        single id is accepted too."""
        if not self.applies_to or not profile:
            return True
        if isinstance(profile, str):
            return profile in self.applies_to
        return any(p in self.applies_to for p in profile)

    def descriptor(self, level: int) -> str:
        return self.levels[level - 1].text

    def action(self, target: int) -> str:
        """The action in verbs that leads to `target` (2 to 4); empty when none is written."""
        return self.actions[target - 2] if self.actions and 2 <= target <= 4 else ""


@dataclass(frozen=True)
class Theme:
    id: str
    title: str
    description: str
    criteria: tuple[Criterion, ...]
    pillar_id: str = ""


@dataclass(frozen=True)
class Pillar:
    id: str
    title: str
    description: str
    themes: tuple[Theme, ...]
    number: int = 0
    short_title: str = ""  # for charts; the title when absent

    @property
    def criteria(self) -> tuple[Criterion, ...]:
        return tuple(c for t in self.themes for c in t.criteria)


@dataclass(frozen=True)
class ScaleLevel:
    value: int
    label: str
    meaning: str


@dataclass(frozen=True)
class Scale:
    levels: tuple[ScaleLevel, ...]
    na_label: str
    na_meaning: str
    dk_label: str
    dk_meaning: str

    def label(self, value: object) -> str:
        if value == "na":
            return self.na_label
        if value == "dk":
            return self.dk_label
        for level in self.levels:
            if level.value == value:
                return level.label
        return "Sans réponse"

    def answer_label(self, value: object) -> str:
        """An answer as the pages show it: "3 · Structuré", "Non concerné", "Je ne sais pas" or
        "Sans réponse" (the synthesis cards, the evolution tables)."""
        if type(value) is int and any(level.value == value for level in self.levels):
            return f"{value} · {self.label(value)}"
        return self.label(value) if value in ("na", "dk") else "Sans réponse"


@dataclass(frozen=True)
class Labelled:
    """Structure types and respondent roles: an id and a French label."""

    id: str
    label: str


@dataclass(frozen=True)
class Offer:
    id: str
    field: str
    title: str
    description: str
    external: bool = False


@dataclass(frozen=True)
class Register:
    id: str
    title: str
    description: str


@dataclass(frozen=True)
class Indicator:
    id: str
    label: str
    definition: str
    unit: str
    period: str
    register: str
    type: str  # "count" or "rate"
    numerator: str = ""
    denominator: str = ""
    source: str = ""  # where a structure finds the figure (ASP extranet, plateforme de l'inclusion, comptes…)
    nature: str = ""  # "realisation" (what was done) or "resultat" (what it achieved); empty: not tagged


ID_CHANGE_KINDS = ("renamed", "merged", "split", "reworded", "added", "removed")


@dataclass(frozen=True)
class IdChange:
    """One change of the referential's ids, by the version that made it (meta.yaml `id_changes`).

    renamed: `old` is gone, its answer moves to `new`. merged: `old` is gone, `new` takes the lower
    of both answers (à revoir). split: `old` stays, `new` is new (à répondre). reworded: same id
    (`old`), the answer stays (à revoir). added: `new` is new (à répondre), no `old`. removed: `old`
    is gone, its answer is kept aside.
    """

    version: str
    old: str  # empty when a criterion was added
    new: str  # empty when the criterion was removed
    note: str = ""
    kind: str = "renamed"


@dataclass(frozen=True)
class Questionnaire:
    id: str
    version: str
    title: str
    licence: str
    scale: Scale
    pillars: tuple[Pillar, ...]
    structure_types: tuple[Labelled, ...]
    roles: tuple[Labelled, ...]
    offers: tuple[Offer, ...]
    registers: tuple[Register, ...]
    indicators: tuple[Indicator, ...]
    id_changes: tuple[IdChange, ...] = field(default=())
    activities: tuple[Labelled, ...] = field(default=())  # e.g. services à la personne, formation

    def profile_label(self, profile_id: str | None) -> str:
        """The label of a structure type or an activity."""
        for t in self.structure_types + self.activities:
            if t.id == profile_id:
                return t.label
        return profile_id or "Type non précisé"

    @cached_property
    def profile_ids(self) -> frozenset[str]:
        """Every type and activity id a profile may hold."""
        return frozenset(t.id for t in self.structure_types + self.activities)

    def profile_of(self, structure: Any) -> tuple[str, ...]:
        """The known type and activity ids of an assessment's `structure` (empty: all criteria apply).

        Reads the format 2 lists (`types`, `activities`) and, for a file the reader has not seen
        yet (a stored assessment of format 1), the single `type` (SAP and OF as in `LEGACY_TYPES`).
        Ids this questionnaire does not know are left out.
        """
        if not isinstance(structure, dict):
            return ()
        ids: list[str] = []
        for key in ("types", "activities"):
            value = structure.get(key)
            if isinstance(value, list):
                ids.extend(v for v in value if isinstance(v, str))
        old = structure.get("type")
        if not ids and isinstance(old, str) and old:
            if old in LEGACY_TYPES and old not in self.profile_ids:
                _, types, activities = LEGACY_TYPES[old]
                ids.extend(types + activities)
            else:
                ids.append(old)
        known = self.profile_ids
        return tuple(dict.fromkeys(i for i in ids if i in known))

    def profile_labels(self, structure: Any) -> list[str]:
        """The labels of a structure's types, then its activities ("Type non précisé" when none)."""
        ids = self.profile_of(structure)
        return [self.profile_label(i) for i in ids] or ["Type non précisé"]

    @cached_property
    def themes(self) -> tuple[Theme, ...]:
        return tuple(t for p in self.pillars for t in p.themes)

    @cached_property
    def criteria(self) -> tuple[Criterion, ...]:
        """Every criterion, in questionnaire order (the order ties are broken by)."""
        return tuple(c for p in self.pillars for c in p.criteria)

    @cached_property
    def criterion_by_id(self) -> dict[str, Criterion]:
        return {c.id: c for c in self.criteria}

    @cached_property
    def theme_by_id(self) -> dict[str, Theme]:
        return {t.id: t for t in self.themes}

    @cached_property
    def pillar_by_id(self) -> dict[str, Pillar]:
        return {p.id: p for p in self.pillars}

    @cached_property
    def offer_by_id(self) -> dict[str, Offer]:
        return {o.id: o for o in self.offers}

    @cached_property
    def indicator_by_id(self) -> dict[str, Indicator]:
        return {i.id: i for i in self.indicators}

    @cached_property
    def order(self) -> dict[str, int]:
        return {c.id: n for n, c in enumerate(self.criteria)}

    def type_label(self, type_id: str | None) -> str:
        for t in self.structure_types:
            if t.id == type_id:
                return t.label
        if type_id in LEGACY_TYPES:
            return LEGACY_TYPES[type_id][0]
        return type_id or "Type non précisé"

    def role_label(self, role_id: str | None) -> str:
        for r in self.roles:
            if r.id == role_id:
                return r.label
        return role_id or "Rôle non précisé"

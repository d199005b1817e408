"""Declared contracts: the assessment file as `formats.read_assessment` returns it, a plan item, and
the reply of each worker op (`browser.OPS`), as `TypedDict`s.

Standard library only (the package runs in Pyodide). These are declarations for readers and type
checkers: nothing is checked at run time. `tests/unit/test_contracts.py` calls every op on the
example assessment and checks that its reply has exactly the keys declared here (required ones
always, `NotRequired` ones only when the case produces them), so a declaration cannot drift.
Nested parts the page only passes on (scores, HTML, a view) stay `dict[str, Any]`.

No `from __future__ import annotations` here: `TypedDict` reads `NotRequired` from evaluated annotations.
"""

from typing import Any, Literal, NotRequired, TypedDict

AnswerValue = int | Literal["na", "dk"] | None  # 1 to 4, "non concerné", "je ne sais pas", no answer yet


# -- the assessment file (format 2; the schema: py/cap/schema/cap-evaluation.schema.json) -----------

class QuestionnaireRef(TypedDict):
    id: str
    version: str
    read_from: NotRequired[str]  # the earliest version the answers were given with (a later site read it)


class Structure(TypedDict):
    name: str
    types: list[str]
    activities: list[str]
    region: NotRequired[str]


class Respondent(TypedDict):
    name: str
    role: str | None


class Answer(TypedDict):
    value: AnswerValue
    comment: NotRequired[str]


class PlanItem(TypedDict):
    """One action of the plan (`formats` checks it with the same checker as an earlier plan's action)."""
    id: str
    criterion: str | None  # None: a free action
    action: str
    owner: str
    due: str  # "AAAA-MM" or ""
    status: Literal["todo", "doing", "done", "dropped"]
    offers: list[str]
    situation: NotRequired[str]  # "situation visée" when the action was kept
    done_on: NotRequired[str]


class PreviousPlanItem(TypedDict):
    """An earlier campaign's action with its final status after the review."""
    id: str
    criterion: str | None
    action: str
    owner: str
    status: Literal["done", "doing", "dropped", "postponed"]
    due: NotRequired[str]
    was: NotRequired[Literal["todo", "doing", "done", "dropped"]]


class Previous(TypedDict):
    """Where a new campaign comes from (`campaign.new_campaign`)."""
    id: str
    date: str
    kind: Literal["individual", "consolidated"]
    answers: dict[str, AnswerValue]
    plan: list[PreviousPlanItem]
    reviewed: NotRequired[bool]


class Participant(TypedDict):
    label: str
    role: str | None
    name: str


class Assessment(TypedDict):
    """An assessment as `formats.read_assessment` returns it (unknown top-level fields, kept as-is
    within bounds, are not declared)."""
    format: Literal["cap-evaluation"]
    format_version: int
    questionnaire: QuestionnaireRef
    id: str
    kind: Literal["individual", "consolidated"]
    created: str
    updated: str
    structure: Structure
    respondent: Respondent
    answers: dict[str, Answer]
    targets: dict[str, int]
    importance: dict[str, int]
    indicators: dict[str, float | None]
    plan: list[PlanItem]
    exported: NotRequired[str]
    unknown_answers: NotRequired[dict[str, Answer]]  # ids this questionnaire does not know, kept aside
    review: NotRequired[dict[str, Literal["added", "split", "merged", "reworded"]]]
    previous: NotRequired[Previous]
    participants: NotRequired[list[Participant]]  # consolidated only
    stats: NotRequired[dict[str, Any]]  # consolidated only


# -- worker op replies (`browser.OPS`; the worker wraps them as {ok, data}) ------------------------

class Note(TypedDict):
    file: str
    level: Literal["refused", "warning"]
    message: str


class InitReply(TypedDict):
    id: str
    version: str
    criteria: int


class ScoreReply(TypedDict):
    scores: dict[str, Any]
    html: str
    plan: dict[str, Any]
    indicators: list[dict[str, Any]]


class ReadReply(TypedDict):
    assessment: Assessment
    warnings: list[str]
    migration: NotRequired[dict[str, Any]]  # only when the file was made with an older referential or format


class CatalogueReply(TypedDict):
    offers: list[dict[str, Any]]
    criteria: list[dict[str, Any]]


class HtmlReply(TypedDict):  # report
    html: str


class TextReply(TypedDict):  # csv, export
    text: str


class CompareReply(TypedDict):
    old: dict[str, Any]
    new: dict[str, Any]
    overall_delta: float | None
    pillars: list[dict[str, Any]]
    themes: list[dict[str, Any]]
    rose: list[dict[str, Any]]
    fell: list[dict[str, Any]]
    plan_done: list[dict[str, Any]]


class AnonymiseReply(TypedDict):
    format: str
    format_version: int
    questionnaire: dict[str, Any]
    kind: str
    date: str
    structure: dict[str, Any]
    scores: dict[str, Any]
    values: dict[str, Any]


class EvolutionReply(TypedDict):
    files: list[dict[str, Any]]
    notes: list[Note]
    html: str  # empty while fewer than two files are kept


class OdtReply(TypedDict):
    base64: str
    size: int
    day: str


class NetworkViewReply(TypedDict):
    """`{missing}` when files sent by id are not held; `{accepted, refused}` for output "read"; else the view."""
    missing: NotRequired[list[int]]
    accepted: NotRequired[int]
    refused: NotRequired[int]
    files: NotRequired[list[dict[str, Any]]]
    options: NotRequired[dict[str, Any]]
    view: NotRequired[dict[str, Any]]
    own: NotRequired[dict[str, Any] | None]
    min_group: NotRequired[int]
    html: NotRequired[str]  # output "view" or "print"
    text: NotRequired[str]  # output "csv" or "network"
    groups: NotRequired[int]  # output "network"


class NetworkPeersReply(TypedDict):
    network: dict[str, Any]
    group: dict[str, Any] | None
    notes: list[str]
    stats: NotRequired[dict[str, Any]]
    own: NotRequired[dict[str, Any]]


class CampaignReply(TypedDict):
    assessment: Assessment
    year: NotRequired[str | None]  # a new campaign: the earlier assessment's year
    warnings: NotRequired[list[str]]  # a new campaign
    copied: NotRequired[list[str]]  # take_answers


class CompactEncodeReply(TypedDict):
    link: str
    parts: list[str]
    bytes: int
    cut: list[str]
    limit: int


class CompactDecodeReply(TypedDict):
    complete: bool
    assessment: NotRequired[dict[str, Any]]  # complete
    session: NotRequired[str]  # complete
    total: NotRequired[int]  # parts still missing
    have: NotRequired[list[int]]


class SynthesisReply(TypedDict):
    files: list[dict[str, Any]]
    notes: list[Note]
    assessment: dict[str, Any] | None
    html: dict[str, Any] | str
    criteria: Any
    order: list[str]
    meeting: Any
    labels: Any


# op name → the TypedDict of its reply (the test checks every op of browser.OPS is here).
REPLIES: dict[str, type] = {
    "init": InitReply, "score": ScoreReply, "read": ReadReply, "catalogue": CatalogueReply, "report": HtmlReply,
    "csv": TextReply, "export": TextReply, "compare": CompareReply, "anonymise": AnonymiseReply,
    "evolution": EvolutionReply, "odt": OdtReply, "network_view": NetworkViewReply,
    "network_peers": NetworkPeersReply, "campaign": CampaignReply, "compact_encode": CompactEncodeReply,
    "compact_decode": CompactDecodeReply, "synthesis": SynthesisReply,
}

"""The package's exceptions. Messages are French (users read them); parts stay as attributes."""

from __future__ import annotations


class CapError(ValueError):
    """Base class: anything the user can fix. `str(error)` is a complete French sentence."""


class QuestionnaireError(CapError):
    """A structural or cross-reference error in the questionnaire sources."""

    def __init__(self, file: str, item_id: str | None, field: str | None, problem: str) -> None:
        self.file = file
        self.item_id = item_id
        self.field = field
        self.problem = problem
        where = file
        if item_id:
            where += f", « {item_id} »"
        if field:
            where += f", champ « {field} »"
        super().__init__(f"{where} : {problem}")


class QuestionnaireErrors(CapError):
    """Several questionnaire errors found in one pass (the validator reports them all)."""

    def __init__(self, errors: list[QuestionnaireError]) -> None:
        self.errors = errors
        lines = "\n".join(f"- {e}" for e in errors)
        count = len(errors)
        plural = "s" if count > 1 else ""
        super().__init__(f"Le questionnaire contient {count} erreur{plural} :\n{lines}")


class AssessmentError(CapError):
    """An assessment file that cannot be read. `field` is a path like `answers.ID-PROJ-01.value`."""

    def __init__(self, problem: str, field: str | None = None, code: str = "invalid") -> None:
        self.problem = problem
        self.field = field
        self.code = code
        message = problem if not field else f"{problem} (champ « {field} »)"
        super().__init__(message)

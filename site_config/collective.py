"""Static HTML of the collective pages (synthèse, évolution). Placeholder until they are built."""

from __future__ import annotations

from cap.model import Questionnaire


def synthese_html(q: Questionnaire, base: str) -> str:
    return "<p>Page en construction.</p>"


def evolution_html(q: Questionnaire, base: str) -> str:
    return "<p>Page en construction.</p>"

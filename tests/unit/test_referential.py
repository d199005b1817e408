"""Coverage of the real referential in questionnaire/ (issue: the CAP referential)."""

from __future__ import annotations

import re

from cap.load import read_sources
from cap.validate import check_sources
from tests.conftest import ROOT


def test_real_questionnaire_is_valid() -> None:
    assert [str(e) for e in check_sources(read_sources(ROOT / "questionnaire"))] == []


def test_size_is_four_pillars_of_5_to_6_themes_and_60_to_90_criteria(real) -> None:
    assert [p.title for p in real.pillars] == [
        "Identité", "Services rendus aux personnes, aux territoires, aux clients", "Supports",
        "Amélioration continue et évaluation"]
    assert all(5 <= len(p.themes) <= 6 for p in real.pillars)
    assert all(2 <= len(t.criteria) <= 6 for t in real.themes)
    assert 60 <= len(real.criteria) <= 90


def test_every_csess_theme_and_ust_register_is_referenced(real) -> None:
    assert {n for c in real.criteria for n in c.refs.csess} == set(range(1, 9))
    assert {r for c in real.criteria for r in c.refs.ust} == {r.id for r in real.registers}
    assert {i.register for i in real.indicators} == {r.id for r in real.registers}


def test_every_offer_is_used(real) -> None:
    used = {o for c in real.criteria for o in c.offers}
    assert used == {o.id for o in real.offers}
    assert any(o.external for o in real.offers if o.id == "dla")


def test_every_criterion_is_complete(real) -> None:
    for c in real.criteria:
        assert len({lv.text for lv in c.levels}) == 4, c.id
        assert 2 <= len(c.evidence) <= 4, c.id
        assert c.offers and c.easy_read and c.why, c.id
        assert c.question.rstrip().endswith("?"), c.id


def test_no_two_questions_are_the_same(real) -> None:
    normal = [re.sub(r"\W+", " ", c.question.lower()).strip() for c in real.criteria]
    assert len(set(normal)) == len(normal)


def test_easy_read_uses_short_sentences(real) -> None:
    """FALC: short sentences; we allow up to 16 words in a sentence."""
    for c in real.criteria:
        for sentence in re.split(r"[.?!]", c.easy_read):
            assert len(sentence.split()) <= 16, (c.id, sentence)


def test_type_specific_rules_are_limited_to_their_type(real) -> None:
    by_text = {c.id: c for c in real.criteria}
    ai_480 = [c for c in by_text.values() if "480" in c.question or "480" in c.why]
    assert ai_480 and all(c.applies_to == ("AI",) for c in ai_480 if "480" in c.question)
    assert all(c.checked for c in real.criteria if c.regulatory)


def test_indicators_count_10_to_35_shown_and_rates_use_counts(real) -> None:
    """About 25 concepts (issue 13 §3), plus the exit categories that let a structure check its rates add up."""
    shown = [i for i in real.indicators
             if i.type == "rate" or not any(r.denominator == i.id for r in real.indicators if r.type == "rate")]
    assert 10 <= len(shown) <= 35
    for i in real.indicators:
        assert i.unit and i.definition and i.period


def test_exit_categories_add_up_to_the_counted_exits(real) -> None:
    """Durable + transition + positive = dynamic; dynamic + other = counted; the three rates share one denominator."""
    ids = {i.id for i in real.indicators}
    parts = {"sorties_emploi_durable", "sorties_emploi_transition", "sorties_positives", "autres_sorties"}
    assert parts | {"sorties_dynamiques", "sorties_comptabilisees", "sorties_neutralisees"} <= ids
    rates = {i.numerator: i.denominator for i in real.indicators if i.type == "rate"}
    for count in ("sorties_emploi_durable", "sorties_emploi_transition", "sorties_positives", "sorties_dynamiques"):
        assert rates[count] == "sorties_comptabilisees", count
    assert "plus de 6 mois" in real.indicator_by_id["sorties_emploi_durable"].definition.replace("\u00a0", " ")


def test_regulatory_criteria_cite_dated_texts_on_official_sites(real) -> None:
    regulatory = [c for c in real.criteria if c.regulatory]
    assert regulatory
    for c in real.criteria:
        if c.regulatory or c.legal:
            assert c.legal and re.fullmatch(r"\d{4}-\d{2}-\d{2}", c.checked), c.id
        official = re.compile(r"https://([a-z0-9-]+\.)*(gouv\.fr|europa\.eu)/")
        for ref in c.legal:
            assert ref.text and (not ref.url or official.match(ref.url)), (c.id, ref)


def test_no_level_is_presented_as_set_by_the_network(real) -> None:
    """The `requirement` is this tool's benchmark (repère), not a COORACE requirement (issue 13)."""
    texts = [c.why for c in real.criteria] + [lv.text for c in real.criteria for lv in c.levels]
    assert not [t for t in texts if re.search(r"attendu (par|du) (le )?réseau", t, re.I)]


def test_every_criterion_has_simplified_answers_and_actions_in_verbs(real) -> None:
    """Issue 13 §4: a simplified question, four simplified answers, an action per target level 2-4."""
    for c in real.criteria:
        assert c.easy_read.rstrip().endswith("?"), c.id
        assert len(c.easy_answers) == 4 and len(set(c.easy_answers)) == 4, c.id
        assert len(c.actions) == 3, c.id
        for action in c.actions:
            words = re.sub(r"^(se|s’|s')\s*", "", action.lower()).split()  # "Se doter…", "S’assurer…"
            first = re.sub(r"\W+$", "", words[0])
            assert re.search(r"(er|ir|re|oir)$", first), (c.id, action)  # an infinitive, not a description


def test_level_3_holds_few_conditions_and_level_4_stays_inside_the_structure(real) -> None:
    """Issue 13 §3: level 3 is short; sharing with the network is the network criteria's own subject."""
    network_criteria = {c.id for c in real.criteria if c.theme_id == "ID-RESE"} | {"AC-INNO-03"}
    for c in real.criteria:
        assert len(c.levels[2].text.split()) <= 40, c.id
        if c.id not in network_criteria:
            assert not re.search(r"réseau|adhérents|délégation régionale", c.levels[3].text, re.I), c.id

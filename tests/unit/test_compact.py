"""The compact code of a participant's answers (QR codes, lien de réponse): cap.compact."""

from __future__ import annotations

import base64
import json
import random
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cap import browser, compact
from cap.errors import AssessmentError
from cap.load import make_bundle, read_sources
from cap.model import Questionnaire
from tests.conftest import MINI, REAL

WORDS = "évaluation accompagnement « projet » salariés bénévoles œuvre 2026 — ok ; déjà".split()


def _answers(q: Questionnaire, rng: random.Random, comments: bool = True) -> dict:
    answers = {}
    for c in q.criteria:
        if rng.random() < 0.2:
            continue
        value = rng.choice([1, 2, 3, 4, "dk"] + ([] if c.core else ["na"]))
        entry: dict = {"value": value}
        if comments and rng.random() < 0.4:
            entry["comment"] = " ".join(rng.choices(WORDS, k=rng.randint(1, 12)))[: compact.TEXT_LIMIT]
        if value == "na" and rng.random() < 0.7:
            entry["justification"] = "Pas d'activité de ce type"
        answers[c.id] = entry
    return answers


def _assessment(q: Questionnaire, answers: dict, rng: random.Random | None = None) -> dict:
    rng = rng or random.Random(0)
    return {"format": "cap-evaluation", "format_version": 2, "questionnaire": {"id": q.id, "version": q.version},
            "id": str(uuid.UUID(int=rng.getrandbits(128))), "kind": "individual",
            "created": "2026-11-28T10:00:00Z", "updated": "2026-11-28T10:30:05Z",
            "structure": {"name": "Atelier « Avenir »", "types": [q.structure_types[0].id], "activities": []},
            "respondent": {"name": "Léa", "role": rng.choice([r.id for r in q.roles])},
            "answers": answers, "targets": {}, "plan": []}


def _same(q: Questionnaire, decoded: dict, source: dict) -> None:
    assert compact.portable(q, decoded) == compact.portable(q, source)
    assert decoded["updated"] == source["updated"]


def test_round_trip_through_the_link_and_the_qr_parts(mini: Questionnaire) -> None:
    a = _assessment(mini, _answers(mini, random.Random(1)))
    enc = compact.encode(mini, a, session="3f2a9c1e")
    decoded = compact.unpack_link(enc.link, mini)
    _same(mini, decoded.assessment, a)
    assert decoded.session == "3f2a9c1e"
    parts = compact.gather(enc.parts(), mini)
    assert parts.decoded is not None and parts.decoded.assessment == decoded.assessment


def test_a_whole_link_is_read_from_its_fragment(mini: Questionnaire) -> None:
    a = _assessment(mini, {"AA-ONE-01": {"value": 3}})
    link = f"https://exemple.org/cap/synthese.html#reponse={compact.encode(mini, a).link}"
    assert compact.unpack_link(link, mini).assessment["answers"] == {"AA-ONE-01": {"value": 3}}


@settings(max_examples=200, deadline=None)
@given(st.randoms(use_true_random=False), st.booleans(), st.text(max_size=30))
def test_encode_then_decode_is_the_identity(real: Questionnaire, rng: random.Random, comments: bool,
                                            name: str) -> None:
    a = _assessment(real, _answers(real, rng, comments), rng)
    a["respondent"]["name"] = name.replace("\x00", "")[: compact.NAME_LIMIT]
    enc = compact.encode(real, a)
    _same(real, compact.unpack_link(enc.link, real).assessment, a)
    parts = enc.parts(rng.randint(60, 700))
    rng.shuffle(parts)
    gathered = compact.gather(parts + parts[:1], real)  # any order, a part read twice
    assert gathered.decoded is not None
    _same(real, gathered.decoded.assessment, a)


def test_comments_are_cut_to_the_stated_length_and_named(mini: Questionnaire) -> None:
    long = "x" * 300
    a = _assessment(mini, {"AA-ONE-01": {"value": 2, "comment": long}, "AA-ONE-02": {"value": 1, "comment": "court"}})
    enc = compact.encode(mini, a)
    answers = compact.unpack_link(enc.link, mini).assessment["answers"]
    assert len(answers["AA-ONE-01"]["comment"]) == compact.TEXT_LIMIT
    assert answers["AA-ONE-01"]["comment"].endswith("…") and answers["AA-ONE-02"]["comment"] == "court"
    assert enc.cut == ("AA-ONE-01",)


def test_parts_wait_for_the_missing_ones(real: Questionnaire) -> None:
    a = _assessment(real, _answers(real, random.Random(3)))
    parts = compact.encode(real, a).parts(120)
    assert len(parts) >= 3 and parts[0].startswith("CAP1:1/")
    waiting = compact.gather([parts[2], parts[0]], real)
    assert waiting.decoded is None and waiting.have == (1, 3) and waiting.total == len(parts)


def test_qr_parts_use_the_alphanumeric_mode_only(real: Questionnaire) -> None:
    a = _assessment(real, _answers(real, random.Random(4)))
    for part in compact.encode(real, a).parts():
        assert set(part) <= set(compact.B45) and len(part) <= compact.PART_CHARS


def _flip(text: str, at: int, alphabet: str) -> str:
    return text[:at] + alphabet[(alphabet.index(text[at]) + 1) % len(alphabet)] + text[at + 1:]


B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


@pytest.mark.parametrize(("mangle", "code"), [
    (lambda s: _flip(s, len(s) // 2, B64), ("code_checksum",)),
    (lambda s: s[: len(s) // 2], ("code_checksum", "code_format")),
    (lambda s: s + "é", ("code_format",)),
    (lambda s: "", ("code_format",)),
    (lambda s: s[:3], ("code_format",)),
])
def test_a_damaged_link_is_refused_in_french(mini: Questionnaire, mangle, code: tuple[str, ...]) -> None:
    link = compact.encode(mini, _assessment(mini, _answers(mini, random.Random(5)))).link
    with pytest.raises(AssessmentError) as caught:
        compact.unpack_link(mangle(link), mini)
    assert caught.value.code in code and str(caught.value).startswith(("Code", "Lien"))


def test_another_code_version_or_questionnaire_is_refused(mini: Questionnaire, real: Questionnaire) -> None:
    packet = bytearray(compact.encode(mini, _assessment(mini, {})).packet)
    packet[0] = 9
    with pytest.raises(AssessmentError, match="version 9") as caught:
        compact.unpack_link(base64.urlsafe_b64encode(bytes(packet)).decode().rstrip("="), mini)
    assert caught.value.code == "code_version"
    with pytest.raises(AssessmentError, match="référentiel") as caught:
        compact.unpack_link(compact.encode(mini, _assessment(mini, {})).link, real)
    assert caught.value.code == "code_questionnaire"


def test_parts_of_two_codes_do_not_mix_and_a_bad_part_is_refused(real: Questionnaire) -> None:
    one = compact.encode(real, _assessment(real, _answers(real, random.Random(6)))).parts(120)
    two = compact.encode(real, _assessment(real, _answers(real, random.Random(7)))).parts(120)
    with pytest.raises(AssessmentError, match="autre participant"):
        compact.gather([one[0], two[1]], real)
    with pytest.raises(AssessmentError, match="n'est pas un code"):
        compact.gather(["https://exemple.org"], real)
    with pytest.raises(AssessmentError) as caught:
        compact.gather([_flip(p, len(p) - 2, compact.B45) for p in one], real)
    assert caught.value.code in ("code_checksum", "code_format")


def test_base45_matches_rfc_9285() -> None:
    assert compact.b45encode(b"AB") == "BB8"
    assert compact.b45encode(b"Hello!!") == "%69 VD92EX0"
    assert compact.b45decode("QED8WEX0") == b"ietf!"
    with pytest.raises(AssessmentError):
        compact.b45decode("GGW")  # 65535 + 1


# QR capacity at error correction level M, alphanumeric mode, versions 1 to 40 (ISO/IEC 18004 table 7).
QR_M_ALNUM = [20, 38, 61, 90, 122, 154, 178, 221, 262, 311, 366, 419, 483, 528, 600, 656, 734, 816, 909, 970,
              1035, 1134, 1248, 1326, 1451, 1542, 1637, 1732, 1839, 1994, 2113, 2238, 2369, 2506, 2632, 2780,
              2894, 3054, 3220, 3391]


def qr_version(chars: int) -> int | None:
    return next((v for v, cap in enumerate(QR_M_ALNUM, start=1) if cap >= chars), None)


def test_a_full_answer_set_without_comments_fits_one_qr_code(real: Questionnaire) -> None:
    rng = random.Random(8)
    answers = {c.id: {"value": rng.choice([1, 2, 3, 4])} for c in real.criteria}
    enc = compact.encode(real, _assessment(real, answers), session="3f2a9c1e")
    assert len(enc.parts()) == 1
    assert len(enc.packet) < 120


def sizes(q: Questionnaire) -> dict[str, dict]:
    """Figures for the notes: a full answer set (every criterion answered), without and with comments."""
    rng = random.Random(9)
    out = {}
    for label, comments in (("sans commentaires", False), ("commentaire de 140 caractères partout", True)):
        answers = {}
        for c in q.criteria:
            entry: dict = {"value": rng.choice([1, 2, 3, 4])}
            if comments:
                entry["comment"] = " ".join(rng.choices(WORDS, k=40))[: compact.TEXT_LIMIT]
            answers[c.id] = entry
        enc = compact.encode(q, _assessment(q, answers), session="3f2a9c1e")
        one = compact.b45encode(enc.packet)
        out[label] = {"criteria": len(q.criteria), "packet_bytes": len(enc.packet), "link_chars": len(enc.link),
                      "qr_chars_one_code": len(one) + 20, "qr_version_M_one_code": qr_version(len(one) + 20),
                      "qr_parts_of_480": len(enc.parts())}
    return out


def test_worker_ops_encode_and_decode() -> None:
    from cap.load import load
    bundle = make_bundle(read_sources(MINI))
    assert json.loads(browser.call("init", json.dumps({"bundle": bundle})))["ok"]
    q = load(MINI)
    a = _assessment(q, {"AA-ONE-01": {"value": 4, "comment": "y" * 200}})

    def call(op: str, payload: dict) -> dict:
        return json.loads(browser.call(op, json.dumps(payload)))

    enc = call("compact_encode", {"assessment": a, "session": "s1", "part_chars": 100})
    assert enc["ok"] and enc["data"]["cut"] == ["AA-ONE-01"] and enc["data"]["limit"] == compact.TEXT_LIMIT
    data = call("compact_decode", {"code": enc["data"]["link"]})["data"]
    assert data["complete"] and data["session"] == "s1"
    assert data["assessment"]["answers"]["AA-ONE-01"]["value"] == 4
    parts = enc["data"]["parts"]
    first = call("compact_decode", {"parts": parts[:1]})["data"]
    assert first == {"complete": False, "total": len(parts), "have": [1]}
    assert call("compact_decode", {"parts": parts[::-1]})["data"]["assessment"] == data["assessment"]
    bad = call("compact_decode", {"code": enc["data"]["link"][:-4]})
    assert not bad["ok"] and bad["error"]["code"].startswith("code_")


if __name__ == "__main__":  # figures for the notes: python -m tests.unit.test_compact
    from cap.load import load
    print(json.dumps(sizes(load(REAL)), indent=1, ensure_ascii=False))

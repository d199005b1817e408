"""Inviting participants and answers back without e-mail (issue 16 §2–3): an invitation link presets
the session, the role and the simplified mode; a participant's answers travel as a response link or as
QR codes (read from an image file or through Chromium's fake camera) and join the facilitator's
synthesis identical to the source; a damaged code or link is refused in French and adds nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cap import compact
from cap.formats import new_assessment
from cap.load import load
from tests.e2e.conftest import (
    ARGS,
    ROOT,
    axe_violations,
    chromium_path,
    goto,
    new_page,
    open_assessment,
    wait_merged,
)

pytestmark = pytest.mark.e2e

Q = load(ROOT / "questionnaire")
LONG = "Les salariés en parcours ne connaissent pas encore le projet ; il faudrait le présenter à chaque arrivée, " \
       "avec un livret simple et une visite de tous les chantiers de la structure."  # more than 140 characters


def source(comments: bool) -> dict:
    """A participant's file: every criterion answered (1–4, some na and dk), comments on many of them."""
    answers = {}
    for n, c in enumerate(Q.criteria):
        value: object = "dk" if n % 11 == 5 else "na" if (n % 13 == 7 and not c.core) else 1 + n % 4
        entry: dict = {"value": value}
        if value == "na":
            entry["justification"] = "Pas de chantier de ce type"
        if comments and n % 2 == 0:
            entry["comment"] = LONG if n == 0 else f"Commentaire n° {n} : à revoir en équipe « vite »."
        answers[c.id] = entry
    a = new_assessment(Q, ["ACI"], "ACI Les Jardins")  # the engine's blank, as the page starts from
    a.update(created="2026-11-30T09:00:00Z", updated="2026-11-30T09:30:00Z",
             respondent={"name": "Léa", "role": "parcours"}, answers=answers)
    return a


def expected(a: dict) -> dict:
    """The answers as the code carries them: texts cut to the stated length."""
    out = {}
    for cid, entry in a["answers"].items():
        out[cid] = {k: (v if not isinstance(v, str) or len(v) <= compact.TEXT_LIMIT
                        else v[: compact.TEXT_LIMIT - 1] + "…") for k, v in entry.items()}
    return out


def participant_code(page, server: str, tmp_path: Path, a: dict) -> dict:
    """Import `a` on the assessment page, prepare its code on the results step: {link, parts: n}."""
    open_assessment(page, server)
    path = tmp_path / "participant.json"
    path.write_text(json.dumps(a, ensure_ascii=False), encoding="utf-8")
    page.set_input_files('[data-action="import-json"]', str(path))
    page.wait_for_function(f"() => localStorage.getItem('cap-en-ligne:current') === {json.dumps(a['id'])}")
    goto(page, "resultats")
    page.click("[data-share-make]")
    # data-share-ready is set once the QR code is drawn and the note written (the canvas gets its
    # label before the QR library has loaded: waiting on the label alone read a blank canvas).
    page.wait_for_selector("[data-share][data-share-ready]")
    page.wait_for_selector("[data-share-out]:not([hidden]) [data-qr][aria-label]")
    link = page.input_value("[data-share-link]")
    count = page.text_content("[data-qr-count]")
    return {"link": link, "count": count}


def open_synthese(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("#cap-synthese[data-state=ready]", timeout=120_000)


def session_files(page) -> list[dict]:
    return page.evaluate("() => JSON.parse(localStorage.getItem('cap-en-ligne:session') || '{\"files\": []}').files")


def assert_same_participant(page, a: dict) -> None:
    """One participant in the synthesis, accepted, with the source's answers (texts cut as stated)."""
    wait_merged(page)
    files = session_files(page)
    assert len(files) == 1 and files[0]["source"] == "code"
    got = json.loads(files[0]["text"])
    assert got["answers"] == expected(a)
    assert got["respondent"] == a["respondent"] and got["id"] == a["id"]
    assert page.locator('[data-files] tr[data-file-status="accepted"]').count() == 1


def test_an_invitation_link_sets_the_session_the_role_and_the_simplified_mode(browser, server) -> None:
    facilitator = new_page(browser, server)
    open_synthese(facilitator, server + "synthese.html")
    facilitator.click("[data-invite] summary")
    facilitator.fill("[data-invite-name]", "Séance du 3 décembre")
    facilitator.click("[data-invite-make]")
    link = facilitator.input_value('[data-invite-role="parcours"]')
    assert "#seance=" in link and "role=parcours" in link and "simple=1" in link
    assert "simple=1" not in facilitator.input_value('[data-invite-role="direction"]')
    participant = new_page(browser, server)  # another device
    participant.goto(link)
    participant.wait_for_selector("#cap-app[data-state=ready]", timeout=120_000)
    assert participant.input_value('select[name="respondent-role"]') == "parcours"
    assert "is-simple" in participant.get_attribute("#cap-app", "class")
    assert "Séance du 3 décembre" in participant.text_content("[data-alerts]")
    assert "#seance" not in participant.url  # a reload does not start another assessment
    participant.wait_for_function("() => localStorage.getItem('cap-en-ligne:current')")
    stored = participant.evaluate("() => JSON.parse(localStorage.getItem('cap-en-ligne:a:' + "
                                  "localStorage.getItem('cap-en-ligne:current')))")
    assert stored["session"]["name"] == "Séance du 3 décembre" and stored["respondent"]["role"] == "parcours"
    goto(participant, "resultats")
    with participant.expect_download() as download:
        participant.locator('#cap-results [data-action="export-json"]').click()
    assert download.value.suggested_filename.startswith("cap-seance-du-3-decembre-parcours-")
    for p in (facilitator, participant):
        assert p.watch.foreign == [] and p.watch.errors == []
        p.context.close()


def test_a_response_link_opened_elsewhere_adds_the_participant_and_a_damaged_one_adds_nothing(
        browser, server, tmp_path) -> None:
    a = source(comments=True)
    participant = new_page(browser, server)
    code = participant_code(participant, server, tmp_path, a)
    assert code["link"].startswith(server + "synthese.html#reponse=")
    assert "coupé" in participant.text_content("[data-share-note]")  # the long comment, cut: said so
    facilitator = new_page(browser, server)  # another browser context: the facilitator's device
    open_synthese(facilitator, code["link"])
    facilitator.wait_for_selector('[data-code][data-code-result="added"]')
    assert "Participant ajouté" in facilitator.text_content("[data-alerts]")
    assert_same_participant(facilitator, a)
    # a damaged link (one character changed) is refused in French and adds nothing
    damaged = code["link"][:-10] + ("A" if code["link"][-10] != "A" else "B") + code["link"][-9:]
    facilitator.goto(damaged)
    facilitator.wait_for_selector("#cap-synthese[data-state=ready]", timeout=120_000)
    facilitator.wait_for_selector('[data-code][data-code-result="refused"]')
    assert "Rien n'a été ajouté" in facilitator.text_content("[data-code-status]")
    wait_merged(facilitator)
    assert len(session_files(facilitator)) == 1
    for p in (facilitator, participant):
        assert p.watch.foreign == [] and p.watch.errors == []
        p.context.close()


def test_qr_codes_shown_by_one_page_are_read_by_another_from_image_files(browser, server, tmp_path) -> None:
    a = source(comments=True)
    participant = new_page(browser, server, bypass_csp=True)  # axe is injected below
    code = participant_code(participant, server, tmp_path, a)
    count = int(code["count"].split("/")[1].split(":")[0])
    assert count >= 2  # every criterion with comments: several QR codes, "1 / n"
    shots = []
    for k in range(count):
        shot = tmp_path / f"qr-{k + 1}.png"
        participant.locator("[data-qr]").screenshot(path=str(shot))
        shots.append(str(shot))
        if k < count - 1:
            participant.click('[data-qr-move="1"]')
            participant.wait_for_function(f"() => document.querySelector('[data-qr-count]').textContent"
                                          f".startsWith('QR code {k + 2} /')")
    assert axe_violations(participant) == []  # the QR code has a text alternative, the link is beside it
    facilitator = new_page(browser, server, bypass_csp=True)
    open_synthese(facilitator, server + "synthese.html")
    facilitator.click("[data-invite] summary")
    facilitator.click("[data-invite-make]")
    assert axe_violations(facilitator) == []
    # a picture with no QR code: a clear message, nothing added
    blank = tmp_path / "blank.png"
    facilitator.locator("#syn-files h2").screenshot(path=str(blank))
    facilitator.set_input_files("[data-code-image]", str(blank))
    facilitator.wait_for_selector('[data-code][data-code-result="refused"]')
    assert "aucun QR code" in facilitator.text_content("[data-code-status]")
    facilitator.set_input_files("[data-code-image]", shots[::-1])  # any order
    facilitator.wait_for_selector('[data-code][data-code-result="added"]', timeout=60_000)
    assert_same_participant(facilitator, a)
    # a QR code whose content was damaged (one character changed): refused in French, nothing added
    good = compact.encode(Q, source(comments=False)).parts()[0]
    bad = good[:-5] + ("0" if good[-5] != "0" else "1") + good[-4:]
    facilitator.evaluate("""async ([url, text]) => { const qrcode = (await import(url)).default;
        const qr = qrcode(0, 'M'); qr.addData(text, 'Alphanumeric'); qr.make();
        const n = qr.getModuleCount(), s = 4, c = document.createElement('canvas');
        c.id = 'bad-qr'; c.width = c.height = (n + 8) * s; const x = c.getContext('2d');
        x.fillStyle = '#fff'; x.fillRect(0, 0, c.width, c.height); x.fillStyle = '#000';
        for (let r = 0; r < n; r++) for (let k = 0; k < n; k++)
          if (qr.isDark(r, k)) x.fillRect((k + 4) * s, (r + 4) * s, s, s);
        document.body.prepend(c); }""", [server + "vendor/qrcode-generator/qrcode.mjs", bad])
    damaged = tmp_path / "damaged.png"
    facilitator.locator("#bad-qr").screenshot(path=str(damaged))
    facilitator.set_input_files("[data-code-image]", str(damaged))
    facilitator.wait_for_selector('[data-code][data-code-result="refused"]')
    assert facilitator.text_content("[data-code-status]").startswith("QR code refusé : Code")
    wait_merged(facilitator)
    assert len(session_files(facilitator)) == 1
    for p in (facilitator, participant):
        assert p.watch.foreign == [] and p.watch.errors == []
        p.context.close()


def write_y4m(path: Path, gray: list[int], size: int, width: int = 640, height: int = 480, frames: int = 10) -> None:
    """A Y4M video (what Chromium's fake camera plays, in a loop) showing the QR image `gray` (size × size, 0–255)
    centred on white."""
    top, left = (height - size) // 2, (width - size) // 2
    y = bytearray(b"\xff" * (width * height))
    for r in range(size):
        y[(top + r) * width + left:(top + r) * width + left + size] = bytes(gray[r * size:(r + 1) * size])
    chroma = b"\x80" * (width // 2 * height // 2)
    with path.open("wb") as f:
        f.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            f.write(b"FRAME\n" + bytes(y) + chroma + chroma)


def test_a_qr_code_is_read_through_the_camera(browser, playwright, server, tmp_path) -> None:
    a = source(comments=False)  # one QR code
    participant = new_page(browser, server)
    code = participant_code(participant, server, tmp_path, a)
    assert code["count"] == "QR code de vos réponses."
    size, gray = participant.evaluate("""() => { const c = document.querySelector('[data-qr]');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        const g = []; for (let i = 0; i < d.length; i += 4) g.push(d[i]); return [c.width, g]; }""")
    assert size <= 460
    video = tmp_path / "qr.y4m"
    write_y4m(video, gray, size)
    camera = playwright.chromium.launch(executable_path=chromium_path(), args=[
        *ARGS, "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={video}"])
    try:
        facilitator = new_page(camera, server)
        facilitator.context.grant_permissions(["camera"], origin=server.rstrip("/"))
        open_synthese(facilitator, server + "synthese.html")
        facilitator.click("[data-code-camera]")
        try:
            facilitator.wait_for_selector('[data-code][data-code-result="added"]', timeout=60_000)
        except Exception as exc:  # say what the page said (a refusal, a camera message) rather than a bare timeout
            status = facilitator.text_content("[data-code-status]")
            raise AssertionError(f"QR code not read through the camera; the page says: {status!r}") from exc
        assert_same_participant(facilitator, a)
        assert facilitator.get_attribute("[data-code]", "data-camera") is None  # stopped once read
        assert facilitator.watch.foreign == [] and facilitator.watch.errors == []
    finally:
        camera.close()
    assert participant.watch.foreign == [] and participant.watch.errors == []
    participant.context.close()

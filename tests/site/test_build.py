"""The site build: strict, complete (every id of the referential is published), private (no
other origin), and it fails clearly on a bad questionnaire or an unknown marker."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

import pytest
import yaml
from site_config.hooks import pyodide_folder

from cap.load import load

ROOT = Path(__file__).resolve().parents[2]


def build(dest: Path, env: dict | None = None, config: Path | None = None) -> subprocess.CompletedProcess:
    args = [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(dest)]
    if config:
        args += ["-f", str(config)]
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})})


@pytest.fixture(scope="module")
def built() -> Path:
    """The site `make test` built with `mkdocs build --strict` (built here, once for every worker,
    when the tests run on their own: the browser tests' build_site)."""
    from tests.e2e.conftest import build_site

    return build_site()


def text_of(site: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in site.rglob("*.html"))


def test_every_criterion_theme_offer_and_indicator_is_published(built: Path) -> None:
    q = load(ROOT / "questionnaire")
    pillars = "\n".join((built / "piliers" / f).read_text(encoding="utf-8") for f in
                        ("identite.html", "services.html", "supports.html", "amelioration.html"))
    for c in q.criteria:
        assert f'id="{c.id}"' in pillars, c.id
    for t in q.themes:
        assert f'id="{t.id}"' in pillars, t.id
    offers = (built / "offre.html").read_text(encoding="utf-8")
    for o in q.offers:
        assert f'id="offre-{o.id}"' in offers, o.id
    indicators = (built / "indicateurs.html").read_text(encoding="utf-8")
    for i in q.indicators:
        assert f'id="indicateur-{i.id}"' in indicators, i.id
    grid = (built / "grille.html").read_text(encoding="utf-8")
    form = (built / "evaluer.html").read_text(encoding="utf-8")
    for c in q.criteria:
        assert f'id="{c.id}"' in grid and f'name="{c.id}"' in form, c.id


def test_regulatory_references_are_listed_dated_and_linked(built: Path) -> None:
    """Issue 13: each regulatory criterion shows its texts and date; one page lists them all, as plain links."""
    q = load(ROOT / "questionnaire")
    refs = (built / "references.html").read_text(encoding="utf-8")
    supports = (built / "piliers" / "supports.html").read_text(encoding="utf-8")
    for c in q.criteria:
        if not (c.regulatory or c.legal):
            continue
        row = re.search(rf'<tr id="{c.id.lower()}">(.*?)</tr>', refs, re.S)
        assert row, c.id
        day = "/".join(reversed(c.checked.split("-")))
        assert day in row.group(1), c.id
        for r in c.legal:
            assert f'href="{r.url}" rel="external noopener noreferrer"' in row.group(1), (c.id, r.url)
    su = next(c for c in q.criteria if c.id == "SU-CONF-01")
    assert f'href="{su.legal[0].url}"' in supports and "Repère proposé par l\u2019outil" in supports


def test_no_page_says_the_network_set_the_levels(built: Path) -> None:
    assert not re.search(r"attendu (par|du) (le )?réseau", text_of(built), re.I)


def test_search_finds_each_criterion_on_its_pillar_page_only(built: Path) -> None:
    """The form, the collective cards and the printable grid repeat every criterion: the search
    sends the reader to the pillar page, and its index stays small (it is built on every page)."""
    q = load(ROOT / "questionnaire")
    docs = json.loads((built / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    pillar_file = {p.id: f"piliers/{name}.html" for p, name in
                   zip(q.pillars, ("identite", "services", "supports", "amelioration"), strict=True)}
    for c in q.criteria:
        pages = {d["location"].split("#")[0] for d in docs if c.question in d["text"]}
        assert pages == {pillar_file[c.pillar_id]}, (c.id, pages)
    for page in ("evaluer.html", "synthese.html", "grille.html"):  # still found by their own text
        assert any(d["location"].startswith(page) for d in docs), page


def test_worked_example_figures_come_from_the_engine(built: Path) -> None:
    page = (built / "echelle.html").read_text(encoding="utf-8")
    assert "Exemple calculé par le moteur" in page and re.search(r"Score du thème = .*%", page)


def test_no_marker_is_left_raw_and_generated_files_are_present(built: Path) -> None:
    assert "<!-- cap:" not in text_of(built)
    pyodide = pyodide_folder()
    for f in ("assets/cap/questionnaire.json", "assets/cap/exemple.json", f"{pyodide}/pyodide.asm.wasm",
              f"{pyodide}/cap-lock.json", "schema/cap-evaluation.schema.json", "sw.js"):
        assert (built / f).exists(), f
    worker = (built / "assets/cap/worker.js").read_text(encoding="utf-8")
    assert "__PYODIDE_DIR__" not in worker and f'"../../{pyodide}/pyodide.mjs"' in worker


class _Refs(HTMLParser):
    """Every URL a page would load by itself: scripts, styles, images, fonts, frames, media."""

    LOADING: ClassVar[set[tuple[str, str]]] = {
        ("script", "src"), ("link", "href"), ("img", "src"), ("img", "srcset"), ("iframe", "src"),
        ("source", "src"), ("source", "srcset"), ("video", "src"), ("audio", "src"), ("embed", "src"),
        ("object", "data"), ("track", "src"), ("image", "href"), ("use", "href")}

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("rel") not in ("stylesheet", "preload", "modulepreload", "icon", "manifest",
                                                      "prefetch", "preconnect", "dns-prefetch"):
            return
        for (t, a) in self.LOADING:
            if t == tag and attrs.get(a):
                self.urls.append(attrs[a])
        if attrs.get("style"):
            self.styles.append(attrs["style"])
        self._in_style = tag == "style"

    def handle_data(self, data):
        if self._in_style:
            self.styles.append(data)


def test_no_built_page_loads_anything_from_another_origin(built: Path) -> None:
    bad = []
    for page in built.rglob("*.html"):
        parser = _Refs()
        parser.feed(page.read_text(encoding="utf-8"))
        for url in parser.urls:
            if re.match(r"^(https?:)?//", url):
                bad.append(f"{page.relative_to(built)}: {url}")
        for css in parser.styles:
            bad += [f"{page.relative_to(built)}: {u}" for u in re.findall(r"url\(['\"]?((?:https?:)?//[^)'\"]+)", css)]
    for css in built.rglob("*.css"):
        bad += [f"{css.relative_to(built)}: {u}" for u in re.findall(r"url\(['\"]?((?:https?:)?//[^)'\"]+)",
                                                                     css.read_text(encoding="utf-8"))]
    assert bad == []


def test_every_page_has_a_strict_content_security_policy(built: Path) -> None:
    for page in built.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        if "<head" not in html:
            continue
        match = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)
        assert match, page
        assert "default-src 'self'" in match.group(1) and "http" not in match.group(1), page


def test_links_and_assets_are_relative(built: Path) -> None:
    for page in built.rglob("*.html"):
        if page.name == "404.html":
            continue  # served for any missing path, so it needs site_url (set by the Pages workflow)
        html = page.read_text(encoding="utf-8")
        assert not re.search(r'(?:href|src)="/(?!/)', html), f"{page}: root-absolute URL breaks sub-path hosting"


def test_bad_questionnaire_fails_the_build_naming_file_id_and_field(tmp_path: Path) -> None:
    q = tmp_path / "questionnaire"
    shutil.copytree(ROOT / "questionnaire", q)
    path = q / "pillars" / "1-identite.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["themes"][0]["criteria"][0]["requirement"] = 7
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = build(tmp_path / "site", env={"CAP_QUESTIONNAIRE": str(q)})
    assert result.returncode != 0
    assert "pillars/1-identite.yaml, « ID-PROJ-01 », champ « requirement »" in result.stderr


def test_unknown_marker_fails_the_build(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(ROOT / "docs", docs)
    (docs / "index.md").write_text("# Essai\n\n<!-- cap:piliers -->\n", encoding="utf-8")
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8").replace('!ENV [SITE_URL, ""]', '""')
    config = yaml.safe_load(text)
    config["docs_dir"] = str(docs)
    config["hooks"] = [str(ROOT / "site_config" / "hooks.py")]
    config["theme"]["custom_dir"] = str(ROOT / "site_config" / "overrides")
    cfg = tmp_path / "mkdocs.yml"
    cfg.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    result = build(tmp_path / "site", config=cfg)
    assert result.returncode != 0 and "marqueur inconnu « cap:piliers »" in result.stderr


class _TextNodes(HTMLParser):
    """The text a reader sees: text nodes outside code, pre, kbd, samp, script, style, textarea."""

    RAW: ClassVar[set[str]] = {"code", "pre", "kbd", "samp", "script", "style", "textarea"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.raw = 0
        self.chunks: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.raw += tag in self.RAW

    def handle_endtag(self, tag):
        if tag in self.RAW and self.raw:
            self.raw -= 1

    def handle_data(self, data):
        if not self.raw:
            self.chunks.append(data)


def test_french_typography_no_breakable_space_before_high_signs_or_inside_guillemets(built: Path) -> None:
    """Issue 13 §5: a plain space (U+0020) never comes before ; : ! ? » or after «, and no straight
    apostrophe sits inside a word, in the text of any built page (code and scripts excepted)."""
    bad = []
    for page in sorted(built.rglob("*.html")):
        parser = _TextNodes()
        parser.feed(page.read_text(encoding="utf-8"))
        text = "".join(parser.chunks)
        bad += [f"{page.relative_to(built)}: {text[max(0, m.start() - 30):m.end() + 10]!r}"
                for m in re.finditer(r" [;:!?»]|« |(?<=[^\W\d_])'(?=[^\W\d_])", text)]
    assert bad == []
    assert "\u202f" in (built / "evaluer.html").read_text(encoding="utf-8")

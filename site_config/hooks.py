"""MkDocs hooks: validate the questionnaire, fill the page markers, ship the app's assets.

- on_config: load + validate `questionnaire/` through the engine (a bad questionnaire fails the
  build with the validator's message: file, id, field).
- on_page_markdown: replace `<!-- cap:NAME ARG -->` markers through `pages.RENDERERS` (every marker
  is registered there); an unknown marker fails the build.
- on_post_page: French typography of the page's text nodes (`cap.typo.fr_html`: narrow no-break
  spaces, curly apostrophes; code, scripts, styles and attributes untouched), then a
  Content-Security-Policy meta tag first in <head>, with the hashes of the page's inline scripts
  (Material has a few), so no other origin can ever be reached.
- on_post_build: the questionnaire bundle, the JSON Schema, the wheel of `py/`, Pyodide's boot
  files from node_modules and the service worker with its precache list.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for extra in (str(ROOT / "py"), str(ROOT)):
    if extra not in sys.path:
        sys.path.insert(0, extra)

from mkdocs.exceptions import PluginError  # noqa: E402

import cap  # noqa: E402
from cap.errors import CapError  # noqa: E402
from cap.load import (  # noqa: E402
    from_sources,
    make_bundle,
    read_sources,
)
from cap.typo import fr_html  # noqa: E402
from site_config import example, pages, wheel  # noqa: E402

MARKER = re.compile(r"<!--\s*cap:([a-z-]+)(?:\s+([A-Za-z0-9_-]+))?\s*-->")
PYODIDE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip")
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S)
_state: dict[str, Any] = {}


def on_config(config: Any) -> Any:
    # CAP_QUESTIONNAIRE lets a test (or a fork trying a draft) build from another folder.
    folder = Path(os.environ.get("CAP_QUESTIONNAIRE", ROOT / "questionnaire"))
    try:
        sources = read_sources(folder)
        _state["q"] = from_sources(sources)
        _state["bundle"] = make_bundle(sources)
    except CapError as exc:
        raise PluginError(f"Questionnaire invalide.\n{exc}") from exc
    return config


def _base(src_uri: str) -> str:
    depth = src_uri.count("/")
    return "../" * depth


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    ctx = pages.Context(_state["q"], page.file.src_uri, _base(page.file.src_uri))

    def replace(match: re.Match[str]) -> str:
        try:
            return pages.render(match.group(1), match.group(2) or "", ctx)
        except pages.MarkerError as exc:
            raise PluginError(str(exc)) from exc

    return MARKER.sub(replace, markdown)


def _csp(html: str) -> str:
    hashes = sorted({"'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
                     for body in INLINE_SCRIPT.findall(html)})
    return ("default-src 'self'; "
            f"script-src 'self' {' '.join(hashes)}; "
            "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self'; "
            "connect-src 'self'; worker-src 'self'; frame-src 'self' blob:; child-src 'self' blob:; "
            "object-src 'none'; base-uri 'self'; form-action 'none'")


def on_post_page(output: str, page: Any, config: Any) -> str:
    output = fr_html(output)
    meta = f'<meta http-equiv="Content-Security-Policy" content="{_csp(output)}">'
    return output.replace('<meta charset="utf-8">', '<meta charset="utf-8">\n    ' + meta, 1)


def on_post_template(output_content: str, template_name: str, config: Any) -> str:
    """Static templates (404.html) get the same policy as the pages."""
    return on_post_page(output_content, None, config) if template_name.endswith(".html") else output_content


def pyodide_folder() -> str:
    """Where the site publishes Pyodide: one folder per version, so a URL always means the same
    file and the engine may take Pyodide's WebAssembly from the browser's HTTP cache without
    mixing versions (worker.js)."""
    package = ROOT / "node_modules" / "pyodide" / "package.json"
    return "pyodide/" + json.loads(package.read_text(encoding="utf-8"))["version"]


def on_post_build(config: Any) -> None:
    site = Path(config["site_dir"])
    assets = site / "assets" / "cap"
    assets.mkdir(parents=True, exist_ok=True)
    npm = ROOT / "node_modules" / "pyodide"
    if not (npm / "pyodide.mjs").exists():
        raise PluginError("Pyodide est absent de node_modules : lancez « npm ci » (ou « make install »).")
    pyodide_dir = pyodide_folder()
    for source in (ROOT / "site_config" / "assets" / "cap").iterdir():
        if source.suffix in (".js", ".css") and source.name != "worker.js":
            shutil.copy2(source, assets / source.name)
    (assets / "questionnaire.json").write_text(json.dumps(_state["bundle"], ensure_ascii=False, separators=(",", ":")),
                                               encoding="utf-8")
    (assets / "exemple.json").write_text(json.dumps(example.example_assessment(_state["q"]), ensure_ascii=False,
                                                    indent=1), encoding="utf-8")
    schema_dir = site / "schema"
    schema_dir.mkdir(exist_ok=True)
    shutil.copy2(ROOT / "py" / "cap" / "schema" / "cap-evaluation.schema.json", schema_dir)
    shutil.copy2(ROOT / "questionnaire" / "schema.json", schema_dir / "questionnaire.schema.json")
    target = site / pyodide_dir
    target.mkdir(parents=True, exist_ok=True)
    for name in PYODIDE_FILES:
        shutil.copy2(npm / name, target / name)
    whl = wheel.build_wheel(ROOT / "py" / "cap", cap.__version__, target)
    wheel.write_lock(npm / "pyodide-lock.json", whl, cap.__version__, target / "cap-lock.json")
    # QR codes (issue 16): the npm packages' browser files, vendored like Pyodide (so precached too).
    vendor = site / "vendor"
    for package, name in (("qrcode-generator", "dist/qrcode.mjs"), ("jsqr", "dist/jsQR.js"), ("jsqr", "LICENSE")):
        source = ROOT / "node_modules" / package / name
        if not source.exists():
            raise PluginError(f"{package} est absent de node_modules : lancez « npm ci » (ou « make install »).")
        (vendor / package).mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, vendor / package / Path(name).name)
    _write_worker(site, pyodide_dir, whl)
    _write_service_worker(site)


SNAPSHOT_MODES = ("off", "device", "build")


def _write_worker(site: Path, pyodide_dir: str, whl: Path, mode: str | None = None) -> None:
    """worker.js with Pyodide's folder and the memory-snapshot settings written in.

    CAP_SNAPSHOT (issue 18, measured in bench/README.md): "device" (default: the first visit
    makes a snapshot of the started engine and keeps it on the device; later visits restore it),
    "off" (the boot without snapshot) or "build" (made here with Node and the npm pyodide package,
    shipped gzipped beside Pyodide: 50 % more bytes on a first visit, so not the default). The key binds a
    snapshot to Pyodide, the wheel, the questionnaire bundle and the code that makes it.
    """
    mode = mode or os.environ.get("CAP_SNAPSHOT") or "device"
    if mode not in SNAPSHOT_MODES:
        raise PluginError(f"CAP_SNAPSHOT={mode!r} : valeurs possibles {', '.join(SNAPSHOT_MODES)}.")
    source = ROOT / "site_config" / "assets" / "cap" / "worker.js"
    preload = ROOT / "site_config" / "snapshot_preload.py"
    target = site / pyodide_dir
    digest = hashlib.sha256()
    bundle = site / "assets" / "cap" / "questionnaire.json"
    for part in (target / "pyodide.asm.wasm", target / "pyodide.asm.mjs", whl, bundle, preload, source,
                 ROOT / "site_config" / "snapshot.mjs"):
        digest.update(hashlib.sha256(part.read_bytes()).digest())
    key = digest.hexdigest()[:16]
    file = ""
    if mode == "build":
        file = _build_snapshot(site, target, whl, key)
    text = source.read_text(encoding="utf-8").replace("__PYODIDE_DIR__", pyodide_dir)
    text = (text.replace("__CAP_SNAPSHOT__", mode).replace("__CAP_SNAPSHOT_KEY__", key)
            .replace("__CAP_SNAPSHOT_FILE__", file).replace("__CAP_WHEEL__", whl.name)
            .replace('"__CAP_PRELOAD__"', json.dumps(preload.read_text(encoding="utf-8"))))
    (site / "assets" / "cap" / "worker.js").write_text(text, encoding="utf-8")


def _build_snapshot(site: Path, target: Path, whl: Path, key: str) -> str:
    """Run site_config/snapshot.mjs (Node 20): the started engine's memory, gzipped, named by its hash.
    A copy is kept under build/snapshot/<key> so that rebuilding unchanged sources costs nothing."""
    import subprocess

    cached = ROOT / "build" / "snapshot" / key
    names = sorted(cached.glob("snapshot-*.bin.gz")) if cached.is_dir() else []
    if not names:
        tmp = cached.with_name(key + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        command = ["node", str(ROOT / "site_config" / "snapshot.mjs"), str(target), str(whl),
                   str(site / "assets" / "cap" / "questionnaire.json"), str(tmp)]
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=600)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PluginError(f"CAP_SNAPSHOT=build : Node n'a pas pu faire l'instantané ({exc}).") from exc
        if result.returncode != 0:
            raise PluginError(f"CAP_SNAPSHOT=build : l'instantané a échoué.\n{result.stderr[-2000:]}")
        shutil.rmtree(cached, ignore_errors=True)
        tmp.rename(cached)
        names = sorted(cached.glob("snapshot-*.bin.gz"))
    shutil.copy2(names[0], target / names[0].name)
    return names[0].name


def _unused_search_language(path: Path) -> bool:
    """Material ships search support for every language; this French site loads only French."""
    if "lunr" not in path.parts:
        return False
    return path.name not in ("lunr.stemmer.support.min.js", "lunr.fr.min.js", "lunr.multi.min.js")


def _write_service_worker(site: Path) -> None:
    """Precache every file of the build; the cache name is the hash of all their contents."""
    template = ROOT / "site_config" / "assets" / "sw-template.js"
    if not template.exists():
        return
    files = sorted(p for p in site.rglob("*") if p.is_file() and p.name not in ("sw.js", "sitemap.xml.gz")
                   and not p.name.endswith(".map") and not _unused_search_language(p))
    digest = hashlib.sha256()
    urls = []
    for p in files:
        rel = p.relative_to(site).as_posix()
        digest.update(rel.encode() + b"\0" + hashlib.sha256(p.read_bytes()).digest())
        urls.append(rel)
    version = digest.hexdigest()[:16]
    text = template.read_text(encoding="utf-8")
    text = text.replace("__CAP_VERSION__", version).replace("__CAP_FILES__", json.dumps(urls))
    (site / "sw.js").write_text(text, encoding="utf-8")
    (site / "assets" / "cap" / "version.json").write_text(json.dumps({"version": version}), encoding="utf-8")

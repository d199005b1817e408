"""A reproducible pure-Python wheel of `py/cap` for Pyodide, and the small lock file listing it.

Written by hand (a wheel is a zip with a dist-info folder) so the build needs no network and
the same sources always give the same bytes, hence the same sha256 and cache version.
"""

from __future__ import annotations

import base64
import hashlib
import json
import zipfile
from pathlib import Path

NAME = "cap-en-ligne"
DIST = "cap_en_ligne"
EPOCH = (2020, 1, 1, 0, 0, 0)


def _record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def build_wheel(package_dir: Path, version: str, out_dir: Path) -> Path:
    files: list[tuple[str, bytes]] = []
    for path in sorted(package_dir.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix in (".py", ".json", ".typed"):
            files.append((f"cap/{path.relative_to(package_dir).as_posix()}", path.read_bytes()))
    info = f"{DIST}-{version}.dist-info"
    files.append((f"{info}/METADATA", f"Metadata-Version: 2.1\nName: {NAME}\nVersion: {version}\n".encode()))
    wheel_meta = b"Wheel-Version: 1.0\nGenerator: cap-site\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    files.append((f"{info}/WHEEL", wheel_meta))
    files.append((f"{info}/top_level.txt", b"cap\n"))
    record = "".join(f"{name},{_record_hash(data)},{len(data)}\n" for name, data in files) + f"{info}/RECORD,,\n"
    files.append((f"{info}/RECORD", record.encode()))
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{DIST}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in files:
            entry = zipfile.ZipInfo(name, EPOCH)
            entry.external_attr = 0o644 << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(entry, data)
    return target


def write_lock(pyodide_lock: Path, wheel: Path, version: str, out: Path) -> None:
    """A lock file with Pyodide's own `info` and only our package (no other package is needed)."""
    info = json.loads(pyodide_lock.read_text(encoding="utf-8"))["info"]
    lock = {"info": info, "packages": {NAME: {
        "name": NAME, "version": version, "file_name": wheel.name, "install_dir": "site",
        "sha256": hashlib.sha256(wheel.read_bytes()).hexdigest(), "package_type": "package",
        "imports": ["cap"], "depends": [], "unvendored_tests": False, "tool": {},
    }}}
    out.write_text(json.dumps(lock, indent=1), encoding="utf-8")

"""A small static server for the built site: right MIME types (.wasm, .mjs), optional sub-path.

`python -m site_config.serve --port 8000 site` serves site/ at http://localhost:8000/;
`--prefix /cap-en-ligne/` serves it under a sub-path, as GitHub Pages does for a project site.
"""

from __future__ import annotations

import argparse
import email.utils
import functools
import gzip
import http.server
import io
import os
import socketserver
import threading
from pathlib import Path
from typing import ClassVar

MIME = {".wasm": "application/wasm", ".mjs": "text/javascript", ".js": "text/javascript", ".json": "application/json",
        ".zip": "application/zip", ".whl": "application/zip", ".webmanifest": "application/manifest+json"}


COMPRESSIBLE = (".html", ".css", ".js", ".mjs", ".json", ".svg", ".xml", ".txt")


class Handler(http.server.SimpleHTTPRequestHandler):
    """Serves files like GitHub Pages does: gzip for text, the right type for .wasm and .mjs."""

    prefix = "/"
    extensions_map: ClassVar[dict[str, str]] = {**http.server.SimpleHTTPRequestHandler.extensions_map, **MIME}

    def send_head(self):  # type: ignore[no-untyped-def]
        path = self.translate_path(self.path)
        if os.path.isdir(path):
            path = os.path.join(path, "index.html")
        gzip_ok = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (gzip_ok and path.endswith(COMPRESSIBLE) and os.path.isfile(path)):
            return super().send_head()
        modified = email.utils.formatdate(int(os.stat(path).st_mtime), usegmt=True)
        if self.headers.get("If-Modified-Since") == modified:
            self.send_response(304)  # revalidation is cheap, as with the plain files
            self.end_headers()
            return None
        with open(path, "rb") as f:
            body = gzip.compress(f.read(), compresslevel=6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Last-Modified", modified)
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        return io.BytesIO(body)

    def translate_path(self, path: str) -> str:
        if self.prefix != "/" and path.startswith(self.prefix):
            path = "/" + path[len(self.prefix):]
        elif self.prefix != "/":
            path = "/__outside_prefix__"
        return super().translate_path(path)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:  # quiet in tests
        if self.server.verbose:  # type: ignore[attr-defined]
            super().log_message(format, *args)


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    verbose = False
    prefix = "/"

    def handle_error(self, request: object, client_address: object) -> None:
        import sys
        if isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            return  # the browser went away mid-download (a test closed its page): not an error
        super().handle_error(request, client_address)  # type: ignore[arg-type]


def make_server(directory: str | Path, port: int = 0, prefix: str = "/", verbose: bool = False) -> Server:
    prefix = "/" + prefix.strip("/") + "/" if prefix.strip("/") else "/"
    handler = type("PrefixedHandler", (Handler,), {"prefix": prefix})
    server = Server(("127.0.0.1", port), functools.partial(handler, directory=str(directory)))
    server.verbose = verbose
    server.prefix = prefix
    return server


def serve_in_thread(directory: str | Path, prefix: str = "/") -> tuple[Server, str]:
    server = make_server(directory, 0, prefix)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    return server, f"http://{host}:{port}{server.prefix}"


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve the built CAP en ligne site locally.")
    parser.add_argument("directory", nargs="?", default="site")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--prefix", default="/")
    args = parser.parse_args()
    server = make_server(args.directory, args.port, args.prefix, verbose=True)
    print(f"CAP en ligne : http://localhost:{args.port}{server.prefix} (Ctrl+C pour arrêter)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()

"""What checking a file before parsing costs: `formats.nesting_depth` (the depth scan that keeps
deep JSON away from the parser), `parse_text` (all checks) and `json.loads` alone, on a 1.95 MB
assessment whose comments hold brackets and quotes.

    .venv/bin/python bench/reader.py

Median of 5 runs each, wall clock and CPU time (CPU time is not inflated by other load).
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "py"))
from cap.formats import MAX_DEPTH, nesting_depth, parse_text

COMMENT = "Observé en réunion [voir PV] ; « preuves » {à compléter} \"citées\". " * 2
ANSWERS = {f"ID-X-{i:05d}": {"value": 1 + i % 4, "comment": COMMENT} for i in range(9_000)}
TEXT = json.dumps({"format": "cap-evaluation", "format_version": 1, "questionnaire": {"id": "cap"},
                   "answers": ANSWERS}, ensure_ascii=False, indent=2)


def main() -> None:
    size = len(TEXT.encode()) / 1e6
    for clock in (time.perf_counter, time.process_time):
        for name, work in (("nesting_depth", lambda: nesting_depth(TEXT, MAX_DEPTH)),
                           ("parse_text", lambda: parse_text(TEXT)), ("json.loads", lambda: json.loads(TEXT))):
            runs = []
            for _ in range(5):
                start = clock()
                work()
                runs.append((clock() - start) * 1000)
            print(f"{size:.2f} MB  {name:13} {clock.__name__:13} median of 5: {statistics.median(runs):.1f} ms")


if __name__ == "__main__":
    main()

"""Engine benchmark in CPython: score + plan, consolidation of 30, aggregation of 600 files.

    .venv/bin/python bench/engine.py [--seed 2026] [--quick]

Loads the real questionnaire (questionnaire/, YAML), generates answers deterministically with
random.Random(seed), times each operation many times (median and p95, in ms) and measures its
peak Python memory with tracemalloc in a separate run (tracemalloc slows the code it watches).
Targets are those of issue 2: < 5 ms, < 50 ms, < 3 s. Runs in well under a minute.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "py"))

from cap.aggregate import aggregate, anonymise  # noqa: E402
from cap.consolidate import check_set, consolidate  # noqa: E402
from cap.formats import dump, new_assessment, read_assessment  # noqa: E402
from cap.load import load  # noqa: E402
from cap.model import Questionnaire  # noqa: E402
from cap.plan import suggestions  # noqa: E402
from cap.score import score  # noqa: E402

ROLES = ("direction", "permanent", "salarie", "benevole", "administrateur")


def make_assessment(q: Questionnaire, rng: random.Random, structure_type: str | None = None) -> dict[str, Any]:
    """A plausible individual assessment: mostly levels, some "je ne sais pas", "non concerné"
    (never on core criteria, with a justification), unanswered ones and a few comments."""
    stype = structure_type or rng.choice(q.structure_types).id
    a = new_assessment(q, stype, "Structure de test")
    a["respondent"] = {"name": "", "role": rng.choice([r.id for r in q.roles] or list(ROLES))}
    for c in q.criteria:
        roll = rng.random()
        if roll < 0.80:
            entry: dict[str, Any] = {"value": rng.randint(1, 4)}
        elif roll < 0.88:
            entry = {"value": "dk"}
        elif roll < 0.93 and not c.core:
            entry = {"value": "na", "justification": "Pas d'activité de ce type."}
        else:
            continue  # unanswered
        if rng.random() < 0.15:
            entry["comment"] = "Commentaire de test " * rng.randint(1, 5)
        a["answers"][c.id] = entry
    for c in rng.sample(list(q.criteria), k=min(5, len(q.criteria))):
        a["importance"][c.id] = rng.randint(1, 3)
    return a


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (p95 of 20 runs is the 19th value)."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]


def timed(fn: Callable[[], Any], runs: int, warmup: int = 2) -> list[float]:
    """Durations in ms of `runs` calls (after `warmup` calls), GC disabled as timeit does."""
    for _ in range(warmup):
        fn()
    out = []
    enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(runs):
            t0 = time.perf_counter_ns()
            fn()
            out.append((time.perf_counter_ns() - t0) / 1e6)
    finally:
        if enabled:
            gc.enable()
    return out


def peak_mib(fn: Callable[[], Any]) -> float:
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 2**20


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (a smoke test)")
    parser.add_argument("--questionnaire", default=str(ROOT / "questionnaire"))
    args = parser.parse_args(argv)
    scale = 0.2 if args.quick else 1.0
    runs = {k: max(3, int(v * scale)) for k, v in {"score": 1000, "consolidate": 100, "aggregate": 20}.items()}
    started = time.perf_counter()

    t0 = time.perf_counter()
    q = load(args.questionnaire)
    load_ms = (time.perf_counter() - t0) * 1000
    rng = random.Random(args.seed)

    # 1. score + plan of one assessment
    one = make_assessment(q, rng)

    def score_plan() -> Any:
        return suggestions(q, one, score(q, one))

    rows: list[dict[str, Any]] = []

    def add(label: str, durations: list[float], peak: float, target_ms: float) -> None:
        med, p95 = percentile(durations, 50), percentile(durations, 95)
        rows.append({"operation": label, "runs": len(durations), "median_ms": med, "p95_ms": p95,
                     "peak_mib": peak, "target_ms": target_ms, "ok": p95 < target_ms})

    add("score + plan, 1 assessment", timed(score_plan, runs["score"]), peak_mib(score_plan), 5)

    # 2. consolidation of 30 participants: same structure, files read as the browser does
    stype = rng.choice(q.structure_types).id
    texts = [dump(make_assessment(q, rng, stype)) for _ in range(30)]
    participants = [read_assessment(t, q)[0] for t in texts]

    def merge() -> Any:
        return consolidate(q, participants)

    def read_check_merge() -> Any:
        read = [(f"p{n}.json", read_assessment(t, q)[0]) for n, t in enumerate(texts)]
        kept = check_set(q, read)["kept"]
        merged = consolidate(q, [a for _, a in kept])
        return score(q, merged)

    add("consolidate 30 (read assessments)", timed(merge, runs["consolidate"]), peak_mib(merge), 50)
    add("read 30 files + check + consolidate + score", timed(read_check_merge, runs["consolidate"]),
        peak_mib(read_check_merge), 50)

    # 3. aggregation of 600 anonymised exports, written as JSON files
    cli_ms = None
    cli_rc = None
    with tempfile.TemporaryDirectory(prefix="cap-bench-") as tmp:
        folder = Path(tmp)
        paths = []
        for n in range(600):
            a = make_assessment(q, rng)
            a["updated"] = f"2026-{rng.randint(1, 12):02d}-15T10:00:00Z"
            path = folder / f"anonyme-{n:03d}.json"
            path.write_text(json.dumps(anonymise(q, a, rng.choice(["Bretagne", "Occitanie", ""])), ensure_ascii=False),
                            encoding="utf-8")
            paths.append(path)
        size_kib = sum(p.stat().st_size for p in paths) / 1024

        def read_aggregate() -> Any:
            items = [json.loads(p.read_bytes()) for p in paths]
            return aggregate(q, items)

        result = read_aggregate()
        assert result["count"] == 600, result["count"]
        add("read 600 files (json) + aggregate", timed(read_aggregate, runs["aggregate"], warmup=1),
            peak_mib(read_aggregate), 3000)

        cmd = [sys.executable, "-m", "cap", "-q", args.questionnaire, "aggregate", "--json", *map(str, paths)]
        env = {**os.environ, "PYTHONPATH": str(ROOT / "py") + os.pathsep + os.environ.get("PYTHONPATH", "")}
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True)
        cli_ms = (time.perf_counter() - t0) * 1000
        cli_rc = proc.returncode
        cli_count = json.loads(proc.stdout)["count"] if proc.returncode == 0 else None

    # output
    print(f"CAP en ligne: engine benchmark (CPython {platform.python_version()}, {platform.machine()}, "
          f"{os.cpu_count()} CPU, seed {args.seed})")
    print(f"Questionnaire {q.id} {q.version}: {len(q.criteria)} criteria, {len(q.themes)} themes, "
          f"{len(q.pillars)} pillars (loaded from YAML in {load_ms:.0f} ms)")
    s1 = score(q, one)["overall"]
    print(f"One assessment: {s1['answered']}/{s1['applicable']} applicable criteria answered, overall "
          f"{s1['percent']:.1f} %, {len(score_plan()['suggestions'])} plan suggestions")
    print()
    head = f"{'operation':<46} {'runs':>5} {'median ms':>10} {'p95 ms':>9} {'peak MiB':>9} {'target':>9}  ok"
    print(head)
    print("-" * len(head))
    for r in rows:
        target = f"< {r['target_ms'] / 1000:g} s" if r["target_ms"] >= 1000 else f"< {r['target_ms']:g} ms"
        print(f"{r['operation']:<46} {r['runs']:>5} {r['median_ms']:>10.2f} {r['p95_ms']:>9.2f} "
              f"{r['peak_mib']:>9.2f} {target:>9}  {'yes' if r['ok'] else 'NO'}")
    cli_ok = cli_rc == 0 and cli_count == 600 and cli_ms < 3000
    print(f"{'CLI: python -m cap aggregate 600 files':<46} {1:>5} {cli_ms:>10.0f} {'':>9} {'':>9} {'< 3 s':>9}  "
          f"{'yes' if cli_ok else 'NO'}")
    print()
    print(f"600 anonymised files: {size_kib:.0f} KiB in all. CLI time is one subprocess: interpreter start, "
          "YAML questionnaire load and validation, reading and checking the files, JSON output"
          + ("" if cli_rc == 0 else f" (exit code {cli_rc}: {proc.stderr.decode()[:300]})") + ".")
    print("Timings: wall clock, GC off while timing, p95 by nearest rank; peak memory: tracemalloc, one separate run.")
    print(f"Total benchmark time: {time.perf_counter() - started:.1f} s")
    return 0 if all(r["ok"] for r in rows) and cli_ok else 1


if __name__ == "__main__":
    sys.exit(main())

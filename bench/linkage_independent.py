"""The linkage engine on extracts it has never seen (issue 18): a generator written apart from
this project (``bench/independent/``: its own corruption model and system layouts), fresh
extracts from a new seed for every run, linked with the engine's defaults and no labels.

    python bench/linkage_independent.py                       # 5 fresh seeds at 20,000 people
    python bench/linkage_independent.py --people 100000 --seeds 3
    python bench/linkage_independent.py --generator DIR       # generate.py and score.py there

The generator's directory is ``--generator``, else ``$BOROUGH_LINKGEN_DIR``, else
``bench/independent``. Each seed is drawn at random (printed, so a run can be repeated with
``--seed-list``). For each: the generator writes seven systems' extracts, their YAML mappings
and the truth; the engine ingests the mappings as a council would (``--set-aside-repeated-ids``
is not used: an extract with a repeated id would fail the run), standardises, trains without
labels, chooses its threshold from the data and clusters; then the generator's own
``score.py`` scores the clusters (pairwise precision, recall and F1). Nothing here reads the
generator's code or tunes to it: only its scores and counts are printed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _generator_dir(given: str | None) -> Path:
    found = Path(given or os.environ.get("BOROUGH_LINKGEN_DIR") or ROOT / "bench" / "independent")
    for script in ("generate.py", "score.py"):
        if not (found / script).is_file():
            sys.exit(f"no {script} in {found}: pass --generator or set BOROUGH_LINKGEN_DIR")
    return found


def run_seed(generator: Path, people: int, seed: int, work: Path) -> dict:
    import duckdb

    from borough.linkage import link as linkage
    from borough.linkage.ingest import ingest
    from borough.linkage.standardise import standardise_table

    out = work / f"seed-{seed}"
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, str(generator / "generate.py"), "--people", str(people), "--seed",
         str(seed), "--out", str(out)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    generated = time.perf_counter() - started
    started = time.perf_counter()
    con = duckdb.connect(str(out / "people.duckdb"))
    summary = ingest(sorted(out.glob("*.yaml")), con)
    standardise_table(con)
    result, counts = linkage.link(con, models_dir=out / "models", seed=1)
    linked = time.perf_counter() - started
    con.close()
    scored = subprocess.run(
        [sys.executable, str(generator / "score.py"), "--truth", str(out / "truth.csv"), "--db",
         str(out / "people.duckdb"), "--table", "clusters", "--json"],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    scores = json.loads(scored.stdout)
    return {
        "seed": seed,
        "records": summary.total,
        "pairs_scored": result.pairs_scored,
        "threshold": result.threshold,
        "refused": result.refused or {},
        "generate_s": generated,
        "link_s": linked,
        "scores": scores,
    }


def _score(scores: dict, *names: str) -> float:
    for name in names:
        if name in scores:
            return float(scores[name])
        for value in scores.values():
            if isinstance(value, dict) and name in value:
                return float(value[name])
    return float("nan")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--generator", help="folder with generate.py and score.py")
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--seeds", type=int, default=5, help="how many fresh seeds")
    parser.add_argument("--seed-list", type=int, nargs="*", help="these seeds instead")
    parser.add_argument("--work", help="folder for the extracts (default: a temporary one)")
    parser.add_argument("--json", action="store_true", help="print every result as JSON too")
    args = parser.parse_args(argv)
    generator = _generator_dir(args.generator)
    seeds = args.seed_list or [random.SystemRandom().randrange(1, 10**6) for _ in range(args.seeds)]
    one, five, fifteen = os.getloadavg()
    print(
        f"independent generator {generator}, {args.people:,} people, seeds {seeds}; "
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load {one:.2f} {five:.2f} {fifteen:.2f}"
    )
    print(
        f"{'seed':>7} {'records':>8} {'pairs':>9} {'threshold':>9} {'precision':>9} "
        f"{'recall':>7} {'F1':>7} {'link s':>7}"
    )
    results = []
    with tempfile.TemporaryDirectory(prefix="linkgen-") as tmp:
        work = Path(args.work or tmp)
        for seed in seeds:
            result = run_seed(generator, args.people, seed, work)
            results.append(result)
            scores = result["scores"]
            print(
                f"{seed:>7} {result['records']:>8,} {result['pairs_scored']:>9,} "
                f"{result['threshold']:>9.4f} {_score(scores, 'precision'):>9.4f} "
                f"{_score(scores, 'recall'):>7.4f} {_score(scores, 'f1', 'F1'):>7.4f} "
                f"{result['link_s']:>7.1f}",
                flush=True,
            )
    f1s = [_score(r["scores"], "f1", "F1") for r in results]
    precisions = [_score(r["scores"], "precision") for r in results]
    print(
        f"worst F1 {min(f1s):.4f}, worst precision {min(precisions):.4f} "
        f"(targets: F1 >= 0.95 and precision >= 0.97 on every seed); "
        f"peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
    )
    if args.json:
        print(json.dumps(results, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The mutation score of the last `make mutate`, module by module (docs/testing.md).

mutmut keeps each mutated module's results in `mutants/<path>.meta` (JSON: the exit code of
the tests run against each mutant). This reads them all and prints, per module, how many
mutants the suite killed, how many survived and how many no test reaches, the score
(killed / checked), and the name of every survivor (`mutmut show <name>` prints its diff).

    python tests/mutation_score.py            # the table and the survivors
    python tests/mutation_score.py --min 90   # exit 1 if the overall score is below 90%
    python tests/mutation_score.py --record   # keep the results in docs/mutation-results/
    python tests/mutation_score.py --restore  # start mutants/ from the kept results
    python tests/mutation_score.py --survivors  # only the survivors' names (make mutate-survivors)

The results are kept in the repository (`docs/mutation-results/`, one JSON file per mutated
module, only mutmut's verdicts and function hashes): the recorded score is there for anyone to
read, and a run in a fresh clone starts from them. mutmut keeps a verdict only while the hash
of its function is unchanged, so what changed since is checked again; and a new test does not
change a verdict already kept, so after adding tests run `mutmut run <survivor names>` (or
delete docs/mutation-results/ for a full run).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTANTS = ROOT / "mutants"
RECORDED = ROOT / "docs" / "mutation-results"
KEPT = ("exit_code_by_key", "hash_by_function_name")  # what a later run needs of mutmut's .meta

# mutmut's exit codes (mutmut/stats.py): the tests failed (killed), passed (survived), none
# ran (no tests), or the run took too long (timeout: counted as killed, as mutmut does).
KILLED = {1, 3, 36, 24, -24, 152, 255, 37}
SURVIVED = {0}
NO_TESTS = {5, 33}


def _status(code: int | None) -> str:
    if code is None:
        return "not checked"
    if code in KILLED:
        return "killed"
    if code in SURVIVED:
        return "survived"
    if code in NO_TESTS:
        return "no tests"
    return "suspicious"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--min", type=float, default=None, help="fail below this overall score (percent)")
    parser.add_argument("--record", action="store_true", help="keep mutants/ results in docs/mutation-results/")
    parser.add_argument("--restore", action="store_true", help="start mutants/ from docs/mutation-results/")
    parser.add_argument("--survivors", action="store_true", help="print only the survivors' names")
    args = parser.parse_args()
    if args.restore:
        return restore()

    metas = sorted(MUTANTS.rglob("*.py.meta"))
    if args.record:
        if not metas:
            print("No mutation results in mutants/ to keep: run `make mutate` first.")
            return 1
        record(metas)
    results = {str(m.relative_to(MUTANTS)).removesuffix(".meta"): m for m in metas}
    if not results:  # no run here: the kept results
        results = {str(k.relative_to(RECORDED)).removesuffix(".json"): k for k in sorted(RECORDED.rglob("*.py.json"))}
        if not results:
            print("No mutation results in mutants/ or docs/mutation-results/: run `make mutate` first.")
            return 1
        if not args.survivors:
            print(f"(the results kept in {RECORDED.relative_to(ROOT)}/)")
    if args.survivors:
        for path in results.values():
            codes = json.loads(path.read_text())["exit_code_by_key"]
            print("\n".join(name for name, code in codes.items() if _status(code) in ("survived", "no tests")))
        return 0
    total: Counter[str] = Counter()
    survivors: list[str] = []
    print(f"{'module':<40} {'mutants':>7} {'killed':>7} {'survived':>8} {'no tests':>8} {'score':>7}")
    for module, path in results.items():
        codes = json.loads(path.read_text())["exit_code_by_key"]
        counts = Counter(_status(code) for code in codes.values())
        total.update(counts)
        survivors += [name for name, code in codes.items() if _status(code) in ("survived", "no tests")]
        print(
            f"{module:<40} {len(codes):>7} {counts['killed']:>7} {counts['survived']:>8} "
            f"{counts['no tests']:>8} {_score(counts):>7}"
        )
    print(
        f"{'all':<40} {sum(total.values()):>7} {total['killed']:>7} {total['survived']:>8} "
        f"{total['no tests']:>8} {_score(total):>7}"
    )
    if total["not checked"] or total["suspicious"]:
        print(f"({total['not checked']} not checked yet, {total['suspicious']} suspicious: run `make mutate` again)")
    if survivors:
        print("\nSurvivors (mutmut show <name>):")
        print("\n".join(f"  {name}" for name in survivors))
    checked = total["killed"] + total["survived"] + total["no tests"]
    score = 100 * total["killed"] / checked if checked else 0.0
    if args.min is not None and score < args.min:
        print(f"\nScore {score:.1f}% is below {args.min:g}%.")
        return 1
    return 0


def record(metas: list[Path]) -> None:
    """Keep each module's verdicts and function hashes (not mutmut's timings)."""
    for meta in metas:
        data = json.loads(meta.read_text())
        kept = RECORDED / meta.relative_to(MUTANTS).with_suffix(".json")
        kept.parent.mkdir(parents=True, exist_ok=True)
        kept.write_text(json.dumps({key: data[key] for key in KEPT}, indent=1, sort_keys=True) + "\n")
    print(f"Kept the results of {len(metas)} modules in {RECORDED.relative_to(ROOT)}/.")


def restore() -> int:
    """Give mutmut the kept results of each module it has none for yet."""
    restored = 0
    for kept in sorted(RECORDED.rglob("*.py.json")):
        meta = MUTANTS / kept.relative_to(RECORDED).with_suffix(".meta")
        if meta.exists():
            continue
        data = json.loads(kept.read_text())
        meta.parent.mkdir(parents=True, exist_ok=True)
        meta.write_text(
            json.dumps(
                {**data, "type_check_error_by_key": {}, "durations_by_key": {}, "estimated_durations_by_key": {}},
                indent=4,
            )
        )
        restored += 1
    if restored:
        print(f"Started mutants/ from the kept results of {restored} modules ({RECORDED.relative_to(ROOT)}/).")
    return 0


def _score(counts: Counter[str]) -> str:
    checked = counts["killed"] + counts["survived"] + counts["no tests"]
    return f"{100 * counts['killed'] / checked:.1f}%" if checked else "-"


if __name__ == "__main__":
    sys.exit(main())

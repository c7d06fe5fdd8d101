"""The mutation score of the last `make mutate`, module by module (docs/testing.md).

mutmut keeps each mutated module's results in `mutants/<path>.meta` (JSON: the exit code of
the tests run against each mutant). This reads them all and prints, per module, how many
mutants the suite killed, how many survived and how many no test reaches, the score
(killed / checked), and the name of every survivor (`mutmut show <name>` prints its diff).

    python tests/mutation_score.py            # the table and the survivors
    python tests/mutation_score.py --min 90   # exit 1 if the overall score is below 90%
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTANTS = ROOT / "mutants"

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
    args = parser.parse_args()

    metas = sorted(MUTANTS.rglob("*.py.meta"))
    if not metas:
        print("No mutation results in mutants/: run `make mutate` first.")
        return 1
    total: Counter[str] = Counter()
    survivors: list[str] = []
    print(f"{'module':<40} {'mutants':>7} {'killed':>7} {'survived':>8} {'no tests':>8} {'score':>7}")
    for meta in metas:
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        counts = Counter(_status(code) for code in codes.values())
        total.update(counts)
        survivors += [name for name, code in codes.items() if _status(code) in ("survived", "no tests")]
        module = str(meta.relative_to(MUTANTS)).removesuffix(".meta")
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


def _score(counts: Counter[str]) -> str:
    checked = counts["killed"] + counts["survived"] + counts["no tests"]
    return f"{100 * counts['killed'] / checked:.1f}%" if checked else "-"


if __name__ == "__main__":
    sys.exit(main())

"""Type-check Borough with mypy (django-stubs), holding the list of modules that still fail.

`make lint` runs this. Every module under `borough/` and `config/` is checked with the settings in
`pyproject.toml` (`[tool.mypy]`, strict on the modules listed there as strict). The modules in
`scripts/mypy_still_failing.txt` may still have errors; the list may only shrink:

- a module with errors that is not on the list fails the check;
- a module on the list that no longer has errors fails the check too, until it is taken off
  (so a fix is kept).

Exit status 0 when both hold, 1 otherwise.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STILL_FAILING = ROOT / "scripts" / "mypy_still_failing.txt"
ERROR = re.compile(r"^(?P<path>[^:]+\.py):\d+: error:")


def module_of(path: str) -> str:
    return ".".join(Path(path).with_suffix("").parts).removesuffix(".__init__")


def main() -> int:
    allowed = {
        line.strip()
        for line in STILL_FAILING.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    run = subprocess.run(  # noqa: S603 - our own interpreter and fixed arguments
        [sys.executable, "-m", "mypy", "borough", "config"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    errors: Counter[str] = Counter()
    lines_by_module: dict[str, list[str]] = {}
    for line in run.stdout.splitlines():
        match = ERROR.match(line)
        if match:
            module = module_of(match["path"])
            errors[module] += 1
            lines_by_module.setdefault(module, []).append(line)
    if run.returncode not in (0, 1) or (run.returncode == 1 and not errors):
        print(run.stdout + run.stderr)
        print("mypy did not run to the end")
        return 1
    new = sorted(set(errors) - allowed)
    fixed = sorted(allowed - set(errors))
    for module in new:
        print("\n".join(lines_by_module[module]))
    if new:
        print(f"\nmypy: {len(new)} module(s) with type errors that are not on the list: fix them")
    if fixed:
        print(
            "mypy: these modules now pass: take them off scripts/mypy_still_failing.txt:\n  "
            + "\n  ".join(fixed)
        )
    if new or fixed:
        return 1
    print(
        f"mypy: no new type errors ({len(allowed)} module(s) still on the list, "
        f"{sum(errors.values())} error(s) in them)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""`make bench`: run every benchmark beside its reference; each writes bench/results/<name>.json.

Benchmarks are separate scripts so one can be run alone (`python bench/ingest.py`). This runner runs
those that exist, in a fixed order, and fails if any of them fails.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ORDER = [
    "ingest.py", "scoring.py", "bridge_quality.py", "themes.py", "alike.py", "notify.py",
    "uplift.py", "console.py",
]  # fmt: skip


def main() -> int:
    failures = []
    for name in ORDER:
        script = BENCH / name
        if not script.exists():
            continue
        print(f"== {name}", flush=True)
        started = time.monotonic()
        result = subprocess.run([sys.executable, str(script)], cwd=BENCH.parent, check=False)
        print(
            f"== {name}: exit {result.returncode} in {time.monotonic() - started:.0f} s", flush=True
        )
        if result.returncode != 0:
            failures.append(name)
    if failures:
        print("failed: " + ", ".join(failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

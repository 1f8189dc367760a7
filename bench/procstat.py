"""CPU time and peak memory of a service process and its children (the uvicorn workers), from
/proc: a figure the machine's other work disturbs less than wall time."""

from __future__ import annotations

import os
import platform
from pathlib import Path
from typing import Any


def _tree(pid: int) -> list[tuple[Path, list[str]]]:
    """The /proc directory and stat fields (after the command name) of ``pid`` and of its
    direct children."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # exited meanwhile
        if int(stat.parent.name) == pid or int(fields[1]) == pid:
            found.append((stat.parent, fields))
    return found


def tree_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds used so far by a process and its children."""
    ticks = sum(int(fields[11]) + int(fields[12]) for _, fields in _tree(pid))
    return ticks / os.sysconf("SC_CLK_TCK")


def tree_peak_rss_mb(pid: int) -> float:
    """The sum of each process's peak resident memory (VmHWM) so far, in MiB."""
    total_kb = 0
    for directory, _ in _tree(pid):
        try:
            status = (directory / "status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                total_kb += int(line.split()[1])
    return round(total_kb / 1024, 1)


def machine(load_at_start: list[float]) -> dict[str, Any]:
    """What a result says of the machine: cores, Python, and the load average (other work
    sharing the cores) when the run started and now, as it ends."""
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "load_average_at_start": load_at_start,
        "load_average_at_end": list(os.getloadavg()),
    }

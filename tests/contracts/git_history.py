"""Published versions of a checked-in file, read from git history.

A shallow clone has fewer commits and a source tarball none; callers compare against whatever
history exists (and always against the working copy), never skipping silently.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path


def _git(cwd: Path, *args: str) -> str | None:
    """``git args`` in ``cwd``; None when git is missing or ``cwd`` is not in a repository."""
    executable = shutil.which("git")
    if executable is None:
        return None
    result = subprocess.run(
        [executable, *args], cwd=cwd, capture_output=True, text=True, check=False
    )
    return result.stdout if result.returncode == 0 else None


def repository_root(path: Path) -> Path | None:
    top = _git(path, "rev-parse", "--show-toplevel")
    return Path(top.strip()) if top else None


def committed_versions(path: Path) -> list[tuple[str, str]]:
    """``(commit, text)`` of every committed version of ``path``, newest first."""
    root = repository_root(path.parent)
    if root is None:
        return []
    relative = path.resolve().relative_to(root.resolve()).as_posix()
    log = _git(root, "log", "--format=%H", "--", relative) or ""
    versions = []
    for commit in log.split():
        text = _git(root, "show", f"{commit}:{relative}")
        if text is not None:  # the commit that deleted the file has no version of it
            versions.append((commit, text))
    return versions


def ever_committed(directory: Path, pattern: str = "*.json") -> set[str]:
    """Names of the files matching ``pattern`` ever added under ``directory``."""
    root = repository_root(directory)
    if root is None:
        return set()
    relative = directory.resolve().relative_to(root.resolve()).as_posix()
    log = _git(root, "log", "--format=", "--name-only", "--diff-filter=A", "--", relative) or ""
    return {Path(line).name for line in log.split() if Path(line).match(pattern)}

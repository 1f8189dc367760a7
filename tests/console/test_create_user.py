"""`banso-console create-user`: a second run for the same email is refused unless it says
--replace, which gives that user the new password, role and workspaces (the demo resets its user
so on every run)."""

from __future__ import annotations

import asyncio
import os
import subprocess
from pathlib import Path

from banso_console.adapters.users import authenticate, workspaces_of
from banso_kit.db import Database

BIN = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "banso-console"


def _create(url: str, password: str, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN), "create-user", "Demo@Banso.example", *extra],
        input=password + "\n",
        env={**os.environ, "BANSO_ENV": "test", "CONSOLE_DATABASE_URL": url},
        capture_output=True,
        text=True,
        check=False,
    )


def test_create_user_replaces_an_existing_user_only_when_asked(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'console.db'}"
    first = _create(url, "first password 1", "--role", "viewer", "--workspace", "ws_a")
    assert first.returncode == 0, first.stderr
    again = _create(url, "second password 2", "--role", "admin", "--workspace", "ws_b")
    assert again.returncode == 2
    assert "already exists" in again.stderr
    replaced = _create(
        url, "second password 2", "--role", "admin", "--workspace", "ws_b", "--replace"
    )
    assert replaced.returncode == 0, replaced.stderr
    assert replaced.stdout.startswith("saved demo@banso.example (admin; ws_b)")

    async def check() -> None:
        db = Database(url)
        try:
            async with db.session() as session:
                old = await authenticate(
                    session, email="demo@banso.example", password="first password 1"
                )
                assert old is None
                user = await authenticate(
                    session, email="demo@banso.example", password="second password 2"
                )
                assert user is not None
                assert (user.role, workspaces_of(user)) == ("admin", ["ws_b"])
        finally:
            await db.dispose()

    asyncio.run(check())

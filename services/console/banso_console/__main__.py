"""`banso-console`: serve the console, upgrade its database, or create a user.

banso-console create-user EMAIL --role editor --workspace ws_1 [--workspace ws_2] [--replace]
(the password is read from standard input when it is not a terminal, else prompted for;
--replace gives an existing user of that email this password, role and workspaces)
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from collections.abc import Sequence
from pathlib import Path

from banso_console.adapters.users import create_user
from banso_console.config import ConsoleSettings
from banso_console.domain.roles import ROLES
from banso_kit import serve
from banso_kit.db import Database
from banso_kit.migrations import upgrade

MIGRATIONS = Path(__file__).parent / "migrations"


def _create_user(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="banso-console create-user")
    parser.add_argument("email")
    parser.add_argument("--role", choices=ROLES, default="viewer")
    parser.add_argument(
        "--workspace", action="append", required=True, help="a workspace id it may see (repeat)"
    )
    parser.add_argument("--locale", choices=("en", "ja"), default=None)
    parser.add_argument(
        "--replace", action="store_true", help="replace an existing user of that email"
    )
    args = parser.parse_args(argv)
    if sys.stdin.isatty():
        password = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != password:
            print("the passwords differ", file=sys.stderr)  # noqa: T201 - a command's answer
            return 2
    else:
        password = sys.stdin.readline().rstrip("\n")
    settings = ConsoleSettings()
    upgrade(settings.database_url, MIGRATIONS)

    async def run() -> str:
        db = Database(settings.database_url)
        try:
            async with db.session() as session:
                user = await create_user(
                    session,
                    email=args.email,
                    password=password,
                    role=args.role,
                    workspaces=args.workspace,
                    locale=args.locale,
                    replace=args.replace,
                )
                return user.email
        finally:
            await db.dispose()

    try:
        email = asyncio.run(run())
    except ValueError as exc:
        print(f"not created: {exc}", file=sys.stderr)  # noqa: T201 - a command's answer
        return 2
    done = "saved" if args.replace else "created"
    print(f"{done} {email} ({args.role}; {', '.join(args.workspace)})")  # noqa: T201
    return 0


def main(argv: Sequence[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["create-user"]:
        raise SystemExit(_create_user(args[1:]))
    serve.main(
        service="console",
        settings_factory=ConsoleSettings,
        app_factory="banso_console.main:create_app_from_env",
        migrations=MIGRATIONS,
        argv=args,
    )


if __name__ == "__main__":
    main()

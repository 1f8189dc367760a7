"""The console's users: create, find, verify a password, save preferences."""

from __future__ import annotations

import time

import orjson
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from banso_console.adapters.passwords import hash_password, verify_password
from banso_console.domain.forms import MIN_PASSWORD, normalise_email
from banso_console.domain.roles import Viewer, parse_role
from banso_console.models import ConsoleUser


async def create_user(
    session: AsyncSession,
    *,
    email: str,
    password: str,
    role: str,
    workspaces: list[str],
    locale: str | None = None,
    replace: bool = False,
) -> ConsoleUser:
    """A new user; with `replace`, an existing user of that email gets this password, role,
    workspaces and language instead (its sessions stay valid)."""
    address = normalise_email(email)
    if "@" not in address:
        raise ValueError(f"email {email!r} is not an e-mail address")
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"the password must have at least {MIN_PASSWORD} characters")
    spaces = [w.strip() for w in workspaces if w.strip()]
    if not spaces:
        raise ValueError("name at least one workspace the user may see")
    user = await find_by_email(session, email=address)
    if user is not None and not replace:
        raise ValueError(f"a user {address} already exists")
    if user is None:
        user = ConsoleUser(email=address, password_hash="", role="viewer", created_at=time.time())
    user.password_hash = hash_password(password)
    user.role = parse_role(role)
    user.workspaces = orjson.dumps(spaces).decode()
    user.locale = locale
    session.add(user)
    await session.flush()
    return user


async def find_by_email(session: AsyncSession, *, email: str) -> ConsoleUser | None:
    result = await session.exec(
        select(ConsoleUser).where(ConsoleUser.email == normalise_email(email))
    )
    return result.first()


async def authenticate(session: AsyncSession, *, email: str, password: str) -> ConsoleUser | None:
    user = await find_by_email(session, email=email)
    ok = verify_password(None if user is None else user.password_hash, password)
    return user if ok else None


async def get_user(session: AsyncSession, *, user_id: int) -> ConsoleUser | None:
    return await session.get(ConsoleUser, user_id)


async def set_locale(session: AsyncSession, *, user_id: int, locale: str) -> None:
    user = await session.get(ConsoleUser, user_id)
    if user is not None:
        user.locale = locale
        session.add(user)
        await session.flush()


def viewer_of(user: ConsoleUser, locale: str) -> Viewer:
    assert user.id is not None
    return Viewer(
        user_id=user.id,
        email=user.email,
        role=parse_role(user.role),
        workspaces=tuple(orjson.loads(user.workspaces)),
        locale=locale,
    )


async def list_users(session: AsyncSession, *, sharing: tuple[str, ...]) -> list[ConsoleUser]:
    """Users who see at least one of the given workspaces, by email."""
    result = await session.exec(select(ConsoleUser).order_by(ConsoleUser.email))
    wanted = set(sharing)
    return [user for user in result.all() if wanted & set(orjson.loads(user.workspaces))]


def workspaces_of(user: ConsoleUser) -> list[str]:
    spaces: list[str] = orjson.loads(user.workspaces)
    return spaces

"""Roles and what each may do, and which workspaces a user may see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

Role = Literal["viewer", "editor", "admin"]
ROLES: tuple[str, ...] = get_args(Role)
Permission = Literal["read", "edit", "administer"]

# viewer reads; editor also changes accounts (overrides, touches, themes); admin also manages
# scorecards, playbooks, keys and the console's users.
_GRANTS: dict[str, frozenset[str]] = {
    "viewer": frozenset({"read"}),
    "editor": frozenset({"read", "edit"}),
    "admin": frozenset({"read", "edit", "administer"}),
}


@dataclass(frozen=True, slots=True)
class Viewer:
    """The signed-in person, as pages see them."""

    user_id: int
    email: str
    role: Role
    workspaces: tuple[str, ...]
    locale: str

    def can(self, permission: Permission) -> bool:
        return permission in _GRANTS[self.role]

    def may_see(self, workspace_id: str) -> bool:
        return workspace_id in self.workspaces

    @property
    def home_workspace(self) -> str | None:
        return self.workspaces[0] if self.workspaces else None


def parse_role(value: str) -> Role:
    if value not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}; got {value!r}")
    return value  # type: ignore[return-value]

"""What a playbook's templates can use, and the names a template uses that will never be there.

Rendering is lenient (a trait an account does not have renders empty), so a misspelt name would
render blank in every message. Saving a playbook therefore checks each template against the
variables its trigger provides (see :mod:`banso_notify.domain.context`): an unknown top-level
name (``{{ usr.name }}``) or an unknown field of a known object (``{{ user.nmae }}``) is refused.
Free-form values (``user.traits.*``, ``account.traits.*``, a usage event's ``properties``) and
plain values (a name is a string: ``{{ user.name | upper }}``) are not checked further.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields
from difflib import get_close_matches

from jinja2 import meta, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment

from banso_notify.domain.signals import (
    GoalAtRiskSignal,
    HealthSignal,
    InactivitySignal,
    MetricSignal,
    MilestoneOverdueSignal,
    SignalBase,
    TicketResolvedSignal,
    UsageSignal,
)


@dataclass(frozen=True, slots=True)
class ListOf:
    """A list whose items have the given shape (``drivers[0]``)."""

    item: Shape


#: a mapping of known fields, a list, or ``None`` for a plain or free-form value
Shape = Mapping[str, "Shape"] | ListOf | None

_FREE: Shape = None
_PERSON: Shape = dict.fromkeys(
    ("id", "name", "first_name", "last_name", "email", "locale", "traits")
)
_ACCOUNT: Shape = dict.fromkeys(("id", "name", "arr", "seats", "plan", "band", "score", "traits"))
_HEALTH: Shape = dict.fromkeys(("score", "band", "previous_score", "previous_band"))
_TICKET: Shape = dict.fromkeys(("id", "title", "url"))
_METRIC: Shape = dict.fromkeys(("name", "value"))
# Mapping methods a template may call on a known object (``account.get("name")``).
_MAPPING_METHODS = frozenset({"get", "items", "keys", "values"})

SIGNALS: Mapping[str, type[SignalBase]] = {
    "usage_event": UsageSignal,
    "health_changed": HealthSignal,
    "inactivity": InactivitySignal,
    "milestone_overdue": MilestoneOverdueSignal,
    "goal_at_risk": GoalAtRiskSignal,
    "ticket_resolved": TicketResolvedSignal,
    "metric_crossed": MetricSignal,
}
_BY_TRIGGER: Mapping[str, Mapping[str, Shape]] = {
    "health_changed": {"health": _HEALTH},
    "ticket_resolved": {"ticket": _TICKET},
    "metric_crossed": {"metric": _METRIC},
}


def variables_for(trigger_type: str) -> dict[str, Shape]:
    """Every top-level variable a template of a playbook with this trigger can use."""
    signal = SIGNALS.get(trigger_type, SignalBase)
    signal_shape: dict[str, Shape] = {"type": _FREE, **{f.name: _FREE for f in fields(signal)}}
    return {
        "user": _PERSON,
        "account": _ACCOUNT,
        "drivers": ListOf(_FREE),
        "signal": signal_shape,
        "playbook": dict.fromkeys(("id", "name")),
        "product": dict.fromkeys(("name", "url")),
        "unsubscribe_url": _FREE,
        **_BY_TRIGGER.get(trigger_type, {}),
    }


def variable_names(variables: Mapping[str, Shape]) -> list[str]:
    """Dotted names of every known variable and field, for messages (``user.first_name``)."""
    names: list[str] = []

    def walk(prefix: str, shape: Shape) -> None:
        names.append(prefix)
        if isinstance(shape, Mapping):
            for key, inner in shape.items():
                walk(f"{prefix}.{key}", inner)

    for name, shape in variables.items():
        walk(name, shape)
    return names


def unknown_variables(source: str, variables: Mapping[str, Shape]) -> list[str]:
    """Dotted names `source` uses that `variables` does not provide, in order of appearance.

    `source` must be valid Jinja (check syntax first).
    """
    environment = ImmutableSandboxedEnvironment()
    tree = environment.parse(source)
    known_roots = set(variables) | set(environment.globals)
    unknown = dict.fromkeys(
        name
        for name in _in_order(tree, meta.find_undeclared_variables(tree))
        if name not in known_roots
    )
    # Names the template binds itself ({% set %}, loop targets, macro arguments) are its own.
    local = {name.name for name in tree.find_all(nodes.Name) if name.ctx in ("store", "param")}
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        path = _path(node)
        if path and path[0] in variables and path[0] not in local:
            wrong = _first_unknown(path, variables)
            if wrong:
                unknown[wrong] = None
    return list(unknown)


def suggestion(name: str, variables: Mapping[str, Shape]) -> str | None:
    """The known name closest to a misspelt one, if any is close."""
    close = get_close_matches(name, variable_names(variables), n=1, cutoff=0.75)
    return close[0] if close else None


def _in_order(tree: nodes.Template, names: set[str]) -> Iterator[str]:
    seen: set[str] = set()
    for node in tree.find_all(nodes.Name):
        if node.name in names and node.name not in seen:
            seen.add(node.name)
            yield node.name


def _path(node: nodes.Node) -> list[str] | None:
    """``user.traits["plan"]`` → ["user", "traits", "plan"]; an index is ``[]``; None when the
    expression does not start at a plain name or uses a computed key."""
    if isinstance(node, nodes.Name):
        return [node.name]
    if isinstance(node, nodes.Getattr):
        inner = _path(node.node)
        return inner + [node.attr] if inner is not None else None
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
        inner = _path(node.node)
        if inner is None:
            return None
        key = node.arg.value
        return inner + ([key] if isinstance(key, str) else ["[]"])
    return None


def _first_unknown(path: list[str], variables: Mapping[str, Shape]) -> str | None:
    shape: Shape = variables[path[0]]
    for depth, part in enumerate(path[1:], start=1):
        if shape is None:
            return None
        if isinstance(shape, ListOf):
            if part != "[]":
                return ".".join(path[: depth + 1])
            shape = shape.item
        elif part in shape:
            shape = shape[part]
        elif part in _MAPPING_METHODS:
            return None
        else:
            return ".".join(path[: depth + 1])
    return None

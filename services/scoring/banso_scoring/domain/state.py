"""What the consumer keeps in memory of an account, the scorecards in force, recent event ids.

Every account of the partitions a replica owns is held in memory (tens of kilobytes each), so
a round of records is applied without a database read; the round's changes are written back in
one transaction with the offsets. After any failure the memory is dropped and reloaded.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field

from banso_scoring.domain.aggregates import AccountAggregate, ApplyPolicy
from banso_scoring.domain.goals import Goal
from banso_scoring.domain.overrides import Override
from banso_scoring.domain.published import Published
from banso_scoring.domain.scorecard import MilestoneSpec, Scorecard
from banso_scoring.domain.scorecard_yaml import default_scorecard

AccountKey = tuple[str, str]
DEFAULT_VERSION = 1


@dataclass(slots=True)
class AccountEntry:
    aggregate: AccountAggregate
    partition: int
    published: Published | None = None
    recent_scores: list[tuple[float, float]] = field(default_factory=list)
    score: float | None = None
    band: str = "unknown"
    evaluated_at: float | None = None
    goals: tuple[Goal, ...] = ()
    milestones: tuple[MilestoneSpec, ...] = ()
    override: Override | None = None
    stored: bool = False  # a row exists in the database
    # The portfolio's trait columns as the row holds them (None: not known), so a header write
    # sets them only when they change.
    stored_traits: tuple[object, ...] | None = None
    # Hot-path bookkeeping: the schedule's key, and the round and slot it was last seen in.
    schedule_key: str = ""
    round_mark: object = None
    slot_mark: int | None = None

    def __post_init__(self) -> None:
        self.schedule_key = f"{self.aggregate.workspace_id}\x1f{self.aggregate.account_id}"

    @property
    def key(self) -> AccountKey:
        return self.aggregate.workspace_id, self.aggregate.account_id

    def week_ago_score(self, at: float) -> float | None:
        """The last published score at least a week before ``at``."""
        cutoff = at - 7 * 86_400
        before = [score for moment, score in self.recent_scores if moment <= cutoff]
        return before[-1] if before else None

    def remember_score(self, at: float, score: float | None) -> None:
        if score is None:
            return
        self.recent_scores.append((at, score))
        cutoff = at - 8 * 86_400
        # Keep one score from before the cutoff: it is the "week ago" for a while yet.
        older = [item for item in self.recent_scores if item[0] < cutoff]
        recent = [item for item in self.recent_scores if item[0] >= cutoff]
        self.recent_scores = older[-1:] + recent


@dataclass(frozen=True, slots=True)
class WorkspaceScorecard:
    version: int
    scorecard: Scorecard
    policy: ApplyPolicy


class Scorecards:
    """The scorecard in force per workspace; workspaces without one use the shipped default."""

    def __init__(self) -> None:
        default = default_scorecard()
        self.default = WorkspaceScorecard(
            DEFAULT_VERSION, default, ApplyPolicy.from_scorecard(default)
        )
        self.by_workspace: dict[str, WorkspaceScorecard] = {}

    def of(self, workspace_id: str) -> WorkspaceScorecard:
        return self.by_workspace.get(workspace_id, self.default)

    def set(self, workspace_id: str, version: int, scorecard: Scorecard) -> None:
        self.by_workspace[workspace_id] = WorkspaceScorecard(
            version, scorecard, ApplyPolicy.from_scorecard(scorecard)
        )


class RecentIds:
    """Ids of events applied in the last ``keep_s`` seconds, to drop repeats without a query.

    The same ids are in the ``processed_events`` table, written with the offsets; this set is
    rebuilt from it on every partition assignment, so it never lags the database. Ids are kept
    in the chunks they were applied in (a round's worth), and an id is forgotten when the
    chunk it was first applied in expires."""

    def __init__(self, keep_s: float) -> None:
        self.keep_s = keep_s
        # Read directly on the hot path (a set lookup, not a method call).
        self.members: set[str] = set()
        self._order: deque[tuple[float, list[str]]] = deque()

    def __contains__(self, event_id: object) -> bool:
        return event_id in self.members

    def __len__(self) -> int:
        return len(self.members)

    def add(self, event_ids: Iterable[str], at: float) -> None:
        chunk = list(event_ids)
        if chunk:
            self.members.update(chunk)
            self._order.append((at, chunk))

    def expire(self, now: float) -> None:
        cutoff = now - self.keep_s
        while self._order and self._order[0][0] < cutoff:
            _, chunk = self._order.popleft()
            self.members.difference_update(chunk)

    def clear(self) -> None:
        self.members.clear()
        self._order.clear()

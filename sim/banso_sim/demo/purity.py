"""What a product manager would check in the demo's tickets: is each about one problem (purity),
and does each planted problem have exactly one ticket (coverage)?

The simulator knows what every feedback item is about (`LabeledFeedback.item.about`); the bridge
never does. The demo reads the items of each ticketed theme back from the bridge and looks their
text up here: the same scores as `bench/themes.py`, over the items the API returns.
"""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from banso_sim.stream.feedback_plan import LabeledFeedback


def _key(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


@dataclass(frozen=True, slots=True)
class TopicIndex:
    """Text -> what it is about, and the planted problems."""

    topics: Mapping[str, str]
    problems: frozenset[str]

    @classmethod
    def of(cls, feedback: Iterable[LabeledFeedback]) -> TopicIndex:
        seen: dict[str, Counter[str]] = defaultdict(Counter)
        problems: set[str] = set()
        for labeled in feedback:
            if labeled.item.text is not None:
                seen[_key(labeled.item.text)][labeled.item.about] += 1
            if labeled.item.problem:
                problems.add(labeled.item.problem)
        return cls(
            {text: counts.most_common(1)[0][0] for text, counts in seen.items()},
            frozenset(problems),
        )

    def about(self, text: str) -> str | None:
        return self.topics.get(_key(text))


@dataclass(frozen=True, slots=True)
class TicketScores:
    #: ticket key -> (main topic, purity: share of its recognised items about that topic)
    tickets: dict[str, tuple[str, float]] = field(default_factory=dict)
    #: planted problem -> open tickets whose main topic it is
    coverage: dict[str, int] = field(default_factory=dict)

    @property
    def pure(self) -> int:
        return sum(1 for _, purity in self.tickets.values() if purity >= 0.9)

    @property
    def covered_once(self) -> int:
        return sum(1 for count in self.coverage.values() if count == 1)


def score_tickets(items: Mapping[str, Sequence[str]], index: TopicIndex) -> TicketScores:
    """`items`: ticket key -> texts of its theme's items (redacted texts the index does not
    know are left out)."""
    tickets: dict[str, tuple[str, float]] = {}
    for key, texts in items.items():
        topics = Counter(t for t in (index.about(text) for text in texts) if t is not None)
        if topics:
            main, count = topics.most_common(1)[0]
            tickets[key] = (main, count / sum(topics.values()))
    mains = Counter(main for main, _ in tickets.values())
    coverage = {problem: mains.get(problem, 0) for problem in sorted(index.problems)}
    return TicketScores(tickets, coverage)

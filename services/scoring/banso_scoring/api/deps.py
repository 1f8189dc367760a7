"""Dependencies of the scoring routes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request

from banso_kit.clock import Clock
from banso_scoring.config import ScoringSettings
from banso_scoring.domain.scorecard import Scorecard


@dataclass
class ScoringContext:
    """What routes need beyond the kit's runtime: settings, a clock, parsed scorecards."""

    settings: ScoringSettings
    clock: Clock
    group_id: str
    scorecards: dict[tuple[str, int], Scorecard] = field(default_factory=dict)


async def get_context(request: Request) -> ScoringContext:
    context: ScoringContext = request.state.scoring
    return context


ContextDep = Annotated[ScoringContext, Depends(get_context)]

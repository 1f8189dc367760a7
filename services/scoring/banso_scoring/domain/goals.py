"""Goals: KPIs agreed with a customer, set per account through the API."""

from __future__ import annotations

from datetime import timedelta
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from banso_scoring.domain.measure_specs import Duration


class Goal(BaseModel):
    """An event count, or the sum of a numeric event property, over a window, against a target."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=100)
    metric: Literal["event_count", "property_sum"]
    event: str = Field(min_length=1, max_length=200)
    property: str | None = Field(default=None, min_length=1, max_length=200)
    window: Duration = timedelta(days=30)
    target: float = Field(gt=0)

    @model_validator(mode="after")
    def _property_for_sums(self) -> Self:
        if self.metric == "property_sum" and self.property is None:
            raise ValueError("property: a property_sum goal names the property to add up")
        if self.metric == "event_count" and self.property is not None:
            raise ValueError("property: only property_sum goals take a property")
        return self

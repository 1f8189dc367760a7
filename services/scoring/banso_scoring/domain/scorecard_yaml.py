"""Reading scorecards from YAML, and the default one shipped with the package."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

import yaml
from pydantic import ValidationError

from banso_kit.yaml_locations import compose, line_of
from banso_scoring.domain.scorecard import Scorecard
from banso_scoring.domain.validation_messages import problems_of

MAX_SCORECARD_BYTES = 256 * 1024


@dataclass(frozen=True, slots=True)
class ScorecardProblem:
    """One thing wrong with a scorecard: the field (``measures[2].window``; None for the YAML
    itself), the 1-based line of the YAML it is on (None when unknown), and what is wrong."""

    field: str | None
    line: int | None
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class ScorecardInvalid(ValueError):
    """A scorecard that cannot be used; ``problems`` name each bad field (``located`` also
    says on which line of the YAML)."""

    def __init__(self, problems: list[str] | list[ScorecardProblem]) -> None:
        self.located = [
            p if isinstance(p, ScorecardProblem) else ScorecardProblem(None, None, p)
            for p in problems
        ]
        self.problems = [str(p) for p in self.located]
        super().__init__("; ".join(self.problems))


def parse_scorecard(text: str) -> Scorecard:
    """Validate a YAML scorecard, or raise ScorecardInvalid naming every bad field."""
    if len(text.encode()) > MAX_SCORECARD_BYTES:
        raise ScorecardInvalid([f"scorecard is larger than {MAX_SCORECARD_BYTES} bytes"])
    try:
        document = yaml.safe_load(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        line = mark.line + 1 if mark else None
        problem = ScorecardProblem(None, line, f"{where}{error.problem or 'invalid YAML'}")
        raise ScorecardInvalid([problem]) from error
    except yaml.YAMLError as error:
        raise ScorecardInvalid([f"invalid YAML: {error}"]) from error
    if not isinstance(document, dict):
        raise ScorecardInvalid(
            [ScorecardProblem(None, 1, "scorecard must be a YAML mapping of fields")]
        )
    try:
        return Scorecard.model_validate(document)
    except ValidationError as error:
        root = compose(text)
        raise ScorecardInvalid(
            [
                ScorecardProblem(path or None, line_of(root, loc), message)
                for path, loc, message in problems_of(error)
            ]
        ) from error


def default_scorecard_text() -> str:
    """The YAML of the scorecard every new workspace starts with."""
    return resources.files("banso_scoring.scorecards").joinpath("default.yaml").read_text("utf-8")


def default_scorecard() -> Scorecard:
    return parse_scorecard(default_scorecard_text())

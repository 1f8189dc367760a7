"""Reading scorecards from YAML, and the default one shipped with the package."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from importlib import resources

import yaml
from pydantic import ValidationError

from banso_kit.problem_codes import Params
from banso_kit.yaml_locations import compose, line_of
from banso_scoring.domain.scorecard import Scorecard
from banso_scoring.domain.validation_messages import problems_of

MAX_SCORECARD_BYTES = 256 * 1024


@dataclass(frozen=True, slots=True)
class ScorecardProblem:
    """One thing wrong with a scorecard: the field (``measures[2].window``; None for the YAML
    itself), the 1-based line of the YAML it is on (None when unknown), and what is wrong: in
    English, and as a stable code with its parameters (``greater_than_equal``, ``{"ge": 0}``)."""

    field: str | None
    line: int | None
    message: str
    code: str | None = None
    params: Params = dataclass_field(default_factory=dict)

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
        message = f"scorecard is larger than {MAX_SCORECARD_BYTES} bytes"
        limit: Params = {"limit": MAX_SCORECARD_BYTES}
        raise ScorecardInvalid([ScorecardProblem(None, None, message, "too_large", limit)])
    try:
        document = yaml.safe_load(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        line = mark.line + 1 if mark else None
        at: Params = {"line": mark.line + 1, "column": mark.column + 1} if mark else {}
        problem = ScorecardProblem(
            None, line, f"{where}{error.problem or 'invalid YAML'}", "yaml_syntax", at
        )
        raise ScorecardInvalid([problem]) from error
    except yaml.YAMLError as error:
        raise ScorecardInvalid([f"invalid YAML: {error}"]) from error
    if not isinstance(document, dict):
        raise ScorecardInvalid(
            [ScorecardProblem(None, 1, "scorecard must be a YAML mapping of fields", "not_mapping")]
        )
    try:
        return Scorecard.model_validate(document)
    except ValidationError as error:
        root = compose(text)
        raise ScorecardInvalid(
            [
                ScorecardProblem(
                    found.path or None,
                    line_of(root, found.loc),
                    found.message,
                    found.code,
                    found.params,
                )
                for found in problems_of(error)
            ]
        ) from error


def default_scorecard_text() -> str:
    """The YAML of the scorecard every new workspace starts with."""
    return resources.files("banso_scoring.scorecards").joinpath("default.yaml").read_text("utf-8")


def default_scorecard() -> Scorecard:
    return parse_scorecard(default_scorecard_text())

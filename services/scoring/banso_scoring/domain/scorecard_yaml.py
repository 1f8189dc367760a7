"""Reading scorecards from YAML, and the default one shipped with the package."""

from __future__ import annotations

from importlib import resources

import yaml
from pydantic import ValidationError

from banso_scoring.domain.scorecard import Scorecard
from banso_scoring.domain.validation_messages import describe

MAX_SCORECARD_BYTES = 256 * 1024


class ScorecardInvalid(ValueError):
    """A scorecard that cannot be used; ``problems`` name each bad field."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def parse_scorecard(text: str) -> Scorecard:
    """Validate a YAML scorecard, or raise ScorecardInvalid naming every bad field."""
    if len(text.encode()) > MAX_SCORECARD_BYTES:
        raise ScorecardInvalid([f"scorecard is larger than {MAX_SCORECARD_BYTES} bytes"])
    try:
        document = yaml.safe_load(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise ScorecardInvalid([f"{where}{error.problem or 'invalid YAML'}"]) from error
    except yaml.YAMLError as error:
        raise ScorecardInvalid([f"invalid YAML: {error}"]) from error
    if not isinstance(document, dict):
        raise ScorecardInvalid(["scorecard must be a YAML mapping of fields"])
    try:
        return Scorecard.model_validate(document)
    except ValidationError as error:
        raise ScorecardInvalid(describe(error)) from error


def default_scorecard_text() -> str:
    """The YAML of the scorecard every new workspace starts with."""
    return resources.files("banso_scoring.scorecards").joinpath("default.yaml").read_text("utf-8")


def default_scorecard() -> Scorecard:
    return parse_scorecard(default_scorecard_text())

"""A service's validation problem in the reader's language, from its stable code and parameters
(pydantic's error types, and the services' own codes for what pydantic does not check). A code
the console does not know, or one missing a parameter its wording needs, is left to the
service's own (English) message."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from banso_console.api.wording import N_

Params = Mapping[str, str | int | float | bool]

PROBLEM_MESSAGES = {
    "missing": N_("required, but missing"),
    "extra_forbidden": N_("unknown field"),
    "union_tag_invalid": N_("unknown %(discriminator)s %(tag)s; expected one of %(expected_tags)s"),
    "union_tag_not_found": N_("needs a %(discriminator)s"),
    "literal_error": N_("must be one of %(expected)s"),
    "enum": N_("must be one of %(expected)s"),
    "greater_than_equal": N_("must be %(ge)s or more"),
    "greater_than": N_("must be more than %(gt)s"),
    "less_than_equal": N_("must be %(le)s or less"),
    "less_than": N_("must be less than %(lt)s"),
    "int_parsing": N_("must be a whole number"),
    "int_type": N_("must be a whole number"),
    "int_from_float": N_("must be a whole number"),
    "float_parsing": N_("must be a number"),
    "float_type": N_("must be a number"),
    "bool_parsing": N_("must be true or false"),
    "bool_type": N_("must be true or false"),
    "string_type": N_("must be text"),
    "string_too_short": N_("must be at least %(min_length)s characters long"),
    "string_too_long": N_("must be at most %(max_length)s characters long"),
    "string_pattern_mismatch": N_("must match the pattern %(pattern)s"),
    "too_short": N_("must have at least %(min_length)s entries"),
    "too_long": N_("must have at most %(max_length)s entries"),
    "list_type": N_("must be a list"),
    "dict_type": N_("must be a mapping of fields"),
    "model_type": N_("must be a mapping of fields"),
    "model_attributes_type": N_("must be a mapping of fields"),
    "not_mapping": N_("the document must be a YAML mapping of fields"),
    "yaml_syntax": N_("this is not valid YAML (column %(column)s): check the indentation"),
    "too_large": N_("the document is larger than %(limit)s bytes"),
    "unsupported_locale": N_(
        "'%(locale)s' is not a language Bansō speaks: give the text in %(supported)s, "
        "or as one string"
    ),
    "unknown_variable": N_(
        "unknown variable '%(variable)s' in template '%(template)s', locale '%(locale)s'"
    ),
    # notify's preview and test send
    "template_failed": N_(
        "template '%(template)s' does not render in %(locale)s: %(error)s (%(reason)s)"
    ),
    "wait_step": N_("step %(step)s is a wait; the steps that send are %(send_steps)s"),
    "step_out_of_range": N_(
        "there is no step %(step)s (the playbook has %(steps)s); "
        "the steps that send are %(send_steps)s"
    ),
    "no_step_with_template": N_(
        "no step sends template '%(template)s'; the steps that send are %(send_steps)s"
    ),
}

SEPARATOR = N_("; ")
DID_YOU_MEAN = N_("did you mean '%(suggestion)s'?")
AVAILABLE = N_("a %(trigger)s playbook's templates can use %(available)s")


def problem_message(gettext: Callable[[str], str], code: str | None, params: Params) -> str | None:
    """The problem in the catalogue's language; None when the console cannot word it."""
    wording = PROBLEM_MESSAGES.get(code or "")
    if wording is None:
        return None
    try:
        parts = [gettext(wording) % params]
        if code == "unknown_variable":
            if "suggestion" in params:
                parts.append(gettext(DID_YOU_MEAN) % params)
            parts.append(gettext(AVAILABLE) % params)
    except (KeyError, TypeError, ValueError):
        return None
    return gettext(SEPARATOR).join(parts)

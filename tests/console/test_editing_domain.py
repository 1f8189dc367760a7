"""The editing screens' decisions: a YAML draft's problems on their lines, the send policy form."""

from __future__ import annotations

from banso_console.api.problem_wording import problem_message
from banso_console.api.rendering import Renderer, load_translations
from banso_console.domain import send_policy, yaml_editing
from banso_console.domain.roles import Viewer

POLICY = {
    "caps": {"user_daily": {"scope": "user", "max": 3, "per": "1d", "channel": None}},
    "delivery_hours": {
        "send_window": {"start": "09:00:00", "end": "20:00:00", "days": ["mon", "tue"]},
        "quiet_hours": None,
    },
    "csm_daily_budget": 5,
    "csm_review_times": ["09:00:00", "13:00:00"],
    "webhook_secret": "whsec_kept",
}


def test_a_textarea_draft_is_sent_with_plain_line_breaks_and_checked() -> None:
    assert yaml_editing.normalise("a: 1\r\nb: 2\r") == "a: 1\nb: 2\n"
    assert yaml_editing.check_draft("  \n") == "required"
    assert yaml_editing.check_draft("a" * (yaml_editing.MAX_YAML_BYTES + 1)) == "too_long"
    assert yaml_editing.check_draft("a: 1") is None


def test_scorings_and_notifys_refusals_are_problems_on_lines() -> None:
    text = "name: x\nbogus: 1\n"
    scoring = {"detail": {"located": [{"field": "bogus", "line": 2, "message": "unknown field"}]}}
    assert yaml_editing.located_problems(scoring, text) == [
        yaml_editing.YamlProblem("bogus", 2, "bogus: 1", "unknown field")
    ]
    notify = {"detail": {"errors": [{"field": "(yaml)", "line": 9, "message": "bad"}]}}
    assert yaml_editing.located_problems(notify, text) == [
        yaml_editing.YamlProblem(None, 9, None, "bad")
    ]
    plain = {"detail": {"problems": ["scorecard must be a mapping"]}}
    assert yaml_editing.located_problems(plain, text)[0].message == "scorecard must be a mapping"
    coded = {
        "detail": {
            "located": [
                {
                    "field": "top_drivers",
                    "line": 1,
                    "message": "Input should be greater than or equal to 1",
                    "code": "greater_than_equal",
                    "params": {"ge": 1, "nested": {"dropped": True}},
                }
            ]
        }
    }
    [problem] = yaml_editing.located_problems(coded, text)
    assert (problem.code, problem.params) == ("greater_than_equal", {"ge": 1})
    assert yaml_editing.page_offset("30", page=25) == 25
    assert yaml_editing.page_offset("-1", page=25) == 0


def test_the_send_policy_form_names_each_bad_field() -> None:
    form = send_policy.form_of(POLICY)
    assert (form.window_start, form.csm_review_times) == ("09:00", "09:00, 13:00")
    form.caps["user_daily"] = {"max": "lots", "per": "2 days"}
    form.window_days = []
    form.quiet_start = "22:00"
    form.csm_daily_budget = "1001"
    form.csm_review_times = "9am"
    checked = send_policy.check_policy(form, POLICY)
    assert checked.problems == {
        "cap-user_daily-max": "not_count",
        "cap-user_daily-per": "not_duration",
        "window_days": "no_days",
        "quiet_end": "quiet_pair",
        "csm_daily_budget": "not_count",
        "csm_review_times": "not_times",
    }
    assert checked.policy == {}


def test_a_good_send_policy_form_changes_its_fields_and_keeps_the_rest() -> None:
    posted = {
        "cap-user_daily-max": "4",
        "cap-user_daily-per": "12h",
        "window_start": "08:00",
        "window_end": "18:00",
        "quiet_start": "12:00",
        "quiet_end": "13:00",
        "csm_daily_budget": "8",
        "csm_review_times": "09:00, 15:30",
    }
    form = send_policy.form_from_post(posted, ["tue", "mon", "xyz"], ["user_daily"])
    checked = send_policy.check_policy(form, POLICY)
    assert checked.problems == {}
    policy = checked.policy
    assert policy["caps"]["user_daily"] == {
        "scope": "user",
        "max": 4,
        "per": "12h",
        "channel": None,
    }
    assert policy["delivery_hours"]["send_window"]["days"] == ["mon", "tue"]
    assert policy["delivery_hours"]["quiet_hours"] == {"start": "12:00", "end": "13:00"}
    assert (policy["csm_daily_budget"], policy["csm_review_times"]) == (8, ["09:00", "15:30"])
    assert policy["webhook_secret"] == "whsec_kept"


def test_notifys_refusal_lands_on_the_forms_fields() -> None:
    refusal = {
        "detail": [
            {"field": "caps.user_daily.per", "message": "bad"},
            {"field": "delivery_hours.quiet_hours.end", "message": "bad"},
            {"field": "holdout_salt", "message": "bad"},
        ]
    }
    assert send_policy.refused_fields(refusal) == {
        "cap-user_daily-per": "refused",
        "quiet_end": "refused",
        "policy": "refused",
    }


def test_notifys_reasons_are_kept_by_field_with_their_codes() -> None:
    refusal = {
        "detail": [
            {
                "field": "csm_daily_budget",
                "message": "Input should be less than or equal to 1000",
                "code": "less_than_equal",
                "params": {"le": 1000},
            },
            {"field": "holdout_salt", "message": "bad"},
        ]
    }
    assert send_policy.refusal_reasons(refusal) == {
        "csm_daily_budget": send_policy.Refusal(
            "Input should be less than or equal to 1000", "less_than_equal", {"le": 1000}
        ),
        "policy": send_policy.Refusal("bad"),
    }


def test_a_coded_problem_is_worded_in_the_readers_language_else_left_to_the_service() -> None:
    japanese = load_translations("ja").gettext
    english = load_translations("en").gettext
    assert problem_message(japanese, "greater_than_equal", {"ge": 1}) == "1 以上にしてください"
    assert problem_message(english, "greater_than_equal", {"ge": 1}) == "must be 1 or more"
    assert problem_message(japanese, "extra_forbidden", {}) == "この文書にない項目です"
    misspelt = {
        "variable": "product.nmae",
        "template": "guide",
        "locale": "en",
        "trigger": "usage_event",
        "available": "user, product",
        "suggestion": "product.name",
    }
    worded = problem_message(japanese, "unknown_variable", misspelt)
    assert worded is not None
    assert "「product.nmae」" in worded
    assert "「product.name」の誤りではありませんか？" in worded
    # A code the console does not know, or a parameter missing: the service's text is shown.
    assert problem_message(japanese, "value_error", {}) is None
    assert problem_message(japanese, "greater_than_equal", {}) is None
    assert problem_message(japanese, None, {}) is None


def test_a_name_in_a_language_notify_does_not_speak_is_worded_in_both_languages() -> None:
    unsupported = {"locale": "fr", "supported": "en, ja"}
    assert problem_message(load_translations("en").gettext, "unsupported_locale", unsupported) == (
        "'fr' is not a language Bansō speaks: give the text in en, ja, or as one string"
    )
    assert problem_message(load_translations("ja").gettext, "unsupported_locale", unsupported) == (
        "「fr」は Bansō が対応していない言語です。en, ja で書くか、1つの文字列で書いてください"
    )


def test_notifys_preview_refusals_are_worded_in_both_languages() -> None:
    japanese = load_translations("ja").gettext
    english = load_translations("en").gettext
    failed = {"template": "tip", "locale": "ja", "error": "ZeroDivisionError", "reason": "x"}
    assert problem_message(english, "template_failed", failed) == (
        "template 'tip' does not render in ja: ZeroDivisionError (x)"
    )
    assert problem_message(japanese, "template_failed", failed) == (
        "テンプレート「tip」を ja で表示できません：ZeroDivisionError（x）"
    )
    sends = "steps.0, steps.2"
    assert problem_message(japanese, "wait_step", {"step": 1, "send_steps": sends}) == (
        "ステップ 1 は待機です。送信するステップは steps.0, steps.2 です"
    )
    out_of_range: dict[str, str | int] = {"step": 7, "steps": 3, "send_steps": sends}
    assert problem_message(english, "step_out_of_range", out_of_range) == (
        "there is no step 7 (the playbook has 3); the steps that send are steps.0, steps.2"
    )
    assert problem_message(
        japanese, "no_step_with_template", {"template": "x", "send_steps": sends}
    )
    # Without the values its wording needs, the service's own message is shown.
    assert problem_message(japanese, "template_failed", {"template": "tip"}) is None


def test_the_send_policy_form_words_notifys_reason_in_the_readers_language() -> None:
    refusal = {
        "detail": [
            {
                "field": "csm_daily_budget",
                "message": "Input should be less than or equal to 1000",
                "code": "less_than_equal",
                "params": {"le": 1000},
            },
            {"field": "holdout_salt", "message": "salt is too short"},
        ]
    }
    viewer = Viewer(1, "aiko@vendor.example", "admin", ("ws_a",), "ja")
    page = Renderer(currency="JPY").render(
        "ja",
        "send_policy.html",
        {
            "viewer": viewer,
            "csrf_token": "t",
            "request_path": "/w/ws_a/send-policy",
            "workspace_id": "ws_a",
            "policy": {**POLICY, "caps": {}},
            "form": send_policy.form_of({**POLICY, "caps": {}}),
            "weekdays": send_policy.WEEKDAYS,
            "problems": send_policy.refused_fields(refusal),
            "refusals": send_policy.refusal_reasons(refusal),
            "saved": False,
        },
        status_code=422,
    )
    text = " ".join(bytes(page.body).decode().split())
    # The field's reason from its code, in Japanese; a reason without a code, as notify put it.
    assert "notify がこの値を受け付けませんでした。 (1000 以下にしてください)" in text
    assert '<span lang="en">salt is too short</span>' in text

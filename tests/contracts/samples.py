"""One realistic, fully populated instance of every event type, for the contract tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from banso_contracts.events import (
    AccountTraitsUpdated,
    DeadLettered,
    Driver,
    Event,
    FeedbackReceived,
    HealthChanged,
    MeasureResult,
    NudgeConverted,
    NudgeFailed,
    NudgeSent,
    NudgeSuppressed,
    Override,
    Recipient,
    Reporter,
    Signal,
    ThemeCreated,
    ThemeUpdated,
    TicketCreated,
    TicketResolved,
    TicketUpdated,
    TokenRevoked,
    UsageRecorded,
    UserAliased,
    UserIdentified,
)

T0 = datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=UTC)
WS = "ws_acme"


def _nudge_common() -> dict[str, object]:
    return {
        "workspace_id": WS,
        "nudge_id": "ndg_1",
        "idempotency_key": "pb_1:step_1:user_1:evt_1",
        "playbook_id": "pb_1",
        "playbook_version": 3,
        "account_id": "acc_1",
        "recipient": Recipient(kind="user", user_id="user_1", address="ana@example.com"),
        "channel": "email",
        "trigger_event_id": "evt_1",
        "variant": "treatment",
        "occurred_at": T0,
    }


def _theme_common() -> dict[str, object]:
    return {
        "workspace_id": WS,
        "theme_id": "thm_1",
        "title": "CSV export times out",
        "keywords": ["csv", "export", "timeout"],
        "item_count": 12,
        "accounts_affected": 5,
        "arr_affected": 250_000.0,
        "status": "open",
        "occurred_at": T0,
    }


def samples() -> list[Event]:
    """Every event type once, with every optional field set where it has one."""
    measure = MeasureResult(
        key="wau", label="Weekly active users", value=42.0, score=70.0, weight=0.4, contribution=28
    )
    return [
        UsageRecorded(
            workspace_id=WS,
            source_id="src_web",
            account_id="acc_1",
            user_id="user_1",
            anonymous_id="anon_1",
            kind="track",
            event="Report Exported",
            properties={"format": "csv", "rows": 1200, "nested": {"ok": True}},
            context={"locale": "ja-JP", "library": {"name": "analytics.js"}},
            message_id="msg_1",
            timestamp=T0,
            original_timestamp=T0 - timedelta(seconds=3),
            sent_at=T0 - timedelta(seconds=1),
            received_at=T0 + timedelta(seconds=1),
        ),
        UserIdentified(
            workspace_id=WS,
            source_id="src_web",
            user_id="user_1",
            anonymous_id="anon_1",
            account_id="acc_1",
            traits={"email": "ana@example.com", "name": "Ana", "timezone": "Asia/Tokyo"},
            message_id="msg_2",
            timestamp=T0,
            received_at=T0,
        ),
        UserAliased(
            workspace_id=WS,
            source_id="src_web",
            user_id="user_1",
            previous_id="anon_1",
            message_id="msg_3",
            timestamp=T0,
            received_at=T0,
        ),
        AccountTraitsUpdated(
            workspace_id=WS,
            source_id="src_web",
            account_id="acc_1",
            user_id="user_1",
            traits={"name": "Acme", "plan": "pro", "seats": 50, "arr": 120000, "timezone": "UTC"},
            message_id="msg_4",
            timestamp=T0,
            received_at=T0,
        ),
        FeedbackReceived(
            workspace_id=WS,
            source_id="src_zendesk",
            feedback_id="fb_1",
            account_id="acc_1",
            user_id="user_1",
            kind="nps_comment",
            text="エクスポートが遅い — export is slow",
            score=6.0,
            language="ja",
            external_id="ZD-991",
            url="https://acme.zendesk.example/tickets/991",
            timestamp=T0,
            received_at=T0,
        ),
        HealthChanged(
            workspace_id=WS,
            account_id="acc_1",
            score=61.5,
            band="yellow",
            previous_score=74.0,
            previous_band="green",
            trend=-12.5,
            measures=[
                measure,
                MeasureResult(
                    key="nps", label="NPS", value=None, score=None, weight=0.2, contribution=0
                ),
            ],
            drivers=[
                Driver(measure="wau", direction="down", impact=-9.0, text="Active users fell 30%")
            ],
            signals=[Signal(kind="risk", code="renewal_soon_low_usage", text="Renewal in 45 days")],
            reason="events",
            scorecard_version=2,
            computed_at=T0,
            override=Override(
                score=None,
                band="yellow",
                reason="Champion left",
                expires_at=T0 + timedelta(days=14),
                set_by="csm@example.com",
            ),
        ),
        ThemeCreated(**_theme_common()),
        ThemeUpdated(
            **_theme_common() | {"status": "merged", "merged_into": "thm_0"}, changed=["status"]
        ),
        TicketCreated(
            workspace_id=WS,
            ticket_id="tkt_1",
            theme_id="thm_1",
            sink="jira",
            external_key="PROD-123",
            url="https://acme.atlassian.example/browse/PROD-123",
            title="CSV export times out (5 accounts, $250k ARR)",
            accounts_affected=5,
            arr_affected=250_000.0,
            occurred_at=T0,
        ),
        TicketUpdated(
            workspace_id=WS,
            ticket_id="tkt_1",
            theme_id="thm_1",
            sink="github",
            external_key="#42",
            url=None,
            title="CSV export times out",
            status="In Progress",
            accounts_affected=6,
            arr_affected=260_000.0,
            occurred_at=T0,
        ),
        TicketResolved(
            workspace_id=WS,
            ticket_id="tkt_1",
            theme_id="thm_1",
            sink="linear",
            external_key="ENG-7",
            resolution="Fixed",
            resolved_at=T0,
            account_ids=["acc_1", "acc_2"],
            reporters=[Reporter(user_id="user_1", account_id="acc_1")],
        ),
        NudgeSent(**_nudge_common(), provider_message_id="ses-123"),
        NudgeSuppressed(**_nudge_common(), reason="cap_user", detail="3 per week"),
        NudgeFailed(**_nudge_common(), error="SMTP 451", attempts=3, dead_lettered=True),
        NudgeConverted(
            **_nudge_common(),
            goal_event="Report Exported",
            goal_event_id="evt_9",
            window_seconds=7 * 86400,
        ),
        DeadLettered(
            workspace_id=WS,
            service="scoring",
            origin_topic="banso.usage.v1",
            origin_partition=2,
            origin_offset=1041,
            origin_key="ws_acme:acc_1",
            origin_headers={"ce_type": "banso.usage.recorded.v1"},
            payload='{"broken": ',
            payload_encoding="utf-8",
            error_type="ContractError",
            error="invalid JSON: EOF while parsing",
            attempts=1,
            failed_at=T0,
        ),
        TokenRevoked(
            workspace_id=WS,
            token_id="9f2c4be1d0a84f51b7e3c6a2d5f80e17",
            revoked_at=T0,
            expires_at=T0 + timedelta(days=365),
            reason="revoked",
        ),
    ]

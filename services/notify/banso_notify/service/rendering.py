"""Turn a planned nudge into the message its channel delivers."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from banso_notify.adapters.channels.base import OutgoingMessage
from banso_notify.domain.errors import TemplateMissing
from banso_notify.domain.idempotency import message_id
from banso_notify.domain.playbook import Playbook
from banso_notify.domain.policy import WorkspacePolicy
from banso_notify.domain.reroute import REROUTE_TEMPLATE, reroute_templates
from banso_notify.domain.templates import LocalizedTemplate, RenderedMessage, TemplateRenderer
from banso_notify.domain.unsubscribe import make_unsubscribe_token
from banso_notify.models import Nudge


class MessageBuilder:
    def __init__(self, *, secret: str, public_url: str, message_id_domain: str) -> None:
        self._secret = secret
        self._public_url = public_url.rstrip("/")
        self._domain = message_id_domain
        self._renderers: dict[str, TemplateRenderer] = {}

    def unsubscribe_url(self, workspace_id: str, user_id: str) -> str:
        token = make_unsubscribe_token(
            secret=self._secret, workspace_id=workspace_id, user_id=user_id
        )
        return f"{self._public_url}/v1/unsubscribe?token={quote(token)}"

    def render(
        self,
        playbook: Playbook,
        policy: WorkspacePolicy,
        *,
        template: str,
        locale: str,
        context: dict[str, Any],
        unsubscribe_url: str | None,
    ) -> RenderedMessage:
        """One of the playbook's templates in `locale` (or its fallback) for `context`."""
        renderer = self._renderers.setdefault(
            policy.product_name, TemplateRenderer(product_name=policy.product_name)
        )
        values: dict[str, Any] = {
            **context,
            "playbook": {"id": playbook.id, "name": playbook.name_in(locale)},
            "product": {"name": policy.product_name, "url": policy.product_url or ""},
        }
        return renderer.render(
            _template(playbook, template, locale),
            values,
            locale=locale,
            unsubscribe_url=unsubscribe_url,
        )

    def inert_unsubscribe_url(self) -> str:
        """The unsubscribe page with a token that unsubscribes nobody (previews, test sends)."""
        return f"{self._public_url}/v1/unsubscribe?token=test"

    def build(self, nudge: Nudge, playbook: Playbook, policy: WorkspacePolicy) -> OutgoingMessage:
        customer_email = nudge.recipient_kind == "user" and nudge.channel == "email"
        unsubscribe = (
            self.unsubscribe_url(nudge.workspace_id, nudge.recipient_id) if customer_email else None
        )
        rendered = self.render(
            playbook,
            policy,
            template=nudge.template or "",
            locale=nudge.locale or playbook.default_locale,
            context=nudge.context,
            unsubscribe_url=unsubscribe,
        )
        key = nudge.idempotency_key
        return OutgoingMessage(
            idempotency_key=key,
            message_id=message_id(key, domain=self._domain),
            address=nudge.address or "",
            subject=rendered.subject,
            text=rendered.text,
            html=rendered.html,
            unsubscribe_url=unsubscribe,
            payload=_payload(nudge, rendered),
            signing_secret=policy.webhook_secret,
            # counted_at is in event time (a trigger an hour old is decided as of then); the
            # message's Date is never before notify planned it. Both are stable across resends.
            decided_at=max(nudge.counted_at or nudge.created_at, nudge.created_at),
        )


def template_locale(playbook: Playbook, name: str, locale: str) -> str:
    """The locale of `name` a message in `locale` is rendered from (its fallback when missing)."""
    locales = reroute_templates() if name == REROUTE_TEMPLATE else playbook.templates.get(name)
    if not locales:
        raise TemplateMissing(f"playbook {playbook.id} has no template {name!r}")
    for candidate in (locale, playbook.default_locale):
        if candidate in locales:
            return candidate
    return next(iter(locales))


def _template(playbook: Playbook, name: str, locale: str) -> LocalizedTemplate:
    locales = reroute_templates() if name == REROUTE_TEMPLATE else playbook.templates[name]
    return locales[template_locale(playbook, name, locale)]


def _payload(nudge: Nudge, rendered: RenderedMessage) -> dict[str, Any]:
    """What a generic webhook receiver gets: enough to deliver or log the nudge itself."""
    return {
        "type": "banso.nudge",
        "nudge_id": nudge.id,
        "idempotency_key": nudge.idempotency_key,
        "workspace_id": nudge.workspace_id,
        "playbook": {"id": nudge.playbook_id, "version": nudge.playbook_version},
        "account_id": nudge.account_id,
        "recipient": {"kind": nudge.recipient_kind, "id": nudge.recipient_id},
        "locale": nudge.locale,
        "message": {"subject": rendered.subject, "text": rendered.text, "html": rendered.html},
        "trigger_event_id": nudge.trigger_event_id,
    }

"""Settings of the bridge service (environment prefix `BRIDGE_`)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import SettingsConfigDict

from banso_kit.production import require_remote_url
from banso_kit.settings import ServiceSettings, is_placeholder_secret, is_placeholder_value
from banso_kit.standard_webhooks import parse_secrets

SinkName = Literal["jira", "github", "linear", "webhook"]

# Per sink: the setting holding the URL it calls, and the credentials it cannot work without.
SINK_URL: dict[str, str] = {
    "jira": "jira_base_url",
    "github": "github_api_url",
    "linear": "linear_api_url",
    "webhook": "webhook_url",
}
SINK_CREDENTIALS: dict[str, tuple[str, ...]] = {
    "jira": ("jira_email", "jira_api_token", "jira_project_key"),
    "github": ("github_repo", "github_token"),
    "linear": ("linear_api_key", "linear_team_id"),
    "webhook": ("webhook_secret",),
}
_ISSUED_SECRETS = ("jira_api_token", "github_token", "linear_api_key")


class BridgeSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="BRIDGE_", extra="ignore", populate_by_name=True)

    service_name: str = "bridge"
    port: int = 8003
    # Kafka consumer group (behind BANSO_TOPIC_PREFIX, like the topics).
    group_id: str = "bridge"
    # Base URL of this service as product managers reach it; tickets link to their theme there
    # (in production a URL other machines reach, never localhost).
    public_url: str = "http://127.0.0.1:8003"

    # -- clustering ---------------------------------------------------------------------------
    # Seed of the representation fit (the clustering is deterministic for a seed and an order).
    seed: int = 0
    # Seconds without new feedback after which a workspace's themes are consolidated once more
    # (the stream consolidates every few hundred items on its own).
    idle_consolidation_s: float = Field(default=300.0, gt=0)

    # -- tickets ------------------------------------------------------------------------------
    # Where tickets go; none = themes are only listed in the API.
    sink: SinkName | None = None
    # A theme gets a ticket when it reaches this many distinct accounts ...
    ticket_min_accounts: int = Field(default=3, ge=1)
    # ... or this much ARR affected (in the account traits' currency); 0 = ARR alone never does.
    ticket_min_arr: float = Field(default=0.0, ge=0)
    # ... provided more than this share of its items report a problem (support tickets, feature
    # requests, churn reasons without a mere business cause, NPS comments scored 0-6, and CSM
    # notes or NPS comments whose words tell of trouble or a wish: domain/tickets/policy.py):
    # praise and routine CSM notes form themes too, and get no ticket. 0 files tickets for every
    # theme. (bench/themes.py: "more than 0.5" files no ticket about check-ins or churn on the
    # five seeds, in both modes, and loses no planted problem.)
    ticket_min_problem_share: float = Field(default=0.5, ge=0, le=1)
    # A theme about to get its own ticket is merged instead (reason `shared_accounts`) into a
    # ticketed theme whose accounts overlap its own by at least this share (Jaccard: accounts in
    # both over accounts in either); 0 = never. The same problem told in other words or in
    # another language comes from the same accounts (bench/themes.py). Below twice this share
    # the overlap is thin evidence: the two themes' words must not be foreign to each other
    # either (domain/tickets/decision.py).
    ticket_link_min_account_overlap: float = Field(default=0.2, ge=0, le=1)
    # ... or (reason `shared_words`) into the ticketed theme whose customers' words are at least
    # this alike its own (cosine of IDF-weighted content words, Japanese product vocabulary mapped
    # to English: domain/clustering/likeness.py); 0 = never. One problem told in other words or
    # in the other language, from accounts that differ (bench/themes.py: 0.3 leaves 21 of 30
    # planted problems with one ticket, 17 without; 0.2 links more and mixes more).
    ticket_link_min_word_similarity: float = Field(default=0.3, ge=0, le=1)
    # Two themes that both have an open ticket are merged (reason `shared_words`, the later
    # ticket closed as the earlier one's duplicate) once their customers' words are at least this
    # alike; 0 = never. Lower than the link above: both themes already passed the one-problem
    # check, and the same problem told in Japanese and in English scores 0.18-0.28 where two
    # problems score at most 0.12 (bench/themes.py, 5 worlds: 0.3 leaves 26 of 30 planted
    # problems with exactly one ticket, 0.2 29, 0.15 all 30, with the same purity).
    ticket_twin_min_word_similarity: float = Field(default=0.15, ge=0, le=1)
    # Two ticketed (or due) themes of different main languages, Japanese and English, are also
    # alike for the two rules above when at least this much of one theme's glossary concepts the
    # other's reports name as often (domain/text/glossary_ja_en.tsv, about 145 concepts of SaaS
    # support, each with its English and Japanese words; clustering/likeness.concept_likeness);
    # above 1 = never. One problem told in both languages shares few words even through the
    # lexicon ("The KPI dashboard keeps spinning" / ダッシュボードの表示が遅い). bench/themes.py,
    # five worlds, themes of 5 items or more of one problem each: one problem's two languages
    # 0.44-0.98 (all but a few), two problems' at most 0.36. At 0.5 the service-like worlds left
    # 29 of 30 problems with exactly one ticket, at 0.4 all 30 (2026-12-07).
    ticket_cross_language_min_concept_similarity: float = Field(default=0.4, ge=0, le=1.01)
    # A TSV file of the operator's own concepts or words, added to the shipped glossary (same
    # format: concept<TAB>english words<TAB>japanese words, comma-separated); empty = none. A word
    # the shipped glossary maps keeps its concept.
    glossary_path: str = ""
    # Seconds between ticket worker passes (it is also woken after a commit that needs it).
    ticket_poll_s: float = Field(default=2.0, gt=0)
    # Retry backoff for sink calls: first delay and cap, seconds (doubling in between).
    ticket_retry_initial_s: float = Field(default=5.0, gt=0)
    ticket_retry_max_s: float = Field(default=900.0, gt=0)
    # Seconds a worker holds a ticket while it talks to the sink (another worker waits).
    ticket_lease_s: float = Field(default=120.0, gt=0)
    # Timeout of one sink HTTP call, seconds.
    sink_timeout_s: float = Field(default=15.0, gt=0)

    # Jira Cloud (REST v3): site URL, account e-mail and API token (basic auth), project and type.
    jira_base_url: str = ""
    jira_email: str = ""
    jira_api_token: str = ""
    jira_project_key: str = ""
    jira_issue_type: str = "Task"
    # GitHub Issues (REST): API root (GitHub Enterprise has its own), owner/repo and a token.
    github_api_url: str = "https://api.github.com"
    github_repo: str = ""
    github_token: str = ""
    # Linear (GraphQL): endpoint, API key, team id.
    linear_api_url: str = "https://api.linear.app/graphql"
    linear_api_key: str = ""
    linear_team_id: str = ""
    # Generic webhook: URL and the Standard Webhooks signing secret (`whsec_<base64>`, or several
    # separated by spaces while one is rotated: each signs, so the receiver may hold either).
    webhook_url: str = ""
    webhook_secret: str = ""

    # -- resolve webhooks (sink -> bridge) ----------------------------------------------------
    # Shared secrets the sinks sign their "issue resolved" webhooks with; a sink without a
    # secret has its resolve webhook refused. The generic webhook's takes several separated by
    # spaces (rotation): a delivery signed with any of them is accepted.
    jira_webhook_secret: str = ""
    github_webhook_secret: str = ""
    linear_webhook_secret: str = ""
    webhook_resolve_secret: str = ""

    @model_validator(mode="after")
    def _one_worker(self) -> BridgeSettings:
        if self.workers != 1:
            raise ValueError(
                "BRIDGE_WORKERS must be 1: the clusterer keeps each workspace's themes in memory, "
                "so several consumer processes would each build themes of their own"
            )
        return self

    @field_validator("sink", mode="before")
    @classmethod
    def _empty_sink_is_none(cls, value: object) -> object:
        # Compose and Kubernetes pass an unset BRIDGE_SINK as an empty string.
        return None if value == "" else value

    @model_validator(mode="after")
    def _sink_complete(self) -> BridgeSettings:
        if self.sink is not None:
            needed = (SINK_URL[self.sink], *SINK_CREDENTIALS[self.sink])
            missing = [name for name in needed if not getattr(self, name)]
            if missing:
                names = ", ".join(f"BRIDGE_{name.upper()}" for name in missing)
                raise ValueError(f"BRIDGE_SINK={self.sink} needs {names}")
        for name in ("webhook_secret", "webhook_resolve_secret"):
            value = getattr(self, name)
            if value:
                try:
                    parse_secrets(value)
                except ValueError as exc:
                    raise ValueError(f"BRIDGE_{name.upper()}: {exc}") from None
        if self.env == "production":
            self._reachable_in_production()
            for name in (
                "webhook_secret",
                "jira_webhook_secret",
                "github_webhook_secret",
                "linear_webhook_secret",
                "webhook_resolve_secret",
            ):
                value = getattr(self, name)
                # Several space-separated secrets while one is rotated: each must be strong.
                if any(is_placeholder_secret(secret) for secret in value.split()):
                    raise ValueError(f"BRIDGE_{name.upper()} is a placeholder or too short")
        return self

    def _reachable_in_production(self) -> None:
        """Refuse what works only on a developer's machine: local URLs, placeholder tokens."""
        require_remote_url(
            "BRIDGE_PUBLIC_URL",
            self.public_url,
            what="the URL product managers reach the bridge at (tickets link to themes there)",
        )
        if self.sink is None:
            return
        url_setting = SINK_URL[self.sink]
        require_remote_url(
            f"BRIDGE_{url_setting.upper()}",
            getattr(self, url_setting),
            what=f"the {self.sink} endpoint tickets are filed at",
        )
        for name in SINK_CREDENTIALS[self.sink]:
            if name in _ISSUED_SECRETS and is_placeholder_value(getattr(self, name)):
                raise ValueError(
                    f"BRIDGE_{name.upper()} is a placeholder; set the credential "
                    f"BRIDGE_SINK={self.sink} files tickets with"
                )

    def resolve_secret(self, sink: SinkName) -> str:
        """The secret a sink's resolve webhook must be signed with ('' = refuse)."""
        return {
            "jira": self.jira_webhook_secret,
            "github": self.github_webhook_secret,
            "linear": self.linear_webhook_secret,
            "webhook": self.webhook_resolve_secret,
        }[sink]

"""The CSM alert sent instead of an automated e-mail to a high-touch account."""

from __future__ import annotations

from banso_notify.domain.templates import LocalizedTemplate

REROUTE_TEMPLATE = "__csm_reroute__"

_REROUTE = {
    "en": LocalizedTemplate(
        subject="[{{ playbook.name }}] {{ account.name }} needs a personal touch",
        text=(
            'Playbook "{{ playbook.name }}" would have e-mailed'
            " {{ customer.name or customer.id }} at {{ account.name }}"
            " (ARR {{ account.arr if account.arr is not none else 'unknown' }}, health {{ account.band or 'unknown' }}"
            "{% if account.score is not none %} {{ account.score }}{% endif %}).\n"
            "It is a high-touch account, so no automated e-mail went out:"
            " please reach out yourself."
            "{% if drivers %}\nWhy health moved: {{ drivers | join('; ') }}{% endif %}"
        ),
    ),
    "ja": LocalizedTemplate(
        subject="[{{ playbook.name }}] {{ account.name }} 様への個別対応のお願い",
        text=(
            "プレイブック「{{ playbook.name }}」が {{ account.name }} の "
            "{{ customer.name or customer.id }} 様にメールを送る条件を満たしました"
            "（ARR {{ account.arr if account.arr is not none else '不明' }}、ヘルス {{ account.band or '不明' }}"
            "{% if account.score is not none %} {{ account.score }}{% endif %}）。\n"
            "ハイタッチ対象のため自動メールは送っていません。直接ご連絡をお願いします。"
            "{% if drivers %}\n変動要因: {{ drivers | join('、') }}{% endif %}"
        ),
    ),
}


def reroute_templates() -> dict[str, LocalizedTemplate]:
    return dict(_REROUTE)

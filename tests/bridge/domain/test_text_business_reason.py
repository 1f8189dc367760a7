"""Churn reasons that name a business cause (no ticket for the product team) against churn
reasons that tell of trouble with the product (they stay problem reports), in English and
Japanese."""

from __future__ import annotations

import pytest

from banso_bridge.domain.text.business_reason import is_business_reason


@pytest.mark.parametrize(
    "text",
    [
        "Budget cuts: they will not renew next term.",
        "They will not renew next term because of budget cuts.",
        "They decided to move to Power BI.",
        "Their champion left and nobody owns the tool now.",
        "The company was acquired and the parent consolidates vendors.",
        "Layoffs hit the analytics team.",
        "予算削減のため、来期の更新は見送りとなりました。",
        "Tableauへの移行が決まりました。",
        "担当者の異動で運用できる人がいなくなりました。",
        "親会社による買収でツールを統一することになりました。",
        # adoption that never took root inside the customer
        "Adoption never took off across the team, so they are cancelling.",
        "Low usage after the pilot; nobody used it beyond the first month.",
        "社内での活用が進まず、解約したいとのことです。",
        "現場に定着せず、利用者も増えなかったため更新しない方針です。",
        # a season or a project that ended, a tool built in-house, a reorganisation
        "Their project ended in March and they only needed it for the rollout.",
        "Seasonal business: they pause every winter.",
        "They are building their own reporting in-house.",
        "繁忙期が終わったので一旦解約とのこと。",
        "プロジェクト終了に伴い契約を終了します。",
        "事業縮小により部署が廃止されました。",
    ],
)
def test_a_business_cause_alone_is_a_business_reason(text: str) -> None:
    assert is_business_reason(text)


@pytest.mark.parametrize(
    "text",
    [
        # trouble with the product, even beside a business cause
        "They moved to Looker because exports kept failing.",
        "They switched to Power BI because ours was too hard to use.",
        "Too expensive for a tool that crashes every week.",
        "価格が高いわりに機能が少ない。",
        "予算アラートが機能しません。",
        # a wish, not a cause
        "Please add budget tracking.",
        "予算管理の機能が欲しいです。",
        # adoption that stalled because of the product
        "Adoption never took off because setup was too complicated.",
        "Nobody used it after the SSO login kept failing.",
        "操作が分かりにくく、社内での活用が進みませんでした。",
        "活用が進まなかった原因はダッシュボードが遅いことです。",
        # no business cause named: the product team should hear it
        "ダッシュボードが重くてタイムアウトします。",
        "They are cancelling.",
    ],
)
def test_product_trouble_or_no_business_cause_is_not(text: str) -> None:
    assert not is_business_reason(text)

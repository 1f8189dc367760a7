"""The product problems customers report, in Japanese and English, with many ways of saying each.

A problem's reports are built from a body (the complaint), an optional detail and the language's
openers and closers, with slots filled from small vocabularies: the same problem rarely reads
the same twice, which is what the bridge's clustering has to cope with.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Phrasing:
    """How people say one thing in one language."""

    bodies: tuple[str, ...]
    details: tuple[str, ...] = ()
    slots: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Problem:
    """A real product problem that many accounts hit, the ground truth behind a theme."""

    key: str
    title: str
    onset: float
    """Fraction of the window after which reports start (when the bug shipped)."""
    reach_ja: float
    """Share of Japanese-speaking accounts that hit it."""
    reach_en: float
    """Share of English-speaking accounts that hit it."""
    plans: tuple[str, ...] | None
    """Only accounts on these plans can hit it (SSO exists on business and enterprise)."""
    kinds: tuple[tuple[str, float], ...]
    """Feedback kinds its reports arrive as, with weights."""
    ja: Phrasing
    en: Phrasing

    def phrasing(self, language: str) -> Phrasing:
        return self.ja if language == "ja" else self.en


# fmt: off
CSV_MOJIBAKE = Problem(
    key="csv_mojibake",
    title="CSV export garbles Japanese characters (文字化け)",
    onset=0.1, reach_ja=0.2, reach_en=0.05, plans=None,
    kinds=(("support_ticket", 0.75), ("nps_comment", 0.1), ("csm_note", 0.1), ("feature_request", 0.05)),
    ja=Phrasing(
        bodies=(
            "CSVエクスポートすると日本語が文字化けします。",
            "{report}レポートをCSVでダウンロードすると、Excelで開いたときに{column}が文字化けしています。",
            "エクスポートしたCSVの日本語部分が「縺ゅ≠」のような意味不明な文字になってしまいます。",
            "CSV出力で全角文字が化けます。Shift_JISかBOM付きUTF-8で出力できませんか？",
            "CSVファイルをExcelで開くと日本語が全部文字化けしていて使えません。",
            "ダウンロードしたCSVの{column}列が文字化けしていて、取引先に提出できません。",
            "CSVの文字コードの問題だと思いますが、日本語がすべて化けてしまいます。",
        ),
        details=(
            "{day}から発生しています。",
            "Macでは問題ないのですが、WindowsのExcelで開くと化けます。",
            "毎月の{report}集計で使っているので困っています。",
            "以前は問題なかったと思います。",
            "メモ帳で開くと正しく表示されます。",
        ),
        slots={
            "report": ("売上", "顧客別", "月次", "部署別", "商品別"),
            "column": ("顧客名", "住所", "担当者名", "商品名", "備考"),
            "day": ("先週", "昨日", "今月の初め", "前回のアップデート後"),
        },
    ),
    en=Phrasing(
        bodies=(
            "When I export to CSV, the Japanese characters come out garbled.",
            "Exported CSV files show mojibake in Excel; the {column} is unreadable.",
            "The {report} report CSV breaks all the Japanese text (it looks like 縺ゅ≠ in Excel).",
            "CSV export doesn't handle Japanese characters. Could you add a UTF-8 BOM or a Shift_JIS option?",
            "Non-ASCII characters in the {column} column are corrupted when we download the CSV.",
            "Our Tokyo team can't use the CSV export because every Japanese character turns into junk.",
        ),
        details=(
            "It started {day}.",
            "It looks fine on a Mac but breaks in Excel on Windows.",
            "We need this for our monthly {report} reporting.",
            "Opening the file in a text editor shows the right characters.",
        ),
        slots={
            "report": ("sales", "customer", "monthly", "regional"),
            "column": ("customer name", "address", "notes", "product name"),
            "day": ("last week", "yesterday", "after the last release"),
        },
    ),
)

SSO_LOOP = Problem(
    key="sso_loop",
    title="SSO login loops back to the sign-in page",
    onset=0.4, reach_ja=0.3, reach_en=0.3, plans=("business", "enterprise"),
    kinds=(("support_ticket", 0.85), ("csm_note", 0.15)),
    ja=Phrasing(
        bodies=(
            "SSOでログインしようとすると、ログイン画面に戻されてループします。",
            "{idp}経由のシングルサインオンでログインできません。認証後に再びログインページに戻ってしまいます。",
            "SAMLログインが無限ループになり、社員がログインできない状態です。",
            "{idp}でサインインするとリダイレクトが繰り返されて先に進めません。",
            "SSOログイン後に画面が何度もリロードされ、最終的にエラーになります。",
        ),
        details=(
            "{browser}でもChromeでも同じです。",
            "パスワードログインに切り替えると入れます。",
            "{count}名ほどが影響を受けています。",
            "IdP側の設定は変更していません。",
        ),
        slots={
            "idp": ("Okta", "Azure AD", "Google Workspace", "HENNGE One", "OneLogin"),
            "browser": ("Edge", "Safari", "Firefox"),
            "count": ("10", "30", "50", "100"),
        },
    ),
    en=Phrasing(
        bodies=(
            "SSO login sends us back to the sign-in page in an endless loop.",
            "Since {day}, signing in with {idp} redirects back and forth forever.",
            "Our users are stuck in a SAML redirect loop and can't log in.",
            "Single sign-on via {idp} fails: after authenticating we land on the login page again.",
            "Login loop with SSO. The page keeps reloading until it errors out.",
        ),
        details=(
            "Same in {browser} and Chrome.",
            "Password login still works.",
            "About {count} people are affected.",
            "Nothing changed on our IdP side.",
        ),
        slots={
            "idp": ("Okta", "Azure AD", "Google Workspace", "OneLogin"),
            "browser": ("Edge", "Safari", "Firefox"),
            "count": ("10", "30", "50", "100"),
            "day": ("Monday", "yesterday", "this morning", "the last update"),
        },
    ),
)

SLOW_DASHBOARDS = Problem(
    key="slow_dashboards",
    title="Dashboards load slowly or time out",
    onset=0.25, reach_ja=0.14, reach_en=0.14, plans=None,
    kinds=(("support_ticket", 0.55), ("nps_comment", 0.25), ("csm_note", 0.2)),
    ja=Phrasing(
        bodies=(
            "ダッシュボードの表示がとても遅いです。開くまでに{seconds}秒以上かかります。",
            "最近ダッシュボードの読み込みが重く、会議で使えません。",
            "{dashboard}ダッシュボードを開くとずっとローディングのままです。",
            "グラフの描画が遅すぎます。フィルタを変えるたびに{seconds}秒待たされます。",
            "ダッシュボードが重くてタイムアウトすることがあります。",
        ),
        details=(
            "データ量は{rows}行程度です。",
            "朝の時間帯が特にひどいです。",
            "先月までは問題ありませんでした。",
            "ウィジェットを減らしても改善しません。",
        ),
        slots={
            "seconds": ("20", "30", "45", "60"),
            "dashboard": ("営業", "経営", "KPI", "マーケティング"),
            "rows": ("10万", "50万", "100万"),
        },
    ),
    en=Phrasing(
        bodies=(
            "Dashboards are painfully slow. It takes over {seconds} seconds to load one.",
            "The {dashboard} dashboard keeps spinning and never finishes loading.",
            "Charts take forever to render; every filter change means a {seconds}-second wait.",
            "Dashboard performance has gotten much worse recently, we can't use it in meetings.",
            "Dashboards time out when we open them in the morning.",
        ),
        details=(
            "We have about {rows} rows of data.",
            "It was fine until last month.",
            "Removing widgets doesn't help.",
        ),
        slots={
            "seconds": ("20", "30", "45", "60"),
            "dashboard": ("sales", "executive", "KPI", "marketing"),
            "rows": ("100k", "500k", "1M"),
        },
    ),
)

SLACK_INTEGRATION = Problem(
    key="slack_integration",
    title="No Slack integration for alerts and reports",
    onset=0.0, reach_ja=0.1, reach_en=0.14, plans=None,
    kinds=(("feature_request", 0.7), ("nps_comment", 0.15), ("csm_note", 0.15)),
    ja=Phrasing(
        bodies=(
            "Slack連携はありますか？アラートをSlackのチャンネルに通知したいです。",
            "レポートをSlackに自動投稿できるようにしてほしいです。",
            "Slackとの連携機能がないので、毎回スクリーンショットを貼っています。",
            "アラートの通知先にSlackを選べるようにしてください。",
            "Slack通知に対応していないのが全社展開の障害になっています。",
        ),
        details=(
            "社内のやり取りはすべてSlackです。",
            "Teams連携もあると助かります。",
            "メール通知だと見落としてしまいます。",
        ),
    ),
    en=Phrasing(
        bodies=(
            "Is there a Slack integration? We'd like alerts posted to a channel.",
            "Please add Slack notifications for alerts and scheduled reports.",
            "No Slack integration means we paste dashboard screenshots into Slack every day.",
            "We need to send dashboard alerts to Slack; nobody reads the emails.",
            "The missing Slack integration is a blocker for rolling this out to the rest of our team.",
        ),
        details=(
            "Our whole company lives in Slack.",
            "A Microsoft Teams option would be nice too.",
            "Other tools we use already have this.",
        ),
    ),
)

INVOICE_PDF = Problem(
    key="invoice_pdf",
    title="Invoice PDFs carry wrong details",
    onset=0.3, reach_ja=0.1, reach_en=0.04, plans=None,
    kinds=(("support_ticket", 0.9), ("csm_note", 0.1)),
    ja=Phrasing(
        bodies=(
            "請求書PDFの宛名が間違っています。会社名が旧社名のままです。",
            "インボイス制度の登録番号が請求書PDFに記載されていません。",
            "請求書PDFの金額が契約内容と合っていません。{month}分をご確認ください。",
            "ダウンロードした請求書の消費税額が正しくないようです。",
            "請求書PDFの住所が古いままで、経理から差し戻されました。",
        ),
        details=(
            "経理の締めに間に合わないので急ぎでお願いします。",
            "{month}分から発生しています。",
            "管理画面で請求先情報は更新済みです。",
        ),
        slots={"month": ("4月", "5月", "6月", "先月")},
    ),
    en=Phrasing(
        bodies=(
            "The invoice PDF shows the wrong company name.",
            "Our invoice PDF has the wrong billing address even though we updated it.",
            "The amounts on the {month} invoice PDF don't match our contract.",
            "Tax is calculated incorrectly on the downloaded invoice.",
            "Invoice PDFs are missing our VAT number, so finance can't process them.",
        ),
        details=(
            "Our finance team needs this fixed before the month-end close.",
            "This started with the {month} invoice.",
            "The billing settings are correct in the admin panel.",
        ),
        slots={"month": ("April", "May", "June", "last month's")},
    ),
)

REPORT_TIMEZONE = Problem(
    key="report_timezone",
    title="Scheduled reports use the wrong time zone",
    onset=0.15, reach_ja=0.06, reach_en=0.06, plans=None,
    kinds=(("support_ticket", 0.8), ("feature_request", 0.2)),
    ja=Phrasing(
        bodies=(
            "定期配信レポートが9時間ずれて届きます。",
            "スケジュール設定した{report}レポートが朝9時ではなく夕方6時に届きます。",
            "レポートの日付の区切りがUTCになっていて、日本時間の集計と合いません。",
            "配信時刻のタイムゾーンが日本時間になっていないようです。",
        ),
        details=("設定画面ではAsia/Tokyoを選んでいます。", "日次の数字が前日とずれてしまいます。"),
        slots={"report": ("日次売上", "週次KPI", "在庫")},
    ),
    en=Phrasing(
        bodies=(
            "Scheduled reports arrive hours late; it looks like a time zone bug.",
            "Our {report} report is scheduled for 9am but lands in the evening.",
            "Daily totals are cut at midnight UTC instead of our local time.",
            "The report schedule ignores our workspace time zone.",
        ),
        details=("Our workspace is set to our local time zone.", "Daily numbers don't match our finance system."),
        slots={"report": ("daily sales", "weekly KPI", "inventory")},
    ),
)

PROBLEMS: tuple[Problem, ...] = (
    CSV_MOJIBAKE, SSO_LOOP, SLOW_DASHBOARDS, SLACK_INTEGRATION, INVOICE_PDF, REPORT_TIMEZONE,
)

# Wrapping that support tickets and in-app feedback commonly carry.
OPENERS: dict[str, tuple[str, ...]] = {
    "ja": ("お世話になっております。", "いつもお世話になっております。", "すみません、", "至急確認お願いします。", "お疲れ様です。"),
    "en": ("Hi team,", "Hello,", "Hi there!", "Quick question:", "Urgent:"),
}
CLOSERS: dict[str, tuple[str, ...]] = {
    "ja": ("ご確認よろしくお願いいたします。", "早急に対応をお願いします。", "よろしくお願いします。", "困っていますので対応お願いします。", "何か回避策があれば教えてください。"),
    "en": ("Thanks!", "Please advise.", "Any workaround would be appreciated.", "Thanks in advance.", "Can you look into this?"),
}
CSM_NOTE_PREFIXES: dict[str, tuple[str, ...]] = {
    "ja": ("定例ミーティングでのご意見: ", "訪問時ヒアリング: ", "QBRにて指摘あり。", "電話でのご相談: "),
    "en": ("QBR note: ", "Call with the customer: ", "From the monthly check-in: ", "Customer feedback in our sync: "),
}
PRAISE: dict[str, tuple[str, ...]] = {
    "ja": ("とても使いやすいです。", "ダッシュボードのおかげで会議が短くなりました。", "サポートの対応が早くて助かっています。", "レポート作成の手間が大幅に減りました。"),
    "en": ("Love the dashboards.", "Support is quick and helpful.", "Easy to set up and our team uses it daily.", "Saves us hours of reporting every week."),
}
CHURN_REASONS: dict[str, tuple[str, ...]] = {
    "ja": ("予算削減のため、来期の更新は見送りとなりました。", "{competitor}への移行が決まりました。", "社内での活用が進まず、解約したいとのことです。", "担当者の異動で運用できる人がいなくなりました。"),
    "en": ("Budget cuts: they will not renew next term.", "They decided to move to {competitor}.", "Adoption never took off across the team, so they are cancelling.", "Their champion left and nobody owns the tool now."),
}
CSM_CHECKINS: dict[str, tuple[str, ...]] = {
    "ja": ("定例ミーティング実施。特に大きな課題はなし。", "月次の振り返りを実施。活用は順調です。", "新しい部署への展開を検討中とのこと。"),
    "en": ("Monthly check-in done, no major issues.", "Reviewed their usage together; adoption is on track.", "They plan to roll out to another team next quarter."),
}
COMPETITORS = ("Tableau", "Looker Studio", "Power BI", "MotionBoard")
# Pain points only one account mentions: noise the clustering must not turn into big themes.
ONE_OFFS: dict[str, tuple[str, ...]] = {
    "ja": ("ダークモードが欲しいです。", "APIのレート制限についてのドキュメントが見つかりません。", "グラフの色を自由に変えたいです。", "2段階認証に対応してほしいです。", "スマホアプリはありますか？", "ユーザーをCSVで一括招待できませんか？", "円グラフのラベルが重なって読めません。", "ヘルプページの検索結果が古い情報ばかりです。"),
    "en": ("Would love a dark mode.", "I can't find any docs on API rate limits.", "Please allow custom chart colours.", "Any plans for a mobile app?", "A bulk user invite from CSV would save us time.", "Pie chart labels overlap and are unreadable.", "The help centre search shows outdated articles."),
}
# fmt: on
# What each one-off asks for, per language and in the order of ONE_OFFS: the same request told in
# Japanese and in English is one request (its label, `request:<key>`, is the same in both).
ONE_OFF_KEYS: dict[str, tuple[str, ...]] = {
    "ja": (
        "dark_mode",
        "api_rate_limit_docs",
        "chart_colours",
        "two_factor_auth",
        "mobile_app",
        "bulk_invite_csv",
        "pie_chart_labels",
        "help_search",
    ),
    "en": (
        "dark_mode",
        "api_rate_limit_docs",
        "chart_colours",
        "mobile_app",
        "bulk_invite_csv",
        "pie_chart_labels",
        "help_search",
    ),
}

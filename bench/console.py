"""Console benchmark (issue 14): each main page's server time at p95 with 10,000 accounts and 1,000
themes loaded, beside the time of the API calls the page makes, measured in the same run.

    .venv/bin/python bench/console.py      (what `make bench` runs; writes bench/results/console.json)

1. The real ingest, scoring, bridge and notify services start on private ports (18xxx) with a
   private BANSO_DATA_DIR (SQLite) and their own topic prefix on the shared broker; notify's mail
   goes to an SMTP sink on loopback (aiosmtpd) that keeps nothing.
2. Data goes in through ingest, the way a customer's history does: a workspace and a source from
   ingest's admin API, then `POST /v1/import` batches (each account's `group` call with name,
   plan, ARR, CSM, renewal date and seats, then a few days of `track` events from a share of its
   seats, so bands differ), and `POST /v1/feedback` items for BENCH_THEMES planned themes: distinct
   problems (area, object, symptom, where; half in English, half in Japanese, see
   `planned_problem`), four items each from four accounts. The bench waits until scoring lists
   every account with a band and the bridge has placed every item, and records the themes the
   bridge formed beside the themes planned. It forms fewer: an item joins the theme whose
   direction it is at least 0.5 alike, and a theme grown around one shared word (an object, an
   area) is that alike to every item with the word; consolidation does not split such a theme
   again, since one bisection of a theme holding k problems gains at most about
   0.41 / sqrt(k) per item, below its 0.1-per-item threshold once k > 17. Planned themes
   sharing no word at all would need more latent dimensions than the bridge fits (one per 16
   items, at most 256).
3. The console starts on the same services, a console administrator is created with
   `banso-console create-user`, and the bench signs in through the form (CSRF token, cookie).
4. For each page, BENCH_ROUNDS rounds: the page (GET, signed in) and, right after it, the API
   calls the page makes, made by the console's own adapters (`banso_console.adapters`) with the
   same parameters and concurrency against the same services — the reference. p50/p95 of both,
   and the page's own share (p95 page - p95 API calls: templates, session, sign-in checks); the
   CPU milliseconds per page of the console and of each service, which a loaded machine does not
   inflate the way it does wall times.

Times are wall times at the client over loopback. The machine's two cores are shared: the load
average at start and end is recorded, with the console's CPU seconds and peak RSS.

Environment: BENCH_ACCOUNTS (10000), BENCH_THEMES (1000), BENCH_ROUNDS (60), BENCH_PAGE_BUDGET_S
(90: a page stops after that many seconds once it has 10 rounds; the rounds done are recorded).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import orjson
from aiosmtpd.controller import Controller

from banso_console.adapters.bridge import BridgeClient
from banso_console.adapters.ingest import IngestAdmin
from banso_console.adapters.notify import NotifyClient
from banso_console.adapters.scoring import ScoringClient
from banso_console.adapters.service_api import ServiceApi, WorkspaceTokens
from banso_console.api.operators import EVENTS_SHOWN
from banso_console.domain import playbooks as playbook_domain
from banso_console.domain import portfolio, themes
from banso_kit.errors import ServiceUnavailable
from banso_kit.kafka.admin import ensure_topics

sys.path.insert(0, str(Path(__file__).resolve().parent))
from processes import stop, wait_ready
from procstat import machine, tree_cpu_seconds, tree_peak_rss_mb
from topics import delete_topics

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
RESULTS = ROOT / "bench" / "results" / "console.json"
BOOTSTRAP = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
ACCOUNTS = int(os.environ.get("BENCH_ACCOUNTS", "10000"))
THEMES = int(os.environ.get("BENCH_THEMES", "1000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "60"))
# Seconds one page's rounds may take: past it (and past MIN_ROUNDS) the page stops early, so a
# machine whose cores other work takes still finishes in bounded time.
PAGE_BUDGET_S = float(os.environ.get("BENCH_PAGE_BUDGET_S", "90"))
MIN_ROUNDS = 10
WARMUP = 3
# A loaded machine (the two cores are shared) can take minutes to start five services.
READY_WITHIN_S = 600
TARGET_P95_MS = 300.0
SECRET = "bench-console-secret-" + "s" * 32
ADMIN_TOKEN = "bench-console-admin-" + "a" * 32
USER = "bench-admin@vendor.example"
PASSWORD = "bench console password"
PORTS = {"ingest": 18101, "scoring": 18102, "bridge": 18103, "notify": 18104, "console": 18100}
BATCH_EVENTS = 2_000
FEEDBACK_BATCH = 100
USAGE_DAYS = 3
PLANS = ("starter", "pro", "enterprise")
CSMS = tuple(f"csm{n}@vendor.example" for n in range(20))
COMPANY = ("Northwind", "Globex", "Initech", "Umbrella", "Hooli", "Soylent", "Stark", "Wayne")
SUFFIX = ("Traders", "Corporation", "Labs", "Holdings", "Systems", "Foods", "Industries", "KK")
LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        # As uvicorn binds: connections of an earlier run in TIME_WAIT do not hold the port.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(LETTERS) for _ in range(8))


def account_id(n: int) -> str:
    return f"acct-{n:05d}"


def account_batches(now: dt.datetime) -> Iterator[list[dict[str, Any]]]:
    """Each account's `group` call, then USAGE_DAYS days of `track` events from a share of its
    seats (the share sets its band), in batches of about BATCH_EVENTS."""
    rng = random.Random(14)
    batch: list[dict[str, Any]] = []
    start = now - dt.timedelta(days=USAGE_DAYS + 1)
    for n in range(ACCOUNTS):
        account = account_id(n)
        seats = rng.randint(5, 40)
        active = max(1, round(seats * rng.choice((0.05, 0.2, 0.5, 0.8, 1.0))))
        renewal = (now + dt.timedelta(days=rng.randint(-30, 365))).date().isoformat()
        traits = {
            "name": f"{rng.choice(COMPANY)} {rng.choice(SUFFIX)} {n}",
            "plan": rng.choice(PLANS),
            "arr": rng.randint(5, 500) * 1_000,
            "csm": rng.choice(CSMS),
            "renewal_date": renewal,
            "seats": seats,
            "created_at": (now - dt.timedelta(days=rng.randint(60, 900))).date().isoformat(),
        }
        context = {"groupId": account}
        batch.append(
            {
                "type": "group",
                "messageId": uuid.uuid4().hex,
                "timestamp": _iso(start - dt.timedelta(hours=1)),
                "userId": f"{account}-u0",
                "groupId": account,
                "traits": traits,
                "context": context,
            }
        )
        for day in range(USAGE_DAYS):
            for user in range(active):
                at = start + dt.timedelta(days=day, hours=9, minutes=user)
                batch.append(
                    {
                        "type": "track",
                        "messageId": uuid.uuid4().hex,
                        "timestamp": _iso(at),
                        "userId": f"{account}-u{user}",
                        "event": "Report Created",
                        "properties": {"rows": user},
                        "context": context,
                    }
                )
        if len(batch) >= BATCH_EVENTS:
            yield batch
            batch = []
    if batch:
        yield batch


# The words of the planned problems: a product area, an object in it, what goes wrong with it and
# where or when, in English and in Japanese (see `planned_problem`).
AREAS = {
    "en": (
        "billing",
        "home",
        "calendar",
        "inbox",
        "search",
        "setup",
        "roles",
        "metrics",
        "mobile",
        "sync",
        "webhook",
        "connect",
        "checkout",
        "profile",
        "alerts",
        "workflow",
        "import",
        "audit",
        "login",
        "hours",
        "stock",
        "payroll",
        "chat",
        "forum",
        "wiki",
        "kanban",
        "roadmap",
        "survey",
        "helpdesk",
        "crm",
        "storage",
        "planner",
    ),
    "ja": (
        "課金",
        "ホーム",
        "予定表",
        "受信箱",
        "検索",
        "導入",
        "権限",
        "分析",
        "スマホ",
        "同期",
        "フック",
        "連携",
        "決済",
        "名簿",
        "通知",
        "申請",
        "取込",
        "監査",
        "認証",
        "勤怠",
        "在庫",
        "給与",
        "雑談",
        "掲示板",
        "手引き",
        "看板",
        "計画",
        "調査",
        "窓口",
        "顧客",
        "保管庫",
        "日程",
    ),
}
OBJECTS = {
    "en": (
        "invoice",
        "chart",
        "upload",
        "avatar",
        "filter",
        "template",
        "label",
        "comment",
        "tag",
        "folder",
        "widget",
        "column",
        "stamp",
        "preview",
        "badge",
        "shortcut",
        "bookmark",
        "emoji",
        "footer",
        "sidebar",
        "tooltip",
        "checkbox",
        "dropdown",
        "sheet",
        "receipt",
        "coupon",
        "voucher",
        "password",
        "token",
        "locale",
        "timezone",
        "currency",
    ),
    "ja": (
        "請求書",
        "グラフ",
        "添付",
        "顔写真",
        "絞込み",
        "ひな形",
        "ラベル",
        "コメント",
        "タグ",
        "フォルダ",
        "部品",
        "列",
        "署名",
        "縮小画像",
        "バッジ",
        "短縮キー",
        "しおり",
        "絵文字",
        "フッター",
        "余白",
        "吹き出し",
        "チェック欄",
        "選択肢",
        "表計算",
        "領収書",
        "クーポン",
        "商品券",
        "暗証番号",
        "鍵",
        "言語",
        "時刻",
        "通貨",
    ),
}
SYMPTOMS = {
    "en": (
        "crashes",
        "freezes",
        "doubled",
        "vanishes",
        "shifted",
        "clipped",
        "garbled",
        "slow",
        "blank",
        "flickers",
        "overlaps",
        "expired",
        "faded",
        "stuck",
        "reset",
        "lost",
        "wrong",
        "blurry",
        "missing",
        "broken",
        "hidden",
        "offline",
        "locked",
        "rejected",
        "delayed",
        "corrupt",
        "ignored",
        "unsorted",
        "huge",
        "cropped",
        "stale",
        "noisy",
    ),
    "ja": (
        "落ちる",
        "固まる",
        "重複する",
        "消える",
        "ずれる",
        "途切れる",
        "化ける",
        "遅い",
        "真っ白",
        "ちらつく",
        "被る",
        "失効する",
        "読めない",
        "止まる",
        "戻る",
        "失われる",
        "誤る",
        "ぼやける",
        "出ない",
        "壊れる",
        "隠れる",
        "繋がらない",
        "開かない",
        "弾かれる",
        "待たされる",
        "破損する",
        "無視される",
        "並ばない",
        "大きすぎる",
        "欠ける",
        "古い",
        "うるさい",
    ),
}
WHERE = {
    "en": (
        "safari",
        "android",
        "iphone",
        "firefox",
        "chrome",
        "ipad",
        "windows",
        "linux",
        "excel",
        "pdf",
        "csv",
        "xml",
        "json",
        "zip",
        "png",
        "svg",
        "docx",
        "outlook",
        "slack",
        "zoom",
        "gmail",
        "kindle",
        "tablet",
        "printer",
        "kiosk",
        "watch",
        "roku",
        "macbook",
        "citrix",
        "vpn",
        "edge",
        "ubuntu",
    ),
    "ja": (
        "朝",
        "夜間",
        "月末",
        "週末",
        "印刷時",
        "保存時",
        "共有時",
        "起動時",
        "更新後",
        "休止後",
        "送信時",
        "転送時",
        "複製時",
        "削除時",
        "整列時",
        "拡大時",
        "切替時",
        "招待時",
        "承認時",
        "差戻し時",
        "期首",
        "棚卸時",
        "深夜",
        "昼休み",
        "会議中",
        "出張先",
        "在宅中",
        "繁忙期",
        "締め日",
        "祝日",
        "初日",
        "夕方",
    ),
}
# Four ways to say it with few other words: a phrase every fourth item repeated ("since last week
# ... shows") would be a topic of its own, one that real feedback about different problems
# does not share.
PHRASINGS = {
    "en": ("the {o} in {a} is {s} on {w}", "{a}: {o} {s} ({w})", "{w} - {a} {o} {s}",
           "{o} {s} in {a} with {w}"),
    "ja": ("{w}に{a}の{o}が{s}", "{a}:{o}が{s}({w})", "{w}、{a}で{o}が{s}", "{a}の{o}が{w}に{s}"),
}  # fmt: skip
LANGUAGES = ("en", "ja")
# A planned theme's items: one per phrasing, each from another account.
ITEMS_PER_THEME = len(PHRASINGS["en"])


def _word_modulus(themes: int) -> int:
    """The smallest prime q with q * q >= the themes one language has (see `planned_problem`)."""
    wanted = -(-themes // len(LANGUAGES))
    for q in range(2, len(AREAS["en"]) + 1):
        if all(q % d for d in range(2, q)) and q * q >= wanted:
            return q
    raise SystemExit(f"at most {2 * 31 * 31} planned themes (BENCH_THEMES={themes})")


def planned_problem(theme: int, themes: int) -> tuple[str, tuple[str, ...]]:
    """The language and the four words (area, object, symptom, where) of planned theme
    ``theme`` of ``themes``: the themes alternate languages, and within one the j-th word is
    number (a + j * s) mod q of its list, for the theme's own (a, s) pair and a prime q. Two
    themes then share at most one of their four words (two lines meet in at most one point), so
    every planned theme is a problem of its own, as a product manager would file it, and no item
    is nearer to another theme than to its own. Four words rather than three: an item is
    2^-1 alike a direction made of one of its words, not 3^-1/2, so a theme of one shared word
    cannot hold items that share nothing else."""
    q = _word_modulus(themes)
    language = LANGUAGES[theme % len(LANGUAGES)]
    a, s = divmod(theme // len(LANGUAGES), q)
    lists = (AREAS, OBJECTS, SYMPTOMS, WHERE)
    return language, tuple(words[language][(a + j * s) % q] for j, words in enumerate(lists))


def feedback_items(now: dt.datetime) -> list[dict[str, Any]]:
    """THEMES planned themes (distinct problems, see `planned_problem`) of ITEMS_PER_THEME items,
    each phrased its own way and from its own account."""
    rng = random.Random(1014)
    items = []
    for theme in range(THEMES):
        language, (a, o, s, w) = planned_problem(theme, THEMES)
        accounts = rng.sample(range(ACCOUNTS), ITEMS_PER_THEME)
        for k, (phrasing, account) in enumerate(zip(PHRASINGS[language], accounts, strict=True)):
            items.append(
                {
                    "id": f"fb-{theme}-{k}",
                    "text": phrasing.format(a=a, o=o, s=s, w=w),
                    "kind": "support_ticket",
                    "account": account_id(account),
                    "timestamp": _iso(
                        now - dt.timedelta(days=2, minutes=theme * ITEMS_PER_THEME + k)
                    ),
                }
            )
    return items


class Discard:
    """An SMTP handler that accepts every message and keeps none."""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        return "250 OK"


@contextmanager
def services(data: Path, env: dict[str, str]) -> Iterator[dict[str, subprocess.Popen[bytes]]]:
    """Start the four services (not the console) and stop every process started, in reverse."""
    running: dict[str, subprocess.Popen[bytes]] = {}
    try:
        for name in ("ingest", "scoring", "bridge", "notify"):
            with (data / f"{name}.log").open("wb") as out:
                running[name] = subprocess.Popen(
                    [str(BIN / f"banso-{name}"), "serve"], env=env, stdout=out, stderr=out
                )
        for name, process in running.items():
            wait_ready(
                f"http://127.0.0.1:{PORTS[name]}",
                process,
                data / f"{name}.log",
                within_s=READY_WITHIN_S,
            )
        yield running
    finally:
        for process in reversed(running.values()):
            stop(process)


async def load(env: dict[str, str], now: dt.datetime) -> dict[str, Any]:
    """The workspace, its source, the accounts' history and the feedback, through ingest."""
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{PORTS['ingest']}", timeout=120
    ) as ingest:
        created = await ingest.post("/v1/admin/workspaces", json={"name": "Bench"}, headers=admin)
        created.raise_for_status()
        workspace = str(created.json()["workspace_id"])
        source = await ingest.post(
            f"/v1/admin/workspaces/{workspace}/sources", json={"name": "web"}, headers=admin
        )
        source.raise_for_status()
        key = str(source.json()["write_key"])
        started = time.monotonic()
        events = 0
        gate = asyncio.Semaphore(2)

        async def send(path: str, body: dict[str, Any]) -> None:
            nonlocal events
            events += len(body.get("batch", ()))
            async with gate:
                answer = await ingest.post(path, json=body, auth=(key, ""))
            if answer.status_code != 200 or answer.json()["rejected"]:
                raise RuntimeError(f"ingest refused a batch: {answer.status_code} {answer.text}")

        await asyncio.gather(
            *(send("/v1/import", {"batch": batch}) for batch in account_batches(now))
        )
        imported_s = time.monotonic() - started
        items = feedback_items(now)
        started = time.monotonic()
        await asyncio.gather(
            *(
                send("/v1/feedback", {"items": items[i : i + FEEDBACK_BATCH]})
                for i in range(0, len(items), FEEDBACK_BATCH)
            )
        )
        feedback_s = time.monotonic() - started
        # A few live events, so the event debugger has rows (one of them rejected, with reason).
        live = [
            {"type": "track", "userId": "acct-00000-u0", "event": "Report Exported",
             "context": {"groupId": account_id(0)}, "messageId": uuid.uuid4().hex}
            for _ in range(20)
        ]  # fmt: skip
        live.append({"type": "track", "userId": "nobody", "messageId": uuid.uuid4().hex})
        await ingest.post("/v1/batch", json={"batch": live}, auth=(key, ""))
    return {
        "workspace": workspace,
        "events_imported": events,
        "import_s": round(imported_s, 1),
        "feedback_items": len(items),
        "feedback_s": round(feedback_s, 1),
    }


async def settle(api: dict[str, ServiceApi], workspace: str, items: int) -> dict[str, Any]:
    """Wait until scoring lists every account with a band and the bridge placed every item."""
    started = time.monotonic()
    deadline = started + 1800
    scored = themed = 0
    theme_count = 0
    while time.monotonic() < deadline:
        try:
            page = await api["scoring"].get_json(workspace, "/v1/portfolio", [("limit", "1")])
            unknown = await api["scoring"].get_json(
                workspace, "/v1/portfolio", [("limit", "1"), ("band", "unknown")]
            )
            scored = int(page["total"]) - int(unknown["total"])
            themed, theme_count = await _placed(api["bridge"], workspace)
        except ServiceUnavailable as exc:
            # A service busy with its backlog (the bridge consolidating) may not answer in time.
            print(f"  settling: {exc}", flush=True)
            await asyncio.sleep(5)
            continue
        if scored >= ACCOUNTS and themed >= items:
            break
        print(f"  settling: {scored} accounts scored, {themed}/{items} items placed", flush=True)
        await asyncio.sleep(10)
    else:
        raise RuntimeError(f"not settled: {scored} accounts scored, {themed}/{items} items")
    return {
        "seconds": round(time.monotonic() - started, 1),
        "accounts_scored": scored,
        "themes_planned": THEMES,
        "themes_formed": theme_count,
        "items_placed": themed,
    }


async def _placed(bridge: ServiceApi, workspace: str) -> tuple[int, int]:
    """Items in themes, and themes (open, ticketed or resolved; muted included)."""
    items = count = 0
    offset: int | None = 0
    while offset is not None:
        params = [("status", s) for s in themes.STATUSES]
        params += [("include_muted", "true"), ("limit", "200"), ("offset", str(offset))]
        page = await bridge.get_json(workspace, "/v1/themes", params)
        items += sum(int(theme["item_count"]) for theme in page["themes"])
        count += len(page["themes"])
        offset = page["next_offset"]
    return items, count


def create_user(env: dict[str, str], workspace: str) -> None:
    done = subprocess.run(
        [str(BIN / "banso-console"), "create-user", USER, "--role", "admin", "--workspace",
         workspace, "--locale", "ja"],
        input=PASSWORD + "\n", env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(done.stderr)


def start_console(data: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """`banso-console serve` on the services, once it answers /readyz."""
    log = data / "console.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(BIN / "banso-console"), "serve"], env=env, stdout=out, stderr=out
        )
    try:
        wait_ready(f"http://127.0.0.1:{PORTS['console']}", process, log, within_s=READY_WITHIN_S)
    except BaseException:
        stop(process)
        raise
    return process


async def sign_in(client: httpx.AsyncClient) -> None:
    form = await client.get("/login")
    found = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    if found is None:
        raise RuntimeError("the sign-in form has no CSRF token")
    answer = await client.post(
        "/login",
        data={"email": USER, "password": PASSWORD, "csrf_token": found.group(1), "next": "/"},
    )
    if answer.status_code != 303:
        raise RuntimeError(f"sign-in answered {answer.status_code}: {answer.text[:500]}")


def _summary(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(p95 * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


Page = tuple[str, Callable[[int], str], Callable[[int], Awaitable[Any]], str]


async def measure_pages(
    console: httpx.AsyncClient, pages: list[Page], console_pid: int, service_pids: dict[str, int]
) -> list[dict[str, Any]]:
    results = []
    for name, url_of, calls, api_calls in pages:
        page_times: list[float] = []
        api_times: list[float] = []
        sizes = []
        failures: list[int] = []
        api_failures = 0
        cpu_before = tree_cpu_seconds(console_pid)
        services_before = {name: tree_cpu_seconds(pid) for name, pid in service_pids.items()}
        budget_ends = time.monotonic() + PAGE_BUDGET_S
        for n in range(WARMUP + ROUNDS):
            if n >= WARMUP + MIN_ROUNDS and time.monotonic() > budget_ends:
                break  # a loaded machine: fewer rounds, counted in the result
            url = url_of(n)
            started = time.perf_counter()
            answer = await console.get(url)
            page_s = time.perf_counter() - started
            if answer.status_code != 200:
                # e.g. 503 when a service did not answer within CONSOLE_API_TIMEOUT_S: counted
                failures.append(answer.status_code)
            started = time.perf_counter()
            try:
                await calls(n)
            except ServiceUnavailable:
                api_failures += 1
            api_s = time.perf_counter() - started
            if n >= WARMUP:
                page_times.append(page_s)
                api_times.append(api_s)
                sizes.append(len(answer.content))
        page = _summary(page_times)
        api = _summary(api_times)
        done = WARMUP + len(page_times)
        # Each round is the page plus its API calls again (the reference): half of a service's
        # CPU in the rounds is the page's. Its background work (consumers) counts too.
        service_cpu = {
            name: round((tree_cpu_seconds(pid) - services_before[name]) * 1000 / done / 2, 1)
            for name, pid in service_pids.items()
        }
        row = {
            "page": name,
            "example_url": url_of(0),
            "api_calls": api_calls,
            "rounds": len(page_times),
            "page_ms": page,
            "api_calls_ms": api,
            "console_share_p95_ms": round(page["p95_ms"] - api["p95_ms"], 1),
            "console_cpu_ms_per_page": round(
                (tree_cpu_seconds(console_pid) - cpu_before) * 1000 / done, 1
            ),
            "service_cpu_ms_per_page": service_cpu,
            "html_kb": round(statistics.mean(sizes) / 1024, 1),
            "failed_pages": {str(code): failures.count(code) for code in sorted(set(failures))},
            "failed_api_rounds": api_failures,
            "met": page["p95_ms"] <= TARGET_P95_MS and not failures,
        }
        print(
            f"{name}: page p95 {page['p95_ms']} ms, its API calls p95 {api['p95_ms']} ms",
            flush=True,
        )
        results.append(row)
    return results


def build_pages(
    workspace: str,
    clients: dict[str, Any],
    account_ids: list[str],
    theme_ids: list[int],
    playbook_ids: list[str],
) -> list[Page]:
    scoring: ScoringClient = clients["scoring"]
    bridge: BridgeClient = clients["bridge"]
    notify: NotifyClient = clients["notify"]
    ingest: IngestAdmin = clients["ingest"]
    w = f"/w/{workspace}"
    horizon = dt.timedelta(days=portfolio.RENEWAL_HORIZON_DAYS)
    searched = portfolio.Filters(q="Globex", bands=("red", "yellow"), sort="-arr", page=2)
    board = themes.ThemeFilters()

    async def portfolio_calls(filters: portfolio.Filters) -> None:
        await asyncio.gather(
            scoring.portfolio(workspace, filters.api_params()),
            scoring.renewals(
                workspace,
                after=dt.datetime.now(dt.UTC),
                before=dt.datetime.now(dt.UTC) + horizon,
                soonest=portfolio.RENEWALS_SHOWN,
            ),
            scoring.moves(workspace, limit=portfolio.MOVES_SHOWN),
        )

    async def named_nudges(account: str) -> None:
        # the playbooks' names, only when the account has nudges (api/pages.py `_named_nudges`)
        if await notify.account_nudges(workspace, account):
            await notify.playbooks(workspace)

    async def account_calls(n: int) -> None:
        account = account_ids[n % len(account_ids)]
        await asyncio.gather(
            scoring.health(workspace, account),
            scoring.history(workspace, account),
            bridge.account_feedback(workspace, account),
            named_nudges(account),
        )

    async def theme_calls(n: int) -> None:
        # As the page (api/themes.py `_theme_values`): the theme, then its items and the theme
        # it was split off from or merged into (only when there is one), and, unless merged, the
        # merge targets, its growth and the themes that may be the same problem, concurrently.
        theme_id = theme_ids[n % len(theme_ids)]
        theme = await bridge.theme(workspace, theme_id, items=0)
        related = themes.related_theme_id(theme)
        calls: list[Awaitable[Any]] = [
            bridge.theme_items(workspace, theme_id, limit=themes.ITEMS_PER_PAGE)
        ]
        if related is not None:
            calls.append(bridge.theme(workspace, related, items=0))
        if theme["status"] != "merged":
            calls += [
                bridge.themes(
                    workspace,
                    statuses=themes.STATUSES,
                    include_muted=True,
                    limit=themes.MERGE_TARGETS + 1,
                ),
                bridge.growth(workspace, theme_id, weeks=themes.GROWTH_WEEKS),
                bridge.alike(workspace, theme_id, limit=themes.ALIKE_THEMES),
            ]
        await asyncio.gather(*calls)

    async def playbooks_calls(_: int) -> None:
        await asyncio.gather(notify.playbooks(workspace), notify.reports(workspace))

    async def playbook_calls(n: int) -> None:
        chosen = playbook_ids[n % len(playbook_ids)]
        report = asyncio.ensure_future(notify.report(workspace, chosen))
        found: dict[str, Any] = await notify.playbook(workspace, chosen)
        await report
        step = playbook_domain.choose_step(
            None, playbook_domain.steps_of(found["definition"], locale="en")
        )
        if step.index is not None:
            await notify.preview(
                workspace, chosen, step=step.index, locales=playbook_domain.PREVIEW_LOCALES
            )

    async def sources_calls(_: int) -> None:
        await asyncio.gather(
            ingest.sources(workspace, actor=USER), ingest.tokens(workspace, actor=USER)
        )

    async def events_calls(_: int) -> None:
        await asyncio.gather(
            ingest.sources(workspace, actor=USER),
            ingest.recent_events(workspace, source_id=None, limit=EVENTS_SHOWN, actor=USER),
        )

    async def scorecard_calls(_: int) -> None:
        await scoring.scorecard(workspace)

    async def policy_calls(_: int) -> None:
        await notify.policy(workspace)

    async def no_calls(_: int) -> None:
        return None

    async def board_calls(_: int) -> None:
        await bridge.themes(
            workspace, statuses=board.statuses, include_muted=board.muted,
            limit=themes.PER_PAGE, offset=board.offset,
        )  # fmt: skip

    query = "&".join(f"{k}={v}" for k, v in searched.query())
    return [
        ("portfolio", lambda _: f"{w}/accounts",
         lambda _: portfolio_calls(portfolio.Filters()),
         "scoring /v1/portfolio (page 1), the renewals ahead (/v1/portfolio by renewal) and "
         "/v1/portfolio/moves (concurrent)"),
        ("portfolio searched, sorted, filtered", lambda _: f"{w}/accounts?{query}",
         lambda _: portfolio_calls(searched),
         "scoring /v1/portfolio (q, band, sort, page 2), the renewals ahead and the moves"),
        ("account", lambda n: f"{w}/accounts/{account_ids[n % len(account_ids)]}",
         account_calls,
         "scoring health + history; bridge account feedback; notify nudges, then its playbooks "
         "when there are nudges (concurrent)"),
        ("theme board", lambda _: f"{w}/themes", board_calls,
         f"bridge /v1/themes (limit {themes.PER_PAGE})"),
        ("theme", lambda n: f"{w}/themes/{theme_ids[n % len(theme_ids)]}", theme_calls,
         "bridge /v1/themes/{id}, then its items, the theme it was split off from or merged "
         "into (when there is one), /v1/themes (limit 200, merge targets), its growth and "
         f"/v1/themes/{{id}}/alike (limit {themes.ALIKE_THEMES}) (concurrent)"),
        ("playbooks", lambda _: f"{w}/playbooks", playbooks_calls,
         "notify /v1/playbooks and /v1/reports/playbooks (concurrent)"),
        ("playbook", lambda n: f"{w}/playbooks/{playbook_ids[n % len(playbook_ids)]}",
         playbook_calls,
         "notify playbook + report (concurrent), then the first send step's preview"),
        ("sources", lambda _: f"{w}/sources", sources_calls,
         "ingest admin sources + tokens (concurrent)"),
        ("event debugger", lambda _: f"{w}/events", events_calls,
         f"ingest admin sources + the latest {EVENTS_SHOWN} events (concurrent)"),
        ("scorecard", lambda _: f"{w}/scorecard", scorecard_calls, "scoring /v1/scorecard"),
        ("send policy", lambda _: f"{w}/send-policy", policy_calls, "notify /v1/policy"),
        ("console users", lambda _: "/admin/users", no_calls,
         "none (the console's own database)"),
    ]  # fmt: skip


async def run(data: Path, env: dict[str, str], service_pids: dict[str, int]) -> dict[str, Any]:
    now = dt.datetime.now(dt.UTC)
    load_at_start = list(os.getloadavg())
    tokens = WorkspaceTokens(SECRET, ttl_s=300)
    timeout = httpx.Timeout(60.0)
    async with (
        httpx.AsyncClient(base_url=f"http://127.0.0.1:{PORTS['scoring']}", timeout=timeout) as s,
        httpx.AsyncClient(base_url=f"http://127.0.0.1:{PORTS['bridge']}", timeout=timeout) as b,
        httpx.AsyncClient(base_url=f"http://127.0.0.1:{PORTS['notify']}", timeout=timeout) as n,
        httpx.AsyncClient(base_url=f"http://127.0.0.1:{PORTS['ingest']}", timeout=timeout) as i,
    ):
        api = {
            "scoring": ServiceApi("scoring", s, tokens),
            "bridge": ServiceApi("bridge", b, tokens),
            "notify": ServiceApi("notify", n, tokens),
        }
        print(f"loading {ACCOUNTS} accounts and {THEMES} themes through ingest", flush=True)
        loaded = await load(env, now)
        workspace = loaded["workspace"]
        settled = await settle(api, workspace, loaded["feedback_items"])
        print(f"settled: {settled}", flush=True)
        clients: dict[str, Any] = {
            "scoring": ScoringClient(api["scoring"]),
            "bridge": BridgeClient(api["bridge"]),
            "notify": NotifyClient(api["notify"]),
            "ingest": IngestAdmin(i, ADMIN_TOKEN),
        }
        rng = random.Random(5)
        account_ids = [account_id(k) for k in rng.sample(range(ACCOUNTS), 50)]
        listed = await clients["bridge"].themes(
            workspace, statuses=themes.STATUSES, include_muted=True, limit=200
        )
        theme_ids = [int(t["theme_id"]) for t in listed["themes"]]
        rng.shuffle(theme_ids)
        playbook_ids = [p["id"] for p in await clients["notify"].playbooks(workspace)]
        if not playbook_ids:
            raise RuntimeError("notify lists no playbook")
        await asyncio.to_thread(create_user, env, workspace)
        console_process = await asyncio.to_thread(start_console, data, env)
        try:
            async with httpx.AsyncClient(
                base_url=f"http://127.0.0.1:{PORTS['console']}", timeout=timeout
            ) as console:
                await sign_in(console)
                pages = build_pages(workspace, clients, account_ids, theme_ids, playbook_ids)
                measured = await measure_pages(console, pages, console_process.pid, service_pids)
            console_rss = tree_peak_rss_mb(console_process.pid)
            console_cpu = tree_cpu_seconds(console_process.pid)
        finally:
            await asyncio.to_thread(stop, console_process)
    return {
        "benchmark": "console",
        "when": dt.datetime.now(dt.UTC).isoformat(),
        "machine": machine(load_at_start),
        "workload": {
            "accounts": ACCOUNTS,
            "themes_planned": THEMES,
            "items_per_theme": ITEMS_PER_THEME,
            "usage_days": USAGE_DAYS,
            "rounds_per_page": ROUNDS,
            "page_budget_s": PAGE_BUDGET_S,
            "min_rounds": MIN_ROUNDS,
            "warmup_rounds": WARMUP,
            "databases": "sqlite (every service and the console)",
            "signed_in_as": "console admin (ja)",
        },
        "load": loaded | {"workspace": "(generated by ingest)"},
        "settle": settled,
        "pages": measured,
        "console": {"peak_rss_mb": console_rss, "cpu_s_total": round(console_cpu, 1)},
        "target_p95_ms": TARGET_P95_MS,
        "targets_met": all(row["met"] for row in measured),
    }


def main() -> dict[str, Any]:
    busy = [f"{name}:{port}" for name, port in PORTS.items() if not _port_free(port)]
    if busy:
        raise SystemExit(f"ports in use: {', '.join(busy)}")
    data = Path(tempfile.mkdtemp(prefix="banso-bench-console-"))
    prefix = f"bench.console.{uuid.uuid4().hex[:8]}."
    smtp = Controller(Discard(), hostname="127.0.0.1", port=18125)
    smtp.start()
    env = {
        **os.environ,
        "BANSO_ENV": "development",
        "BANSO_SECRET": SECRET,
        "BANSO_ADMIN_TOKEN": ADMIN_TOKEN,
        "BANSO_TOPIC_PREFIX": prefix,
        "BANSO_DATA_DIR": str(data),
        "BANSO_LOG_LEVEL": "WARNING",
        "KAFKA_BOOTSTRAP_SERVERS": BOOTSTRAP,
        "NOTIFY_SMTP_PORT": str(smtp.port),
        "CONSOLE_COOKIE_SECURE": "false",
        **{f"{name.upper()}_PORT": str(port) for name, port in PORTS.items()},
        **{
            f"CONSOLE_{name.upper()}_URL": f"http://127.0.0.1:{PORTS[name]}"
            for name in ("ingest", "scoring", "bridge", "notify")
        },
    }
    try:
        # The topics first, as `banso topics create` does before a deployment starts.
        asyncio.run(ensure_topics(BOOTSTRAP, prefix=prefix))
        with services(data, env) as running:
            pids = {name: process.pid for name, process in running.items()}
            return asyncio.run(run(data, env, pids))
    finally:
        smtp.stop()
        asyncio.run(delete_topics(BOOTSTRAP, prefix))
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    result = main()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(orjson.dumps(result, option=orjson.OPT_INDENT_2).decode() + "\n")
    print(orjson.dumps(result["pages"], option=orjson.OPT_INDENT_2).decode())

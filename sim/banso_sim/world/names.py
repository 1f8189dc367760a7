"""Names of companies and people, in Japanese and English, with the romanisations e-mail needs."""

from __future__ import annotations

import random
from dataclasses import dataclass

# (written, romanised)
# fmt: off
_JA_COMPANY_CORES: tuple[tuple[str, str], ...] = (
    ("さくら", "sakura"), ("みなと", "minato"), ("青葉", "aoba"), ("東邦", "toho"),
    ("北斗", "hokuto"), ("瑞穂", "mizuho"), ("大和", "yamato"), ("光陽", "koyo"),
    ("新星", "shinsei"), ("丸の内", "marunouchi"), ("若葉", "wakaba"), ("朝日", "asahi"),
    ("富士見", "fujimi"), ("白鷺", "shirasagi"), ("千代田", "chiyoda"), ("はやぶさ", "hayabusa"),
    ("橘", "tachibana"), ("浜松", "hamamatsu"), ("みらい", "mirai"), ("常盤", "tokiwa"),
    ("日向", "hinata"), ("銀河", "ginga"), ("葵", "aoi"), ("高砂", "takasago"),
    ("東雲", "shinonome"), ("あおぞら", "aozora"), ("豊洲", "toyosu"), ("京橋", "kyobashi"),
)
_JA_INDUSTRIES: tuple[tuple[str, str], ...] = (
    ("物流", "logistics"), ("製作所", "works"), ("不動産", "realty"), ("ホールディングス", "hd"),
    ("商事", "trading"), ("システムズ", "systems"), ("フーズ", "foods"), ("メディカル", "medical"),
    ("建設", "kensetsu"), ("電機", "denki"), ("薬品", "pharma"), ("リテール", "retail"),
    ("エナジー", "energy"), ("マーケティング", "marketing"), ("保険サービス", "insurance"),
)
_EN_COMPANY_FIRST: tuple[str, ...] = (
    "Northwind", "Bluefin", "Harbor", "Cedar", "Granite", "Lumen", "Summit", "Copper",
    "Meridian", "Atlas", "Beacon", "Juniper", "Pioneer", "Redwood", "Silverline", "Keystone",
    "Orchard", "Tidewater", "Evergreen", "Fathom",
)
_EN_COMPANY_SECOND: tuple[str, ...] = (
    "Labs", "Logistics", "Health", "Retail", "Systems", "Capital", "Foods", "Robotics",
    "Media", "Energy", "Partners", "Software", "Mobility", "Analytics",
)

_JA_FAMILY: tuple[tuple[str, str], ...] = (
    ("佐藤", "sato"), ("鈴木", "suzuki"), ("高橋", "takahashi"), ("田中", "tanaka"),
    ("伊藤", "ito"), ("渡辺", "watanabe"), ("山本", "yamamoto"), ("中村", "nakamura"),
    ("小林", "kobayashi"), ("加藤", "kato"), ("吉田", "yoshida"), ("山田", "yamada"),
    ("佐々木", "sasaki"), ("山口", "yamaguchi"), ("松本", "matsumoto"), ("井上", "inoue"),
    ("木村", "kimura"), ("林", "hayashi"), ("清水", "shimizu"), ("斎藤", "saito"),
    ("森", "mori"), ("池田", "ikeda"), ("橋本", "hashimoto"), ("石川", "ishikawa"),
)
_JA_GIVEN: tuple[tuple[str, str], ...] = (
    ("翔太", "shota"), ("陽菜", "hina"), ("大輔", "daisuke"), ("美咲", "misaki"),
    ("健太", "kenta"), ("結衣", "yui"), ("拓也", "takuya"), ("彩", "aya"),
    ("直樹", "naoki"), ("由美", "yumi"), ("蓮", "ren"), ("葵", "aoi"),
    ("悠真", "yuma"), ("さくら", "sakura"), ("誠", "makoto"), ("恵", "megumi"),
    ("亮", "ryo"), ("真由美", "mayumi"), ("剛", "tsuyoshi"), ("優子", "yuko"),
)
_EN_GIVEN: tuple[str, ...] = (
    "Emma", "Liam", "Olivia", "Noah", "Ava", "James", "Sophia", "Lucas", "Mia", "Ethan",
    "Chloe", "Daniel", "Grace", "Henry", "Zoe", "Oliver", "Hannah", "Samuel", "Priya", "Wei",
)
_EN_FAMILY: tuple[str, ...] = (
    "Smith", "Johnson", "Brown", "Garcia", "Miller", "Davis", "Wilson", "Taylor", "Clark",
    "Lewis", "Walker", "Hall", "Young", "King", "Wright", "Lopez", "Hill", "Green", "Baker", "Chen",
)

# fmt: on


@dataclass(frozen=True, slots=True)
class CompanyName:
    name: str
    slug: str
    """Romanised, for the e-mail domain."""


@dataclass(frozen=True, slots=True)
class PersonName:
    name: str
    """As the person writes it: `山田 太郎` (family name first) or `Emma Smith`."""
    first_name: str
    last_name: str
    email_local: str
    """Romanised local part: `taro.yamada`."""


def company_name(rng: random.Random, *, japanese: bool) -> CompanyName:
    if japanese:
        core, core_roman = rng.choice(_JA_COMPANY_CORES)
        industry, industry_roman = rng.choice(_JA_INDUSTRIES)
        # Both spellings are common; "株式会社" before the name is the more frequent one.
        name = f"株式会社{core}{industry}" if rng.random() < 0.7 else f"{core}{industry}株式会社"
        return CompanyName(name, f"{core_roman}-{industry_roman}")
    first = rng.choice(_EN_COMPANY_FIRST)
    second = rng.choice(_EN_COMPANY_SECOND)
    return CompanyName(f"{first} {second}", f"{first}-{second}".lower())


def person_name(rng: random.Random, *, japanese: bool) -> PersonName:
    if japanese:
        family, family_roman = rng.choice(_JA_FAMILY)
        given, given_roman = rng.choice(_JA_GIVEN)
        return PersonName(f"{family} {given}", given, family, f"{given_roman}.{family_roman}")
    given_en = rng.choice(_EN_GIVEN)
    family_en = rng.choice(_EN_FAMILY)
    return PersonName(
        f"{given_en} {family_en}", given_en, family_en, f"{given_en}.{family_en}".lower()
    )

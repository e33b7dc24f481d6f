"""The sheets of a district workbook (and files of a CSV folder) and their columns, in English and
Chinese with what each allows (the template's instructions and docs/district.md say the same), and
how a sheet or column is recognised by either name."""

from __future__ import annotations

import re
from dataclasses import dataclass

from coop_agents.network.profiles import MIN_COMMUNITY


@dataclass(frozen=True)
class Column:
    """One column of a sheet: its key, bilingual header, whether it must be filled, and its help."""

    key: str
    en: str
    zh: str
    required: bool
    allowed_en: str
    allowed_zh: str
    help_en: str
    help_zh: str

    @property
    def header(self) -> str:
        return f"{self.en} / {self.zh}"


@dataclass(frozen=True)
class Sheet:
    key: str
    en: str
    zh: str
    file: str  # in a CSV folder
    required: bool
    columns: tuple[Column, ...]
    help_en: str
    help_zh: str

    @property
    def title(self) -> str:
        return f"{self.en} {self.zh}"  # a workbook's sheet name: no "/" allowed there


# The last column of every sheet: free text for the user, never read.
NOTES = Column(
    "notes",
    "notes",
    "备注",
    False,
    "any text (not read)",
    "任意文本（不读取）",
    "For your own notes.",
    "供您自己备注。",
)


def _params():
    from coop_agents.config import PARAMETERS

    return PARAMETERS


PROFILE_ZH = {"urban": "城市社区", "old_urban": "老旧小区", "rural": "农村社区"}
SPECIALTY_ZH = {
    "care": "生活照护",
    "logistics": "物资保障",
    "psychological": "心理支持",
    "expert": "专家服务",
}
CHANNEL_ZH = {
    "admin": "行政",
    "party": "党组织",
    "contract": "购买服务",
    "command": "统一指挥",
    "branch": "同级党政",
    "peer": "相邻",
    "service": "服务",
    "overlay": "大党委",
    "platform": "平台",
}
TIE_CHANNELS = tuple(CHANNEL_ZH)  # ties between organisations (contact and grid ties join residents)
FIXED = {  # organisations every district has, by the names a tie may give them
    "government": ("district government", "区政府"),
    "district_party": ("district party committee", "区委"),
    "platform": ("response platform", "应急平台"),
}
PARTY_PREFIXES = ("party:", "党:", "党：", "party：")


def _sheets() -> dict[str, Sheet]:
    P = _params()
    share_high = P["party_member_share"].high
    latency_high = max(P[f"{k}_latency"].high for k in ("vertical", "horizontal", "platform"))
    return {
        "communities": Sheet(
            "communities",
            "communities",
            "社区",
            "communities.csv",
            True,
            (
                Column(
                    "name",
                    "name",
                    "社区名称",
                    True,
                    "text, unique",
                    "文本，不可重复",
                    "The community (residents' or villagers' committee); ties name it.",
                    "社区（居委会或村委会）的名称；其他联系表用它指代该社区。",
                ),
                Column(
                    "street_office",
                    "street office",
                    "所属街道",
                    True,
                    "text",
                    "文本",
                    "The street office (or township) the community belongs to; communities with the same "
                    "street office form one street, in the order of their rows.",
                    "所属街道办事处（或乡镇）；同一街道的社区按行的顺序组成一个街道。",
                ),
                Column(
                    "residents",
                    "residents",
                    "居民人数",
                    True,
                    f"whole number, at least {MIN_COMMUNITY}",
                    f"整数，不少于{MIN_COMMUNITY}",
                    f"Residents of the community; the district's total must be from {P['residents'].low:,} to "
                    f"{P['residents'].high:,} and fit this machine's memory.",
                    f"社区居民人数；全区合计须在{P['residents'].low:,}至{P['residents'].high:,}之间，且不超出本机内存。",
                ),
                Column(
                    "profile",
                    "profile",
                    "社区类型",
                    True,
                    "urban, old_urban or rural",
                    "城市社区（urban）、老旧小区（old_urban）或农村社区（rural）",
                    "The community type: sets daily contacts per resident (urban 8, old_urban 10, rural 6) and "
                    "the defaults of the four columns after it.",
                    "社区类型：决定每位居民每日接触人数（城市8、老旧小区10、农村6），以及后面四列留空时的默认值。",
                ),
                Column(
                    "share_vulnerable",
                    "share vulnerable",
                    "弱势群体比例",
                    False,
                    "0 to 1 (or 12%); blank: the profile's",
                    "0至1（或12%）；留空取社区类型的默认值",
                    "Share of residents who are vulnerable (elderly living alone, sick, disabled: 老弱病残); "
                    "blank: urban 0.12, old_urban 0.28, rural 0.22.",
                    "弱势居民（独居老人、病人、残疾人等）所占比例；留空时城市0.12、老旧小区0.28、农村0.22。",
                ),
                Column(
                    "share_party",
                    "share party members",
                    "党员比例",
                    False,
                    f"0 to {share_high:g}; blank: the scenario's party_member_share",
                    f"0至{share_high:g}；留空取情景的党员比例（party_member_share）",
                    "Share of residents who are party members (mobilised as volunteers by the party branch).",
                    "党员所占比例（由社区党支部动员为志愿者）。",
                ),
                Column(
                    "infrastructure",
                    "infrastructure",
                    "基础设施水平",
                    False,
                    "0 to 1; blank: the profile's",
                    "0至1；留空取社区类型的默认值",
                    "Technology level of the community (sensors, networks): raises detection; blank: urban "
                    "0.75, old_urban 0.35, rural 0.20.",
                    "社区技术水平（传感器、网络等），提高发现能力；留空时城市0.75、老旧小区0.35、农村0.20。",
                ),
                Column(
                    "trust",
                    "trust",
                    "居民信任度",
                    False,
                    "0 to 1; blank: the profile's",
                    "0至1；留空取社区类型的默认值",
                    "Residents' trust in the committee at the start: how readily they follow its measures and "
                    "warnings; blank: urban 0.70, old_urban 0.45, rural 0.65.",
                    "初始时居民对社区的信任：影响居民是否遵从措施和预警；留空时城市0.70、老旧小区0.45、农村0.65。",
                ),
                NOTES,
            ),
            "One row per community. Rows of one street office are kept together, in their order: "
            "neighbouring rows are neighbouring communities (peers, and some residents' contacts reach the "
            "next community).",
            "每个社区一行。同一街道的社区保持在一起、按行的顺序排列：相邻的行即相邻的社区（互为相邻社区，部分居民与下一社区有接触）。",
        ),
        "organisations": Sheet(
            "organisations",
            "social organisations",
            "社会组织",
            "organisations.csv",
            False,
            (
                Column(
                    "name",
                    "name",
                    "组织名称",
                    True,
                    "text, unique",
                    "文本，不可重复",
                    "The social organisation (NGO, volunteer team, property company, expert service).",
                    "社会组织（社会服务机构、志愿队、物业公司、专家服务等）名称。",
                ),
                Column(
                    "specialty",
                    "specialty",
                    "专长",
                    True,
                    "care, logistics, psychological or expert",
                    "生活照护（care）、物资保障（logistics）、心理支持（psychological）或专家服务（expert）",
                    "What its help does besides meeting needs, when the pattern's specialties lever says so.",
                    "在满足居民需求之外其帮助的作用（当模式启用“社会组织专长”时）。",
                ),
                Column(
                    "serves",
                    "communities served",
                    "服务社区",
                    True,
                    "community names, separated by ; or 、 (at most "
                    f"{_params()['communities_per_organisation'].high})",
                    f"社区名称，以“;”或“、”分隔（最多{_params()['communities_per_organisation'].high}个）",
                    "The communities it serves; it is tied to each of their committees, is contracted by the "
                    "government, and reached by the party committees of their street offices.",
                    "其服务的社区；它与这些社区的居委会相连，由区政府购买服务，并与这些社区所属街道的党工委相连。",
                ),
                NOTES,
            ),
            "One row per social organisation; leave the sheet empty if there are none.",
            "每个社会组织一行；若无社会组织，此表留空。",
        ),
        "ties": Sheet(
            "ties",
            "extra ties",
            "其他联系",
            "ties.csv",
            False,
            (
                Column(
                    "from",
                    "from",
                    "起点",
                    True,
                    "an organisation's name (see below)",
                    "组织名称（见下文）",
                    "One end of the tie.",
                    "联系的一端。",
                ),
                Column(
                    "to",
                    "to",
                    "终点",
                    True,
                    "an organisation's name",
                    "组织名称",
                    "The other end.",
                    "另一端。",
                ),
                Column(
                    "channel",
                    "channel",
                    "渠道",
                    True,
                    ", ".join(TIE_CHANNELS),
                    "、".join(f"{v}（{k}）" for k, v in CHANNEL_ZH.items()),
                    "Which line or block the tie belongs to; each joins certain kinds of organisation "
                    "(e.g. peer: two committees or two street offices).",
                    "联系所属的条线或块；每种渠道只连接特定类型的组织（如相邻：两个社区或两个街道）。",
                ),
                Column(
                    "latency",
                    "latency (days)",
                    "时延（天）",
                    False,
                    f"0 to {latency_high:g} days; blank: the pattern's latency for its link",
                    f"0至{latency_high:g}天；留空取模式对该类联系的时延",
                    "Days a message takes to cross this tie, overriding the pattern's vertical, horizontal or "
                    "platform latency for this tie only.",
                    "消息通过此联系所需天数，仅对此联系覆盖模式的纵向、横向或平台时延。",
                ),
                NOTES,
            ),
            "Optional: ties the builder's rules do not make (e.g. two communities of different streets that "
            "cooperate), or a latency of its own for a tie the rules make (give its channel). An organisation "
            "is named as in the other sheets (community, street office, social organisation), or 'district "
            "government', 'district party committee', 'response platform', or party:NAME for the party body "
            "of a community or street office.",
            "可选：规则之外的联系（如不同街道的两个社区相互协作），或为规则已有的联系设定其自己的时延（填写其渠道）。"
            "组织名称与其他表相同（社区、街道、社会组织），或“区政府”“区委”“应急平台”，或“党:名称”表示某社区或街道的党组织。",
        ),
    }


SHEETS = _sheets()


def _norm(text: str) -> str:
    text = re.sub(r"[（(][^)）]*[)）]", "", str(text))  # units in brackets
    return re.sub(r"[\s_]+", " ", text).strip().lower()


def _column_of(sheet: Sheet, header: str) -> Column | None:
    parts = {_norm(p) for p in re.split(r"[/／]", str(header))} | {_norm(header)}
    for col in sheet.columns:
        if parts & {_norm(col.en), _norm(col.zh), _norm(col.key), _norm(col.header)}:
            return col
    return None


def _sheet_of(name: str) -> Sheet | None:
    aliases = {
        "communities": {"communities", "community", "社区"},
        "organisations": {
            "organisations",
            "organizations",
            "social organisations",
            "social organizations",
            "社会组织",
        },
        "ties": {"ties", "extra ties", "其他联系", "联系"},
    }
    text = _norm(name)
    words = set(re.split(r"[\s/／]+", text)) | {text}
    for key, names in aliases.items():
        if words & names or any(text.startswith(n + " ") for n in names if " " in n):
            return SHEETS[key]
    return None

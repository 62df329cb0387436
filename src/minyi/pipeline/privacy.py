"""Detect and mask personal data in free text, keeping the shape of what is masked.

Public pages, API answers and exports show text through :func:`mask_text`.

Kinds, in the fixed priority order in which they are looked for (a span taken by
an earlier kind cannot be taken again, so overlapping findings resolve once):

============ ================================================ ======================
kind         what                                             masked shape
============ ================================================ ======================
email        ``name@example.com``                             ``n***@example.com``
id_card      18-digit resident ID (check digit, birth date,   ``430***********1234``
             province) or 15-digit old ID (birth date)         (first 3, last 4)
bank_card    16–19 digits passing Luhn, maybe grouped in 4s   ``6222***********1234``
qq           5–11 digits after ``QQ``/``qq号``/``扣扣``         ``12*****89``
wechat       id or phone after ``微信``/``微信号``/``wx``/``vx``  ``zh******88``
mobile       ``1[3-9]x xxxx xxxx``, optional ``+86``/``86``     ``138****5678``
landline     ``0731-84123456``, ``(0731)84123456``, ``-801``    ``0731-******56``
plate        ``湘A12345``, ``湘A·D12345``, ``粤B 8N888``         ``湘A*****``
name         2–3 Han characters after ``我叫``/``本人``/``我是``/   ``张**``
             ``姓名：``/``联系人：``, with a common surname
============ ================================================ ======================

Digit runs are matched only whole (a phone inside a longer run of digits is not a
phone).  Numbers masked to their compact form drop inner spaces and dashes
(``138 1234 5678`` → ``138****5678``); a landline keeps its area code as written.

Left alone on purpose: numbers introduced by 订单/单号/编号/工单/案号 and the
like, URLs, dates, amounts, times, room numbers, postal codes, 18-digit numbers
with a wrong check digit or an impossible birth date, and 16–19-digit numbers
failing Luhn.  Masked text contains no run that any rule matches again, so masking
is idempotent.  Full-width digits and letters are matched as their ASCII forms.

Known gaps: names not introduced, of four characters or with a rare surname;
addresses; IDs with a typo in the check digit; passports and other permits; numbers
glued to Latin letters (``tel13812345678``); unusual groupings (``1381 234 5678``);
landlines without a separator; QQ and WeChat ids without their introduction; any
number right after an order-like word or inside a URL.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left, insort
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Self

__all__ = [
    "KINDS",
    "Finding",
    "PersonalDataMasker",
    "id_checksum_ok",
    "luhn_ok",
    "mask_contact_value",
    "mask_text",
]

#: Every kind, in priority order.
KINDS: tuple[str, ...] = (
    "email", "id_card", "bank_card", "qq", "wechat", "mobile", "landline", "plate", "name",
)  # fmt: skip

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
#: First two digits of resident IDs: the provinces (83: residence permits for Taiwan residents).
_ID_PROVINCES = frozenset(
    str(n) for n in (*range(11, 16), *range(21, 24), *range(31, 38), *range(41, 47), *range(50, 55))
) | frozenset(str(n) for n in (*range(61, 66), 71, 81, 82, 83))
_ID18_LEN, _ID15_LEN = 18, 15
_CARD_MIN, _CARD_MAX = 16, 19
_PLATE_MIN_DIGITS = 3


def _word_set(*lines: str) -> frozenset[str]:
    """The space-separated words of ``lines``."""
    return frozenset(" ".join(lines).split())


# Boundaries: a number is matched only when not glued to other digits or letters.
_B = r"(?<![0-9A-Za-z])"
_E = r"(?![0-9A-Za-z])"
_DAY = r"(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"
_MOBILE_CORE = r"(?:(?:\+|00)?86[- ]?)?1[3-9][0-9][- ]?[0-9]{4}[- ]?[0-9]{4}"
_HAN = "\u4e00-\u9fff"

_COLON = "[:：]"
_ORDER_WORDS = _word_set("订单 单号 编号 工单 流水 运单 发票 合同 案号 案件 批次 受理 回执 序列 条码 票号")
_URL = re.compile(r"(?i:https?://|www\.)[A-Za-z0-9._~:/?#@!$&*+=%-]+")
_ORDER = re.compile(
    r"(?:订单|单号|(?<!证)编号|工单|流水|运单|发票|合同|案号|案件|批次|受理|回执|序列|条码|票号)"
    rf"(?:编号|号码|号)?\s*(?:为|是)?\s*(?:{_COLON}|[#＃])?\s*(?P<v>[A-Za-z0-9][A-Za-z0-9-]*)"
)
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])(?P<local>[A-Za-z0-9][A-Za-z0-9._%+-]{0,63})@"
    r"(?P<domain>(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24})(?![A-Za-z0-9-])"
)
_ID_CARD = re.compile(
    _B + rf"(?:[1-8][0-9]{{5}} ?(?:19|20)[0-9]{{2}}{_DAY} ?[0-9]{{3}}[0-9Xx]"
    rf"|[1-8][0-9]{{7}}{_DAY}[0-9]{{3}})" + _E
)
_BANK_CARD = re.compile(
    _B + r"(?:[3-69][0-9]{15,18}|[3-69][0-9]{3}(?:[ -][0-9]{4}){3}(?:[ -][0-9]{1,3})?)" + _E
)
_QQ = re.compile(
    rf"(?<![A-Za-z])(?:[Qq]{{2}}|扣扣)(?:号码?|账号)?\s*{_COLON}?\s*(?:是|为)?\s*(?P<v>[1-9][0-9]{{4,10}})"
    + _E
)
_WECHAT = re.compile(
    r"(?:微信|[Vv]信|(?<![A-Za-z])(?i:wx|vx|weixin|wechat)(?![A-Za-z0-9_]))"
    rf"(?P<mark>(?:号码?|账号|[Ii][Dd])?\s*{_COLON}?\s*(?:是|为)?)\s*"
    rf"(?P<v>{_MOBILE_CORE}|[A-Za-z][-_A-Za-z0-9]{{5,19}})(?![-_A-Za-z0-9])"
)
_WXID = re.compile(r"(?<![-_A-Za-z0-9])wxid_[A-Za-z0-9]{6,20}(?![-_A-Za-z0-9])")
_MOBILE = re.compile(
    _B + r"(?P<prefix>(?:\+|00)?86[- ]?)?(?P<a>1[3-9][0-9])[- ]?[0-9]{4}[- ]?(?P<c>[0-9]{4})" + _E
)
_AREA = r"(?:010|02[0-9]|0[3-9][0-9]{2})"
_LANDLINE = re.compile(
    _B + rf"(?P<area>[(（]{_AREA}[)）] ?|{_AREA}[- ])(?P<num>[2-9][0-9]{{6,7}})"
    r"(?P<ext>(?:-|转|ext\.?)[0-9]{1,5})?" + _E
)
_PLATE = re.compile(
    r"(?P<p>[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼])(?P<l>[A-HJ-NP-Za-hj-np-z])"
    r"[·•・. -]?(?P<t>[A-HJ-NP-Za-hj-np-z0-9]{4}(?:[A-HJ-NP-Za-hj-np-z0-9]{1,2}|[挂学警港澳]))" + _E
)
_NAME = re.compile(
    r"(?:我叫|我的名字(?:是|叫)|本人(?:叫|名叫|姓名)?|我是|(?:姓名|联系人)\s*[:：]?)\s*"
    rf"(?P<v>[{_HAN}]{{2,3}}?)(?=[^{_HAN}]|家住|住|电话|手机|身份证|联系|\Z)"
)
_NAME_INTROS = ("我叫", "我的名字", "本人", "我是", "姓名", "联系人")


_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康"
    "施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗"
    "谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜"
    "冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
_COMPOUND_SURNAMES = _word_set(
    "欧阳 司马 诸葛 上官 东方 皇甫 令狐 慕容 尉迟 公孙 长孙 宇文 夏侯 端木 司徒 西门 南宫"
)
_NOT_NAMES = _word_set(
    "业主 市民 居民 家长 学生 老师 一名 本地 外地 租户 住户 村民 员工 职工 患者 病人 党员",
    "退休 个体 游客 司机 商户 房东 新市民 高中生 大学生 中学生 小学生 初中生 研究生 外卖员",
    "快递员 老人 老年人 残疾人 农民 农民工 工人 教师 医生 护士 律师 车主 网友 群众 消费者",
    "投诉人 当事人 受害者 本人 这里 那里 这个 什么 单位 公司 代表 志愿者 宝妈 孕妇 业委会",
    "物业 社区 网格员 店主 老板 商家 孩子 女儿 儿子 父亲 母亲 家属 邻居 楼上 楼下 明天 时候",
    "高三 高一 高二 初三 万达 金融 石油 文化 全职 应届 成都 武汉 江西 江苏 湖南 湖北 长沙",
    "常德 岳阳 邵阳 衡阳 房子 房屋 车辆 车子 车位 全家 时间 方面 明年 关于 路灯 路面 高层 万一",
    "应该 常年 连续 安全",
)
_NOT_NAME_CHARS = frozenset("的了在是我你他她们想要来去说和与及或被把这那哪个些都也就还又再很")
#: Characters that do not follow a surname in a name, but do follow 本人/我是 in a sentence (本人于今年).
_NOT_GIVEN_CHARS = frozenset("年今昨已曾将于向从对为因所给让叫称多次")

# Full-width digits and letters (and the signs inside numbers) are matched on an ASCII copy of the text.
_FULLWIDTH_RE = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\uff0b\uff0d\uff20\u3000]")
_FULLWIDTH_TABLE = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_HAS_DIGIT = re.compile("[0-9]").search
_HAS_PROVINCE = re.compile("[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼]").search
_HAS_WECHAT_WORD = re.compile("(?i)wechat").search
#: Cores the rules' matches must hold; quick to search (the rules start with look-behinds).
_HAS_MOBILE_CORE = re.compile("1[3-9][0-9][- ]?[0-9]{4}[- ]?[0-9]{4}").search
_HAS_SIX_DIGITS = re.compile("[0-9]{6}").search  # both ID forms start with six digits in a row
_HAS_EIGHT_DIGITS = re.compile("[0-9]{4}[ -]?[0-9]{4}").search  # both bank card forms hold these
_WECHAT_INTRO = re.compile("微信|[Vv]信|[WwVv][Xx]|(?i:weixin|wechat)").search  # every intro _WECHAT takes


def id_checksum_ok(number: str) -> bool:
    """Whether an 18-digit resident ID number has a valid check character."""
    if len(number) != _ID18_LEN or not number[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17].upper()


def luhn_ok(number: str) -> bool:
    """Whether a card number passes the Luhn check."""
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2  # noqa: PLR2004 - Luhn doubling
        total += d
    return total % 10 == 0


def _birth_date_ok(year: int, month: int, day: int) -> bool:
    """Whether a birth date is a real day between 1900-01-01 and today."""
    try:
        born = dt.date(year, month, day)
    except ValueError:
        return False
    return dt.date(1900, 1, 1) <= born <= dt.date.today()  # noqa: DTZ011 - a calendar day is meant


def resident_id_ok(number: str) -> bool:
    """Whether ``number`` (digits only) is a plausible 18- or 15-digit resident ID."""
    if number[:2] not in _ID_PROVINCES:
        return False
    if len(number) == _ID18_LEN:
        birth = int(number[6:10]), int(number[10:12]), int(number[12:14])
        return _birth_date_ok(*birth) and id_checksum_ok(number)
    if len(number) == _ID15_LEN:
        return _birth_date_ok(1900 + int(number[6:8]), int(number[8:10]), int(number[10:12]))
    return False


def _compact(value: str) -> str:
    """``value`` without the spaces and dashes that group its digits."""
    return value.replace(" ", "").replace("-", "")


def _keep_ends(value: str, head: int, tail: int, char: str) -> str:
    """``value`` with all but ``head`` leading and ``tail`` trailing characters masked."""
    return value[:head] + char * (len(value) - head - tail) + value[len(value) - tail :]


# Each mask function returns the masked text, or None when the match is not accepted.
MaskFunction = Callable[[re.Match[str], str], str | None]


def _mask_email(m: re.Match[str], char: str) -> str:
    return f"{m['local'][:1]}{char * 3}@{m['domain']}"


def _mask_id(m: re.Match[str], char: str) -> str | None:
    number = _compact(m[0])
    return _keep_ends(number, 3, 4, char) if resident_id_ok(number) else None


def _mask_bank(m: re.Match[str], char: str) -> str | None:
    number = _compact(m[0])
    if not _CARD_MIN <= len(number) <= _CARD_MAX or not luhn_ok(number):
        return None
    if len(number) == _ID18_LEN and number[:2] in _ID_PROVINCES:
        return None  # shaped like a resident ID that failed its checks: a decoy, not a card
    return _keep_ends(number, 4, 4, char)


def _mask_qq(m: re.Match[str], char: str) -> str:
    return _keep_ends(m["v"], 2, 2, char)


def _mask_phone_value(value: str, char: str) -> str:
    """Mask a mobile number written as ``value`` (prefix kept, separators dropped)."""
    digits = _compact(value)
    prefix = value[: value.find("1")]  # "+86 ", "0086-" or ""; a mobile number starts with 1
    return f"{prefix}{digits[-11:-8]}{char * 4}{digits[-4:]}"


def _mask_wechat(m: re.Match[str], char: str) -> str | None:
    value = m["v"]
    if value[0].isdigit() or value[0] == "+":
        return _mask_phone_value(value, char)
    if value.isalpha() and not m["mark"].strip():
        return None  # "微信 Android": an English word, unless introduced as an id
    return _keep_ends(value, 2, 2, char)


def _mask_wxid(m: re.Match[str], char: str) -> str:
    return _keep_ends(m[0], 2, 2, char)


def _mask_mobile(m: re.Match[str], char: str) -> str:
    return f"{m['prefix'] or ''}{m['a']}{char * 4}{m['c']}"


def _mask_landline(m: re.Match[str], char: str) -> str:
    return f"{m['area']}{_keep_ends(m['num'], 0, 2, char)}{m['ext'] or ''}"


def _mask_plate(m: re.Match[str], char: str) -> str | None:
    tail = m["t"]
    if sum(c.isdigit() for c in tail) < _PLATE_MIN_DIGITS:
        return None
    return f"{m['p']}{m['l']}{char * len(tail)}"


def _mask_name(m: re.Match[str], char: str) -> str | None:
    name = m["v"]
    if name in _NOT_NAMES or name[:2] in _NOT_NAMES or _NOT_NAME_CHARS.intersection(name):
        return None
    if _NOT_GIVEN_CHARS.intersection(name[1:]):
        return None
    if len(name) == 3 and name.endswith("人"):  # noqa: PLR2004 - 江苏人, 外地人
        return None
    surname = name[:2] if name[:2] in _COMPOUND_SURNAMES else name[:1]
    if surname not in _SURNAMES and surname not in _COMPOUND_SURNAMES:
        return None
    return surname + char * (len(name) - len(surname))


def _has_name_intro(text: str) -> bool:
    return any(intro in text for intro in _NAME_INTROS)


def _has_order_word(text: str) -> bool:
    return any(word in text for word in _ORDER_WORDS)


def _has_url(text: str) -> bool:
    return "://" in text or "www." in text.lower()


def _has_wechat_intro(text: str) -> bool:
    likely = "信" in text or "x" in text or "X" in text or _HAS_WECHAT_WORD(text) is not None
    return likely and _WECHAT_INTRO(text) is not None  # cheap tests first


def _has_qq_intro(text: str) -> bool:
    return "q" in text or "Q" in text or "扣扣" in text


def _has_plate(text: str) -> bool:
    return _HAS_DIGIT(text) is not None and _HAS_PROVINCE(text) is not None


def _reserve(_m: re.Match[str], _char: str) -> str:
    return ""


@dataclass(frozen=True, slots=True)
class Finding:
    """One piece of personal data found in a text.

    Attributes:
        kind: one of :data:`KINDS`.
        start: offset of the first character in the text.
        end: offset just past the last character.
        value: the text between ``start`` and ``end``, as written.
        masked: what replaces ``value`` in masked text.
    """

    kind: str
    start: int
    end: int
    value: str
    masked: str


@dataclass(frozen=True, slots=True)
class Rule:
    """One kind of personal data: its pattern, which group is the value, how to mask it."""

    kind: str
    pattern: re.Pattern[str]
    mask: MaskFunction
    group: int | str = 0
    applies: Callable[[str], object] | None = None


RULES: tuple[Rule, ...] = (
    Rule("email", _EMAIL, _mask_email, applies=lambda t: "@" in t),
    Rule("id_card", _ID_CARD, _mask_id, applies=_HAS_SIX_DIGITS),
    Rule("bank_card", _BANK_CARD, _mask_bank, applies=_HAS_EIGHT_DIGITS),
    Rule("qq", _QQ, _mask_qq, "v", applies=_has_qq_intro),
    Rule("wechat", _WECHAT, _mask_wechat, "v", applies=_has_wechat_intro),
    Rule("wechat", _WXID, _mask_wxid, applies=lambda t: "wxid_" in t),
    Rule("mobile", _MOBILE, _mask_mobile, applies=_HAS_MOBILE_CORE),
    Rule("landline", _LANDLINE, _mask_landline, applies=lambda t: "0" in t),
    Rule("plate", _PLATE, _mask_plate, applies=_has_plate),
    Rule("name", _NAME, _mask_name, "v", applies=_has_name_intro),
)

#: Spans that no rule may take: URLs and numbers introduced as orders, cases, invoices...
RESERVED: tuple[Rule, ...] = (
    Rule("url", _URL, _reserve, applies=_has_url),
    Rule("order", _ORDER, _reserve, "v", applies=_has_order_word),
)
_RESERVED_KINDS = frozenset(rule.kind for rule in RESERVED)


class _Spans:
    """Disjoint ``(start, end)`` spans already taken, kept sorted."""

    def __init__(self) -> None:
        self.spans: list[tuple[int, int]] = []

    def free(self, start: int, end: int) -> bool:
        """Whether ``[start, end)`` overlaps no taken span."""
        i = bisect_left(self.spans, (start, end))
        if i > 0 and self.spans[i - 1][1] > start:
            return False
        return not (i < len(self.spans) and self.spans[i][0] < end)

    def take(self, start: int, end: int) -> None:
        """Mark ``[start, end)`` as taken."""
        insort(self.spans, (start, end))


class PersonalDataMasker:
    """Find and mask personal data (see the module docstring for kinds and shapes).

    Follows scikit-learn conventions: settings are stored by ``__init__``,
    :meth:`fit` checks them and picks the rules (``rules_``), learning nothing
    from the data; :meth:`transform` masks.  Methods fit lazily when ``fit`` was
    not called.

    Args:
        kinds: kinds to detect, any of :data:`KINDS`; ``None`` means all.
        mask_char: the single character that replaces masked characters.
    """

    def __init__(self, *, kinds: Iterable[str] | None = None, mask_char: str = "*") -> None:
        """Store the settings unchanged (scikit-learn convention)."""
        self.kinds = kinds
        self.mask_char = mask_char

    def fit(self, texts: Iterable[str] | None = None) -> Self:  # noqa: ARG002 - API symmetry
        """Check the settings and select the rules.

        Args:
            texts: ignored; accepted for pipeline symmetry.

        Returns:
            ``self``.

        Raises:
            ValueError: for an unknown kind, or a mask character that is not one
                character or that a rule could match (a letter or digit).
        """
        wanted = set(KINDS if self.kinds is None else self.kinds)
        unknown = wanted.difference(KINDS)
        if unknown:
            raise ValueError(f"unknown kinds {sorted(unknown)}; known: {', '.join(KINDS)}")
        if len(self.mask_char) != 1 or self.mask_char.isalnum() or self.mask_char.isspace():
            raise ValueError(f"mask_char must be one non-alphanumeric character, not {self.mask_char!r}")
        self.rules_ = tuple(rule for rule in RULES if rule.kind in wanted)
        return self

    def find(self, text: str | None) -> list[Finding]:
        """Personal data in ``text``, in text order; empty for ``None`` or ``""``."""
        if not text:
            return []
        if not hasattr(self, "rules_"):
            self.fit()
        probe = text.translate(_FULLWIDTH_TABLE) if _FULLWIDTH_RE.search(text) else text
        taken = _Spans()
        findings: list[Finding] = []
        for rule in RESERVED + self.rules_:
            if rule.applies is not None and not rule.applies(probe):
                continue
            for m in rule.pattern.finditer(probe):
                start, end = m.span(rule.group)
                if not taken.free(start, end):
                    continue
                masked = rule.mask(m, self.mask_char)
                if masked is not None:
                    taken.take(start, end)
                    if rule.kind not in _RESERVED_KINDS:
                        findings.append(Finding(rule.kind, start, end, text[start:end], masked))
        findings.sort(key=lambda f: f.start)
        return findings

    def mask(self, text: str | None) -> str:
        """``text`` with every finding replaced by its masked form; ``""`` for ``None``."""
        if not text:
            return ""
        findings = self.find(text)
        if not findings:
            return text
        parts: list[str] = []
        last = 0
        for f in findings:
            parts += (text[last : f.start], f.masked)
            last = f.end
        parts.append(text[last:])
        return "".join(parts)

    def transform(self, texts: Iterable[str | None]) -> list[str]:
        """Masked copies of ``texts``, in order."""
        return [self.mask(text) for text in texts]

    def fit_transform(self, texts: Iterable[str | None]) -> list[str]:
        """:meth:`fit` then :meth:`transform`."""
        return self.fit(None).transform(texts)


_DEFAULT = PersonalDataMasker().fit()


def mask_text(text: str | None) -> str:
    """``text`` with personal data masked (138****1234); empty for None."""
    return _DEFAULT.mask(text)


def mask_contact_value(value: str | None) -> str:
    """A contact value (phone, e-mail, name) masked for display to staff lists."""
    if not value:
        return ""
    masked = mask_text(value)
    if masked != value:
        return masked
    return value[:1] + "*" * max(len(value) - 1, 1)

"""The rules of :mod:`minyi.pipeline.privacy`: one pattern, quick test and mask function per kind.

:mod:`minyi.pipeline.privacy` holds the masking engine (:class:`~minyi.pipeline.privacy.PersonalDataMasker`
and :func:`~minyi.pipeline.privacy.mask_text`) and documents the kinds and their masked shapes;
this module holds what the engine runs: the patterns of the checksum rules (e-mail, IDs, bank
cards, QQ, WeChat, mobiles, landlines, plates), their mask functions, the cheap tests that skip
a rule for a text that cannot hold its match, and :data:`RULES` and :data:`RESERVED` in the
order the engine applies them.  Rules for the rarer forms live in ``privacy_numbers`` (cued
numbers, rooms), ``privacy_spoken`` (mobiles in numerals), ``privacy_permits`` (passports,
permits, spaced plates) and ``privacy_names``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from minyi.pipeline import privacy_foreign as _foreign
from minyi.pipeline import privacy_ids as _ids
from minyi.pipeline import privacy_numbers as _numbers
from minyi.pipeline import privacy_permits as _permits
from minyi.pipeline import privacy_spoken as _spoken
from minyi.pipeline.privacy_names import (
    CLASSMATE,
    KIN_NAME,
    NAME,
    OFFICIAL,
    PUPIL,
    STUDENT,
    TEACHER,
    TITLE_NAME,
    has_classmate,
    has_kin_intro,
    has_name_intro,
    has_official,
    has_student,
    has_teacher,
    mask_name_match,
    mask_title_name,
)
from minyi.pipeline.privacy_numbers import luhn_ok, resident_id_ok

__all__ = ["RESERVED", "RESERVED_KINDS", "RULES", "MaskFunction", "ReadFunction", "Rule"]

_compact, _keep_ends = _numbers.compact, _numbers.keep_ends

_PLATE_MIN_DIGITS = 3
_ID18_LEN = 18


def _word_set(*lines: str) -> frozenset[str]:
    """The space-separated words of ``lines``."""
    return frozenset(" ".join(lines).split())


# Boundaries: a number is matched only when not glued to other digits or letters.
_B = r"(?<![0-9A-Za-z])"
_E = r"(?![0-9A-Za-z])"
_DAY = r"(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"
_MOBILE_CORE = r"(?:(?:\+|00)?86[- ]?)?1[3-9][0-9][- ]?[0-9]{4}[- ]?[0-9]{4}"

_COLON = "[:：]"
_ORDER_WORDS = _word_set("订单 单号 编号 工单 流水 运单 发票 合同 案号 案件 批次 受理 回执 序列 条码 票号")
# www. after @ (or inside a word) is an e-mail's domain (0@www.com), not the start of a URL.
_URL = re.compile(r"(?i:https?://|(?<![@A-Za-z0-9._%+-])www\.)[A-Za-z0-9._~:/?#@!$&*+=%-]+")
_ORDER = re.compile(
    r"(?:订单|单号|(?<![证照])(?<!证档案)编号|工单|流水|运单|发票|合同|案号|案件|批次|受理|回执|序列|条码|票号)"
    rf"(?:编号|号码|号)?\s*(?:为|是)?\s*(?:{_COLON}|[#＃])?\s*(?P<v>[A-Za-z0-9][A-Za-z0-9-]*)"
)
#: The Chinese top-level domains (ICANN's list): an e-mail at ``abc.中国`` was shown in full.
_HAN_TLDS = (
    "中国|中國|公司|网络|網絡|在线|网址|网店|商城|企业|集团|政务|公益|手机|移动"
    "|游戏|娱乐|信息|商标|广东|佛山|我爱你|时尚|购物|健康|招聘|八卦|餐厅|微博"
)
_EMAIL = re.compile(  # a space on either side of @ keeps a link from forming (zhangsan @qq.com)
    r"(?<![A-Za-z0-9._%+-])(?P<local>[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}) ?@ ?"
    # a Chinese TLD (.中国, .公司 …, from a list: Chinese text runs on after it) or its punycode
    r"(?P<domain>(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
    rf"(?:[A-Za-z]{{2,24}}|xn--[a-z0-9-]{{2,59}}|{_HAN_TLDS})"
    # A Chinese input method types 。 for every dot (abc@qq。com), never after an ASCII one.
    r"|(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?。)+[a-z]{2,24})(?![A-Za-z0-9@-])"
)
_ID_CARD = re.compile(
    _B + rf"(?:[1-8][0-9]{{5}}[- ]?(?:19|20)[0-9]{{2}}{_DAY}[- ]?[0-9]{{3}}[0-9Xx]"
    rf"|[1-8][0-9]{{7}}{_DAY}[0-9]{{3}})" + _E
)
_BANK_CARD = re.compile(
    _B + r"(?:[3-69][0-9]{15,18}|[3-69][0-9]{3}(?:[ -][0-9]{4}){3}(?:[ -][0-9]{1,3})?)" + _E
)
_QQ = re.compile(
    # a QQ group's number too (QQ群 123456789, QQ群号：…): it lets anyone join the case's people
    r"(?<![A-Za-z])(?:[Qq] ?[Qq]|扣扣|企鹅号|[Qq](?=号))"
    rf"(?:号码?|账号|群(?:号码?)?)?\s*{_COLON}?\s*(?:是|为)?\s*"
    r"(?P<v>[1-9](?:[- ]?[0-9]){4,10})" + _E
)
_WECHAT = re.compile(
    # 薇信, 威信, 微 信, 卫星号 and 加微/加V: spellings that get past a filter for 微信 (third probe).
    r"(?:微 ?信|[薇威Vv]信|卫星号|(?<=加)(?:微|[Vv](?![A-Za-z0-9]))"
    r"|(?<![A-Za-z])(?i:wx|vx|weixin|wechat)(?![A-Za-z0-9_]))"
    rf"(?P<mark>(?:号码?|账号|[Ii][Dd])?\s*{_COLON}?\s*(?:是|为|(?i:is)(?= ))?)\s*"
    rf"(?P<v>{_MOBILE_CORE}|[A-Za-z][-_A-Za-z0-9]{{5,19}})(?![-_A-Za-z0-9])"
)
_WXID = re.compile(r"(?<![-_A-Za-z0-9])wxid_[A-Za-z0-9]{6,20}(?![-_A-Za-z0-9])")
_MOBILE = re.compile(_B + r"(?P<prefix>(?:\+|00)?86[- ]?)?(?P<n>1[- ]?[3-9](?:[- ]?[0-9]){9})" + _E)
_AREA = r"(?:010|02[0-9]|0[3-9][0-9]{2})"
# The local number may be grouped 4-4 or 3-4 by one space or dash, as on a business card:
# (0731)8412 3457, 0731-8412-3456, 010-8888 6666 (eleventh probe: shown in full before).
_LANDLINE = re.compile(  # an opening parenthesis is a boundary of its own: 湘A12345(0731)84123456
    rf"(?P<area>[(（]{_AREA}[)）] ?|{_B}{_AREA}[- ])"
    r"(?P<num>[2-9][0-9]{6,7}|[2-9][0-9]{2,3}[- ][0-9]{4})"
    r"(?P<ext>(?:-|转|ext\.?)[0-9]{1,5})?" + _E
)
_PLATE = re.compile(
    r"(?P<p>[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼])(?P<l>[A-HJ-NP-Za-hj-np-z])"
    r"[·•・. -]?(?P<t>[A-HJ-NP-Za-hj-np-z0-9]{4}(?:[A-HJ-NP-Za-hj-np-z0-9]{1,2}|[挂学警港澳]))" + _E
)
_HAS_DIGIT = re.compile("[0-9]").search
_HAS_PROVINCE = re.compile("[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼]").search
#: Cores the rules' matches must hold; quick to search (the rules start with look-behinds).
_HAS_MOBILE_CORE = re.compile("1[- ]?[3-9][0-9 -]{9}").search
_HAS_SIX_DIGITS = re.compile("[0-9]{6}").search  # both ID forms start with six digits in a row
_HAS_WECHAT_WORD = re.compile("(?i)wechat").search
_WECHAT_INTRO = re.compile(
    "微 ?信|[薇威Vv]信|卫星号|加[微Vv]|[WwVv][Xx]|(?i:weixin|wechat)"
).search  # every intro _WECHAT takes
_HAS_EIGHT_DIGITS = re.compile("[0-9]{4}[ -]?[0-9]{4}").search  # both bank card forms hold these


# Each mask function returns the masked text, or None when the match is not accepted.
MaskFunction = Callable[[re.Match[str], str], str | None]
# A read function gets a cued digit run, its cue's kind and the mask character.
ReadFunction = Callable[[re.Match[str], str, str], _numbers.Cued | None]


def _mask_email(m: re.Match[str], char: str) -> str:
    return f"{m['local'][:1]}{char * 3}@{m['domain']}"


def _mask_id(m: re.Match[str], char: str) -> str | None:
    number = _compact(m[0])
    return _keep_ends(number, 3, 4, char) if resident_id_ok(number) else None


def _mask_bank(m: re.Match[str], char: str) -> str | None:
    number = _compact(m[0])
    if not _numbers.CARD_MIN <= len(number) <= _numbers.CARD_MAX or not luhn_ok(number):
        return None
    if len(number) == _ID18_LEN and number[:2] in _numbers.ID_PROVINCES:
        return None  # shaped like a resident ID that failed its checks: a decoy, not a card
    return _keep_ends(number, 4, 4, char)


def _mask_qq(m: re.Match[str], char: str) -> str:
    return _keep_ends(_compact(m["v"]), 2, 2, char)


def _mask_phone_value(value: str, char: str) -> str:
    """Mask a mobile number written as ``value`` (prefix kept, separators dropped)."""
    digits = _compact(value)
    prefix = value[: value.find("1")]  # "+86 ", "0086-" or ""; a mobile number starts with 1
    return f"{prefix}{digits[-11:-8]}{char * 4}{digits[-4:]}"


def _mask_wechat(m: re.Match[str], char: str) -> str | None:
    value = m["v"]
    if value[0].isdigit() or value[0] == "+":
        return _mask_phone_value(value, char)
    mark = m["mark"].strip()
    if value.isalpha() and (not mark or mark.lower() == "is"):
        return None  # "微信 Android", "WeChat is slow": English words, unless introduced as an id
    return _keep_ends(value, 2, 2, char)


def _mask_wxid(m: re.Match[str], char: str) -> str:
    return _keep_ends(m[0], 2, 2, char)


def _mask_mobile(m: re.Match[str], char: str) -> str:
    return (m["prefix"] or "") + _keep_ends(_compact(m["n"]), 3, 4, char)


def _mask_landline(m: re.Match[str], char: str) -> str:
    return f"{m['area']}{_keep_ends(_compact(m['num']), 0, 2, char)}{m['ext'] or ''}"


def _mask_plate(m: re.Match[str], char: str) -> str | None:
    tail = m["t"]
    if sum(c.isdigit() for c in tail) < _PLATE_MIN_DIGITS:
        return None
    return f"{m['p']}{m['l']}{char * len(tail)}"


_has_order_word = re.compile("|".join(sorted(_ORDER_WORDS))).search


def _has_url(text: str) -> bool:
    return "://" in text or "www." in text.lower()


def _has_wechat_intro(text: str) -> bool:
    likely = "信" in text or "x" in text or "X" in text or "加" in text or "卫星号" in text
    likely = likely or _HAS_WECHAT_WORD(text) is not None
    return likely and _WECHAT_INTRO(text) is not None  # cheap tests first


def _has_qq_intro(text: str) -> bool:
    return "q" in text or "Q" in text or "扣扣" in text or "企鹅号" in text


def _has_plate(text: str) -> bool:
    return _HAS_DIGIT(text) is not None and _HAS_PROVINCE(text) is not None


def _reserve(_m: re.Match[str], _char: str) -> str:
    return ""


@dataclass(frozen=True, slots=True)
class Rule:
    """One kind of personal data: its pattern, which group is the value, how to mask it."""

    kind: str
    pattern: re.Pattern[str]
    mask: MaskFunction | None = None
    group: int | str = 0
    applies: Callable[[str], object] | None = None
    #: Instead of ``mask``, for rules that find several kinds and may take less than the match.
    read: ReadFunction | None = None
    #: Matched on the text as written (full-width forms not made ASCII): a URL ends at ！ or ：.
    as_written: bool = False


RULES: tuple[Rule, ...] = (
    Rule("email", _EMAIL, _mask_email, applies=lambda t: "@" in t),
    Rule("email", _spoken.EMAIL_SPOKEN, _spoken.mask_email_spoken, applies=_spoken.has_email_spoken),
    # Before the checksum rules: after 身份证号, 卡号, QQ, 微信 a number is one whatever its checksum.
    # The cue rules read the runs of privacy_numbers.cued_runs (their pattern, made once per text).
    Rule("cued", _numbers.DIGIT_RUN, read=_numbers.read_cued, applies=_numbers.HAS_ID_CUE),
    Rule("id_card", _ID_CARD, _mask_id, applies=_HAS_SIX_DIGITS),
    Rule("passport", _permits.PASSPORT, _permits.mask_passport, "v", applies=_permits.has_passport),
    Rule("permit", _permits.PERMIT, _permits.mask_permit, "v", applies=_permits.has_permit),
    Rule("bank_card", _BANK_CARD, _mask_bank, applies=_HAS_EIGHT_DIGITS),
    Rule("qq", _QQ, _mask_qq, "v", applies=_has_qq_intro),
    Rule("wechat", _WECHAT, _mask_wechat, "v", applies=_has_wechat_intro),
    Rule("wechat", _WXID, _mask_wxid, applies=lambda t: "wxid_" in t),
    Rule("account", _ids.ACCOUNT, _ids.mask_account, "v", applies=_ids.has_account),
    # A foreign country code first: +1 415 555 0132 is no Chinese mobile (thirteenth probe).
    Rule("mobile", _foreign.INTL_PHONE, _foreign.mask_intl_phone, applies=_foreign.has_intl_phone),
    Rule("mobile", _MOBILE, _mask_mobile, applies=_HAS_MOBILE_CORE),
    Rule("mobile", _spoken.MOBILE_SPOKEN, _spoken.mask_spoken, "n", applies=_spoken.has_spoken),
    Rule("wechat", _ids.V_ID, _ids.mask_v_id, "v", applies=_ids.has_v_id),  # after the mobiles
    Rule("landline", _LANDLINE, _mask_landline, applies=lambda t: "0" in t),
    Rule("plate", _PLATE, _mask_plate, applies=_has_plate),
    Rule("plate", _permits.PLATE_SPACED, _permits.mask_plate_spaced, applies=_permits.has_spaced_plate),
    Rule("address", _numbers.ROOM, _numbers.mask_room, "v", applies=_numbers.has_building),
    Rule("address", _numbers.ROOM_DASHED, _numbers.mask_room, "v", applies=_numbers.has_dashed_room),
    Rule("address", _numbers.ROOM_NUMBERED, _numbers.mask_room, "v", applies=_numbers.has_numbered_room),
    Rule("address", _numbers.ROOM_ESTATE, _numbers.mask_room, "v", applies=_numbers.has_estate_room),
    Rule("address", _foreign.ROOM_EN, _foreign.mask_room_en, "v", applies=_foreign.has_room_word),
    Rule("name", NAME, mask_name_match, "v", applies=has_name_intro),
    Rule("name", _foreign.LATIN_NAME, _foreign.mask_latin_name, "v", applies=_foreign.has_latin_name_intro),
    Rule("name", OFFICIAL, mask_name_match, "v", applies=has_official),
    Rule("name", KIN_NAME, mask_name_match, "v", applies=has_kin_intro),
    Rule("name", CLASSMATE, mask_name_match, "v", applies=has_classmate),
    Rule("name", PUPIL, mask_name_match, "v", applies=has_classmate),
    Rule("name", STUDENT, mask_name_match, "v", applies=has_student),
    Rule("name", TEACHER, mask_name_match, "v", applies=has_teacher),
    Rule("name", TITLE_NAME, mask_title_name, "v"),
    # Last: a mistyped phone number after 手机, 电话 …, where no checksum rule took one.
    Rule("cued", _numbers.DIGIT_RUN, read=_numbers.read_cued_phone, applies=_numbers.HAS_PHONE_CUE),
    # After every Chinese shape, which keep theirs: (415) 555-0132 after "phone:" (thirteenth probe).
    Rule("mobile", _foreign.PHONE_CUED_EN, _foreign.mask_cued_phone, "v", applies=_foreign.has_phone_cue_en),
)

#: Spans that no rule may take: URLs and numbers introduced as orders, cases, invoices...
RESERVED: tuple[Rule, ...] = (
    Rule("url", _URL, _reserve, applies=_has_url, as_written=True),
    Rule("order", _ORDER, _reserve, "v", applies=_has_order_word),
)
RESERVED_KINDS = frozenset(rule.kind for rule in RESERVED)

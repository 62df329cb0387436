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
passport     E/G + 8 digits; after 护照/passport also P1234567  ``E******78``
             (:mod:`minyi.pipeline.privacy_permits`)
bank_card    16–19 digits passing Luhn, maybe grouped in 4s   ``6222***********1234``
qq           5–11 digits after ``QQ``/``qq号``/``扣扣``         ``12*****89``
wechat       id or phone after ``微信``/``微信号``/``wx``/``vx``  ``zh******88``
mobile       ``1[3-9]x xxxx xxxx``, any spacing, ``+86``/``86``  ``138****5678``
             (also 138.1234.5678 and in Chinese numerals:      ``一三八****五六七八``
             :mod:`minyi.pipeline.privacy_spoken`)
landline     ``0731-84123456``, ``(0731)84123456``, ``-801``    ``0731-******56``
plate        ``湘A12345``, ``湘A·D12345``, ``粤B 8N888``,        ``湘A*****``
             spaced out: ``湘 A 1 2 3 4 5``
address      the room after a building or unit: 3栋402室,      ``3栋***室``
             5单元1203, 12号楼2单元601; 楼-单元-室 with dashes
             after an estate or before 室: 梅溪郡12-3-402       ``梅溪郡12-3-***``
name         2–3 Han characters after ``我叫``/``本人``/``我是``/   ``张**``
             ``姓名：``/``联系人：``, with a common surname
============ ================================================ ======================

**After a cue** (身份证号, 证件号码, 银行卡号, 卡号, 账号, QQ, 微信, 手机号码, 电话, 联系电话,
联系方式, Tel …, then maybe 是/为/：/spaces) a digit run is personal data whatever its
checksum, since people mistype their numbers (:mod:`minyi.pipeline.privacy_numbers`):
an ID with a wrong check digit or a digit too many or too few, a card failing Luhn,
a mobile of 10 or 12 digits, a landline without area code.  ID, card, QQ and WeChat
cues are read before the checksum rules (the whole run is the number, so no card or
mobile is carved out of a mistyped ID); phone cues after them, for what they left.

**Readable on purpose.** Public service numbers (110, 120, 12345 and every 12xxx,
10086, 95xxx, 96xxx, 400/800, also 0731-12345) are never masked by a cue; numbers
passed as ``keep`` (a department's own hotline in its reply) stay readable wherever
they are.  A department's landline that is not in ``keep`` is masked like anyone's.

Digit runs are matched only whole (a phone inside a longer run of digits is not a
phone).  Numbers masked to their compact form drop inner spaces and dashes
(``138 1234 5678`` → ``138****5678``); a landline keeps its area code as written.
Full-width digits and letters are matched as their ASCII forms and zero-width
characters are ignored (:mod:`minyi.pipeline.privacy_text`).

Left alone on purpose: numbers introduced by 订单/单号/编号/工单/案号 and the
like, URLs (read as written: a URL ends at the first full-width character, such as
！ or ：, whatever else the text holds), dates, amounts, times, postal codes, and, without a cue, 18-digit
numbers with a wrong check digit or an impossible birth date and 16–19-digit numbers
failing Luhn.  Masked text contains no run that any rule matches again, so masking
is idempotent.

Known gaps: names not introduced (:func:`mask_names` masks names known from
elsewhere), of four characters or with a rare surname; street addresses and rooms
without a building or unit; permits other than passports (and passports of other
countries without their cue); numbers glued to Latin
letters (``tel13812345678``); landlines without a separator or cue; QQ and WeChat
ids without their introduction; mistyped numbers without a cue; any number right
after an order-like word or inside a URL.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Self

from minyi.pipeline import privacy_numbers as _numbers
from minyi.pipeline import privacy_permits as _permits
from minyi.pipeline import privacy_spoken as _spoken
from minyi.pipeline.privacy_names import NAME, has_name_intro, mask_name_match, mask_names, names_introduced
from minyi.pipeline.privacy_numbers import (
    KeepList,
    id_checksum_ok,
    is_service_number,
    luhn_ok,
    resident_id_ok,
)
from minyi.pipeline.privacy_text import Spans, in_masked_number, probe_text

_compact, _keep_ends = _numbers.compact, _numbers.keep_ends

__all__ = [
    "KINDS",
    "Finding",
    "PersonalDataMasker",
    "id_checksum_ok",
    "is_service_number",
    "luhn_ok",
    "mask_contact_value",
    "mask_names",
    "mask_text",
    "names_introduced",
]

#: Every kind, in priority order.
KINDS: tuple[str, ...] = (
    "email", "id_card", "passport", "bank_card", "qq", "wechat", "mobile", "landline", "plate", "address",
    "name",
)  # fmt: skip
#: Kinds a number after a cue can have (see :mod:`minyi.pipeline.privacy_numbers`).
_CUED_KINDS = frozenset({"id_card", "bank_card", "qq", "wechat", "mobile", "landline"})

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
_URL = re.compile(r"(?i:https?://|www\.)[A-Za-z0-9._~:/?#@!$&*+=%-]+")
_ORDER = re.compile(
    r"(?:订单|单号|(?<![证照])编号|工单|流水|运单|发票|合同|案号|案件|批次|受理|回执|序列|条码|票号)"
    rf"(?:编号|号码|号)?\s*(?:为|是)?\s*(?:{_COLON}|[#＃])?\s*(?P<v>[A-Za-z0-9][A-Za-z0-9-]*)"
)
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])(?P<local>[A-Za-z0-9][A-Za-z0-9._%+-]{0,63})@"
    r"(?P<domain>(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}"
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
    rf"(?<![A-Za-z])(?:[Qq]{{2}}|扣扣)(?:号码?|账号)?\s*{_COLON}?\s*(?:是|为)?\s*"
    r"(?P<v>[1-9](?:[- ]?[0-9]){4,10})" + _E
)
_WECHAT = re.compile(
    r"(?:微信|[Vv]信|(?<![A-Za-z])(?i:wx|vx|weixin|wechat)(?![A-Za-z0-9_]))"
    rf"(?P<mark>(?:号码?|账号|[Ii][Dd])?\s*{_COLON}?\s*(?:是|为)?)\s*"
    rf"(?P<v>{_MOBILE_CORE}|[A-Za-z][-_A-Za-z0-9]{{5,19}})(?![-_A-Za-z0-9])"
)
_WXID = re.compile(r"(?<![-_A-Za-z0-9])wxid_[A-Za-z0-9]{6,20}(?![-_A-Za-z0-9])")
_MOBILE = re.compile(_B + r"(?P<prefix>(?:\+|00)?86[- ]?)?(?P<n>1[- ]?[3-9](?:[- ]?[0-9]){9})" + _E)
_AREA = r"(?:010|02[0-9]|0[3-9][0-9]{2})"
_LANDLINE = re.compile(  # an opening parenthesis is a boundary of its own: 湘A12345(0731)84123456
    rf"(?P<area>[(（]{_AREA}[)）] ?|{_B}{_AREA}[- ])(?P<num>[2-9][0-9]{{6,7}})"
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
_WECHAT_INTRO = re.compile("微信|[Vv]信|[WwVv][Xx]|(?i:weixin|wechat)").search  # every intro _WECHAT takes
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
    if value.isalpha() and not m["mark"].strip():
        return None  # "微信 Android": an English word, unless introduced as an id
    return _keep_ends(value, 2, 2, char)


def _mask_wxid(m: re.Match[str], char: str) -> str:
    return _keep_ends(m[0], 2, 2, char)


def _mask_mobile(m: re.Match[str], char: str) -> str:
    return (m["prefix"] or "") + _keep_ends(_compact(m["n"]), 3, 4, char)


def _mask_landline(m: re.Match[str], char: str) -> str:
    return f"{m['area']}{_keep_ends(m['num'], 0, 2, char)}{m['ext'] or ''}"


def _mask_plate(m: re.Match[str], char: str) -> str | None:
    tail = m["t"]
    if sum(c.isdigit() for c in tail) < _PLATE_MIN_DIGITS:
        return None
    return f"{m['p']}{m['l']}{char * len(tail)}"


_has_order_word = re.compile("|".join(sorted(_ORDER_WORDS))).search


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
    mask: MaskFunction | None = None
    group: int | str = 0
    applies: Callable[[str], object] | None = None
    #: Instead of ``mask``, for rules that find several kinds and may take less than the match.
    read: ReadFunction | None = None
    #: Matched on the text as written (full-width forms not made ASCII): a URL ends at ！ or ：.
    as_written: bool = False


RULES: tuple[Rule, ...] = (
    Rule("email", _EMAIL, _mask_email, applies=lambda t: "@" in t),
    # Before the checksum rules: after 身份证号, 卡号, QQ, 微信 a number is one whatever its checksum.
    # The cue rules read the runs of privacy_numbers.cued_runs (their pattern, made once per text).
    Rule("cued", _numbers.DIGIT_RUN, read=_numbers.read_cued, applies=_numbers.HAS_ID_CUE),
    Rule("id_card", _ID_CARD, _mask_id, applies=_HAS_SIX_DIGITS),
    Rule("passport", _permits.PASSPORT, _permits.mask_passport, "v", applies=_permits.has_passport),
    Rule("bank_card", _BANK_CARD, _mask_bank, applies=_HAS_EIGHT_DIGITS),
    Rule("qq", _QQ, _mask_qq, "v", applies=_has_qq_intro),
    Rule("wechat", _WECHAT, _mask_wechat, "v", applies=_has_wechat_intro),
    Rule("wechat", _WXID, _mask_wxid, applies=lambda t: "wxid_" in t),
    Rule("mobile", _MOBILE, _mask_mobile, applies=_HAS_MOBILE_CORE),
    Rule("mobile", _spoken.MOBILE_SPOKEN, _spoken.mask_spoken, "n", applies=_spoken.has_spoken),
    Rule("landline", _LANDLINE, _mask_landline, applies=lambda t: "0" in t),
    Rule("plate", _PLATE, _mask_plate, applies=_has_plate),
    Rule("plate", _permits.PLATE_SPACED, _permits.mask_plate_spaced, applies=_permits.has_spaced_plate),
    Rule("address", _numbers.ROOM, _numbers.mask_room, "v", applies=_numbers.has_building),
    Rule("address", _numbers.ROOM_DASHED, _numbers.mask_room, "v", applies=_numbers.has_dashed_room),
    Rule("name", NAME, mask_name_match, "v", applies=has_name_intro),
    # Last: a mistyped phone number after 手机, 电话 …, where no checksum rule took one.
    Rule("cued", _numbers.DIGIT_RUN, read=_numbers.read_cued_phone, applies=_numbers.HAS_PHONE_CUE),
)

#: Spans that no rule may take: URLs and numbers introduced as orders, cases, invoices...
RESERVED: tuple[Rule, ...] = (
    Rule("url", _URL, _reserve, applies=_has_url, as_written=True),
    Rule("order", _ORDER, _reserve, "v", applies=_has_order_word),
)
_RESERVED_KINDS = frozenset(rule.kind for rule in RESERVED)


def _start(found: tuple[str, int, int, str]) -> int:
    """Sort key of a finding tuple: its start."""
    return found[1]


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
        self.kinds_ = frozenset(wanted)
        self.rules_ = tuple(
            rule for rule in RULES if rule.kind in wanted or (rule.read is not None and _CUED_KINDS & wanted)
        )
        self.scan_rules_ = RESERVED + self.rules_
        return self

    def find(self, text: str | None, *, keep: Collection[str] = ()) -> list[Finding]:
        """Personal data in ``text``, in text order; empty for ``None`` or ``""``.

        Args:
            text: the text.
            keep: numbers that stay readable (a department's own hotline in its
                reply), compared without spaces, dashes, parentheses or ``+86``;
                see :class:`~minyi.pipeline.privacy_numbers.KeepList`.  Public
                service numbers (12345, 110, 95588 …) need not be listed.
        """
        if not text:
            return []
        return [
            Finding(kind, start, end, text[start:end], masked)
            for kind, start, end, masked in self._find(text, keep)
        ]

    def _find(self, text: str, keep: Collection[str]) -> list[tuple[str, int, int, str]]:
        """``(kind, start, end, masked)`` of the findings in ``text``, in text order."""
        if not hasattr(self, "rules_"):
            self.fit()
        probe, index = probe_text(text)
        written = probe if probe is text else text if index is None else "".join([text[i] for i in index])
        found = self._scan(probe, KeepList(keep) if keep else None, written)
        if index is not None:  # spans in the copy without zero-width characters
            found = [(kind, index[start], index[end - 1] + 1, masked) for kind, start, end, masked in found]
        if len(found) > 1:
            found.sort(key=_start)
        return found

    def _scan(self, probe: str, keep: KeepList | None, written: str) -> list[tuple[str, int, int, str]]:
        """``(kind, start, end, masked)`` of the findings in ``probe``, rule by rule in priority order.

        A span taken by a rule (a reserved span, a finding or a kept number) cannot be
        taken again, so overlapping matches resolve once.  ``written`` is ``probe`` before
        full-width forms were made ASCII (same length), read by the ``as_written`` rules:
        whether a ！ ends a URL must not depend on a full-width digit elsewhere in the text.
        """
        taken = Spans()
        found: list[tuple[str, int, int, str]] = []
        runs: list[tuple[re.Match[str], str]] | None = None  # the two cue rules share their runs
        char = self.mask_char
        masked_before = char in probe  # then no part of a masked number may be taken (idempotence)
        for rule in self.scan_rules_:
            if rule.applies is not None and not rule.applies(probe):
                continue
            if rule.read is not None:
                runs = _numbers.cued_runs(probe) if runs is None else runs
                self._read_cued(rule.read, runs, taken, found, masked_before=masked_before)
                continue
            mask = rule.mask
            if mask is None:
                continue
            for m in rule.pattern.finditer(written if rule.as_written else probe):  # inline: hot loop
                start, end = m.span(rule.group)
                if masked_before and in_masked_number(probe, start, end, char):
                    continue
                if taken.free(start, end) and (masked := mask(m, char)) is not None:
                    taken.take(start, end)
                    if rule.kind not in _RESERVED_KINDS:
                        found.append((rule.kind, start, end, masked))
        if keep:
            found = [hit for hit in found if not keep.holds(probe[hit[1] : hit[2]])]
        return found

    def _read_cued(
        self,
        read: ReadFunction,
        runs: list[tuple[re.Match[str], str]],
        taken: Spans,
        found: list[tuple[str, int, int, str]],
        *,
        masked_before: bool,
    ) -> None:
        """Add the numbers a cue rule reads from cued digit runs not yet taken to ``found``.

        ``masked_before`` says the text holds the mask character: then a run that is
        part of a masked number (``000-130****0000``) is not read (idempotence).
        """
        char = self.mask_char
        for m, cue in runs:
            start = m.start()
            if not taken.free(start, start + 1):
                continue
            cued = read(m, cue, char)
            if cued is None or (masked_before and in_masked_number(m.string, start, cued[1], char)):
                continue
            if cued[0] in self.kinds_ and taken.free(start, cued[1]):
                taken.take(start, cued[1])
                found.append((cued[0], start, cued[1], cued[2]))

    def mask(self, text: str | None, *, keep: Collection[str] = ()) -> str:
        """``text`` with every finding replaced by its masked form; ``""`` for ``None``.

        ``keep`` lists numbers that stay readable, as for :meth:`find`.
        """
        if not text:
            return ""
        found = self._find(text, keep)
        if not found:
            return text
        parts: list[str] = []
        last = 0
        for _kind, start, end, masked in found:
            parts += (text[last:start], masked)
            last = end
        parts.append(text[last:])
        return "".join(parts)

    def transform(self, texts: Iterable[str | None]) -> list[str]:
        """Masked copies of ``texts``, in order."""
        return [self.mask(text) for text in texts]

    def fit_transform(self, texts: Iterable[str | None]) -> list[str]:
        """:meth:`fit` then :meth:`transform`."""
        return self.fit(None).transform(texts)


_DEFAULT = PersonalDataMasker().fit()


def mask_text(text: str | None, *, keep: Collection[str] = ()) -> str:
    """``text`` with personal data masked (138****1234); empty for None.

    ``keep`` lists numbers that stay readable, typically the department's own
    numbers in its reply (``keep=["0731-88888888"]``); public service numbers
    (12345, 110, 12315, 95588 …) stay readable without being listed.
    """
    return _DEFAULT.mask(text, keep=keep)


def mask_contact_value(value: str | None) -> str:
    """A contact value (phone, e-mail, name) masked for display to staff lists."""
    if not value:
        return ""
    masked = mask_text(value)
    if masked != value:
        return masked
    return value[:1] + "*" * max(len(value) - 1, 1)

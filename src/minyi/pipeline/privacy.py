"""Detect and mask personal data in free text, keeping the shape of what is masked.

Public pages, API answers and exports show text through :func:`mask_text`.

Kinds, in the fixed priority order in which they are looked for (a span taken by
an earlier kind cannot be taken again, so overlapping findings resolve once):

============ ================================================ ======================
kind         what                                             masked shape
============ ================================================ ======================
email        ``name@example.com``; spelt out: ``name#qq.com``,  ``n***@example.com``
             ``name(at)qq.com``, ``name at qq dot com``
id_card      18-digit resident ID (check digit, birth date,   ``430***********1234``
             province) or 15-digit old ID (birth date)         (first 3, last 4)
passport     E/G + 8 digits; after 护照/passport also P1234567  ``E******78``
             (:mod:`minyi.pipeline.privacy_permits`)
permit       after 港澳通行证, 回乡证, 台胞证, 驾驶证, 社保卡号,       ``C******78``
             医保卡号 …: 1–2 letters and 7–18 digits; C/K + 8
             digits alone (:mod:`minyi.pipeline.privacy_permits`)
bank_card    16–19 digits passing Luhn, maybe grouped in 4s   ``6222***********1234``
qq           5–11 digits after ``QQ``/``qq号``/``扣扣``/``QQ群``  ``12*****89``
wechat       id or phone after ``微信``/``微信号``/``wx``/``vx``,  ``zh******88``
             an id after a bare ``V：``
account      a Latin handle after 抖音号, 钉钉号, 快手号, 小红书号,   ``zh*******88``
             微博 (@) (:mod:`minyi.pipeline.privacy_ids`)
mobile       ``1[3-9]x xxxx xxxx``, any spacing, ``+86``/``86``  ``138****5678``
             (also 138.1234.5678 and in Chinese numerals:      ``一三八****五六七八``
             :mod:`minyi.pipeline.privacy_spoken`); a foreign    ``+44 **** **0123``
             country code (+44 7700 900123), or (415) 555-0132
             after phone/tel/call me (privacy_foreign)
landline     ``0731-84123456``, ``(0731)84123456``, ``-801``    ``0731-******56``
plate        ``湘A12345``, ``湘A·D12345``, ``粤B 8N888``,        ``湘A*****``
             spaced out: ``湘 A 1 2 3 4 5``
address      the room after a building or unit: 3栋402室,      ``3栋***室``
             5单元1203, 12号楼2单元601; 楼-单元-室 with dashes
             after an estate or before 室: 梅溪郡12-3-402       ``梅溪郡12-3-***``
             after a house number before 室/房: 12号305室      ``12号***室``
             after an estate before 号: 梅溪郡305号            ``梅溪郡***号``
             in English after Room/Apt/Flat/Suite            ``Room ****``
name         2–3 Han characters after ``我叫``/``本人``/``我是``/   ``张**``
             ``姓名：``/``联系人：``, with a common surname; an
             official's after 经办人/承办人/工作人员 right before
             a phone number; a child's after 儿子/女儿/孩子 …,
             a pupil's beside 同学, after 学生/患者/职工; a
             teacher's with a given name (李小红老师); a full
             name starting a title before 反映/投诉 (孙丽丽反映…)
             (:mod:`minyi.pipeline.privacy_names`); in Latin    ``J*** S****``
             letters, Hangul or kana after my name is, I am,
             我叫 … (:mod:`minyi.pipeline.privacy_foreign`)
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
Full-width digits and letters are matched as their ASCII forms, Traditional characters
of the cue words and surnames as Simplified (手機號碼, 陳大文, 5棟) and zero-width
characters are ignored (:mod:`minyi.pipeline.privacy_text`).

Left alone on purpose: numbers introduced by 订单/单号/编号/工单/案号 and the
like, URLs (read as written: a URL ends at the first full-width character, such as
！ or ：, whatever else the text holds), dates, amounts, times, postal codes, and, without a cue, 18-digit
numbers with a wrong check digit or an impossible birth date and 16–19-digit numbers
failing Luhn.  Masked text contains no run that any rule matches again, so masking
is idempotent.

Known gaps: names not introduced nor named with a role (:func:`mask_names` masks names
known from elsewhere), the second and later names of a list (职工唐忠福、胡阳艳), names of
four characters or with a rare surname; 王先生/张女士/王老师 (a surname and a title: how a
hotline names a caller, not identifying alone) stay readable on purpose; Chinese handles on
other platforms (微博@张三的日常: an organisation's account is written so too); an official's name in a reply
without a phone number right after it (kept on purpose); street addresses and rooms
without a building, unit, estate, 住 or 室 (12-3-402 alone, 11楼02室); permits without
their name other than C/K + 8 digits, and passports of other countries without their
cue; IDs in Chinese numerals; numbers glued to Latin letters (``tel13812345678``);
landlines without a separator or cue; QQ and WeChat ids without their introduction;
mistyped numbers without a cue; any number right after an order-like word or inside a
URL (docs/security-probes.md, "Third probe", lists what was tried).

This module is the engine (:class:`PersonalDataMasker`, :func:`mask_text`); the rules it
applies, in order, are in :mod:`minyi.pipeline.privacy_rules`.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Self

from minyi.pipeline import privacy_numbers as _numbers
from minyi.pipeline.privacy_names import mask_names, names_introduced
from minyi.pipeline.privacy_numbers import KeepList, id_checksum_ok, is_service_number, luhn_ok
from minyi.pipeline.privacy_rules import RESERVED, RESERVED_KINDS, RULES, ReadFunction
from minyi.pipeline.privacy_text import Spans, as_written, has_hant, in_masked_number, probe_text

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
    "email", "id_card", "passport", "permit", "bank_card", "qq", "wechat", "account", "mobile", "landline",
    "plate", "address", "name",
)  # fmt: skip
#: Kinds a number after a cue can have (see :mod:`minyi.pipeline.privacy_numbers`).
_CUED_KINDS = frozenset({"id_card", "bank_card", "qq", "wechat", "mobile", "landline"})


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
        if found and probe is not text and has_hant(text):  # 陳** for 陳大文, not 陈**
            found = [(kind, s, e, as_written(text[s:e], masked)) for kind, s, e, masked in found]
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
                    if rule.kind not in RESERVED_KINDS:
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

"""Accounts on other platforms (抖音号, 钉钉号, 快手号, 小红书号, 微博), a bare ``V：id`` and QQ groups.

A citizen who writes "加我抖音号 zhangsan_88" or "我的微博 @lixiaoming88" gives a handle that
leads to his profile, photos and contacts as surely as a WeChat id does; the eleventh probe
(a privacy officer's pass, docs/security-probes.md) found them shown in full.  Masked only
after their platform's name, and only when the handle is Latin letters, digits, ``_``, ``-``
or ``.`` (``zh******88``): an organisation's Chinese account (微博@长沙发布, @A市交警官方微博,
the only @ of the real 附件 texts besides e-mail) is how a case names a government account,
and a Chinese handle has no end the masker could find.  Mentions of the platforms alone
(在抖音上, 钉钉群, 微博博主“考拉·Koala”) stay as they are.

A bare ``V：id``/``v:id`` (V for 微信) is masked like a WeChat id; a QQ group's number
(QQ群 123456789, QQ群号：…) like a QQ number: it lets anyone join the group whose members
are the case's people.
"""

from __future__ import annotations

import re

from minyi.pipeline.privacy_numbers import keep_ends

__all__ = ["ACCOUNT", "V_ID", "has_account", "has_v_id", "mask_account", "mask_v_id"]

_PLATFORM = r"(?:抖音|钉钉|快手|小红书|微博|头条|[Bb]站|哔哩哔哩)"
#: A handle after its platform (抖音号：zhangsan_88, 我的微博 @lixiaoming88, 快手ID是 ks123456789).
ACCOUNT = re.compile(
    rf"{_PLATFORM}(?P<mark>(?:号码?|账号|帐号|[Ii][Dd]|用户名|昵称)?\s*[:：]?\s*(?:是|为)?\s*[:：]?)\s*(?P<at>[@＠])?"
    r"(?P<v>[A-Za-z0-9][-_.A-Za-z0-9]{3,29})(?![-_.A-Za-z0-9@])"
)
_HAS_PLATFORM = re.compile(_PLATFORM).search
#: ``V：zhangsan88``: V said for 微信 before a colon (加V and V信 are read by the WeChat rule), then
#: an id as a WeChat id is (a letter, then 5–19 letters, digits, ``_`` or ``-``); a mobile number
#: after it is the mobile rule's.
V_ID = re.compile(r"(?<![A-Za-z0-9_.-])[Vv]\s*[:：]\s*(?P<v>[A-Za-z][-_A-Za-z0-9]{5,19})(?![-_A-Za-z0-9])")
_SHORT = 6  # a handle this short keeps one character at each end, not two


def has_account(text: str) -> bool:
    """Whether ``text`` names a platform (substring tests, then one scan, before :data:`ACCOUNT`)."""
    likely = "抖音" in text or "钉钉" in text or "快手" in text or "小红书" in text or "微博" in text
    likely = likely or "头条" in text or "B站" in text or "b站" in text or "哔哩" in text
    return likely and _HAS_PLATFORM(text) is not None


def has_v_id(text: str) -> bool:
    """Whether ``text`` may hold ``V：`` (a quick test before :data:`V_ID`)."""
    return ("V" in text or "v" in text) and (":" in text or "：" in text)


def mask_account(m: re.Match[str], char: str) -> str | None:
    """The masked handle, or None for a word (微博 Android) neither introduced nor after @."""
    value = m["v"]
    if not m["at"] and not m["mark"].strip() and value.isalpha():
        return None
    keep = 1 if len(value) <= _SHORT else 2
    return keep_ends(value, keep, keep, char)


def mask_v_id(m: re.Match[str], char: str) -> str:
    """A WeChat id's mask (``zh******88``)."""
    return keep_ends(m["v"], 2, 2, char)

"""The text as the rules of :mod:`minyi.pipeline.privacy` read it, and the spans they take.

Rules match ASCII digits and letters and never see invisible characters: people
write numbers in full-width digits (１３８…) and paste text holding zero-width
characters (U+200B–U+200D, U+FEFF) that split a number without showing.  The rules
read a copy with full-width forms made ASCII and zero-width characters dropped;
findings are mapped back to the original text.
"""

from __future__ import annotations

import re
from bisect import bisect_left, insort

__all__ = ["HANT_TABLE", "ZERO_WIDTH", "Spans", "as_written", "has_hant", "in_masked_number", "probe_text"]

#: Zero-width characters, dropped before matching (they split digits invisibly).
ZERO_WIDTH = frozenset("\u200b\u200c\u200d\ufeff")
_PROBE_RE = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\uff0b\uff0d\uff20\u3000\u200b-\u200d\ufeff]")
_ZERO_WIDTH_RE = re.compile("[\u200b-\u200d\ufeff]")
_NEAR = 24  # a masked number has fewer mask characters in a row than this
_FULLWIDTH_TABLE = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


#: Traditional characters of the words the rules read (手機號碼, 聯繫人, 5棟1203室, 身份證, the surnames
#: 陳, 劉, 張 …) and their Simplified forms, one for one (thirteenth probe: a message in Traditional
#: characters was not masked).  Made from OpenCC's t2s for the Han characters of the privacy
#: modules; the rules read Simplified, the text stays as written.
_HANT = (
    "萬與業叢東嚴個爲為麗舉麼樂喬鄉書於雲親從們衆眾會體餘兒黨蘭關興內軍農馮衝劉剛別辦務動區醫華單賣盧衛廠廳廈縣叄發臺葉號呂吳"
    "員諮嗶團園國場塊頭婦媽婁娛孫學寧寶實宮對將層屆屬歲島嶺嶽鞏師帳廣莊應龐張當願戲戶執護報撥掛時晉機條來楊標棟欒檔橋樓歐殘畢"
    "漢湯滬塗溫遊灣燈點燒熱愛爺狀現瓊電療碼稱竇簡粵紅級紀線組經給絡統績續編繆網羅羣聶職聯豔蘆蘇範榮營蔣藍訂讓許證訴話詢該說説"
    "請諸讀課謝譚負財賬購貳貴費賀賈贛趙車轉輛邊遼達運還這連遲遞鄧鄺鄔鄒鄰鄭裏裡釘鍾錢銀鎮長門閆間閔閨閩隊陽陸陳陝險韋韓項顧顏"
    "饒館馬駛駕罵駱驗魯鮑鵝麥黃齊齡龍龔鐘蕭係繫"
)
_HANS = (
    "万与业丛东严个为为丽举么乐乔乡书于云亲从们众众会体余儿党兰关兴内军农冯冲刘刚别办务动区医华单卖卢卫厂厅厦县叁发台叶号吕吴"
    "员咨哔团园国场块头妇妈娄娱孙学宁宝实宫对将层届属岁岛岭岳巩师帐广庄应庞张当愿戏户执护报拨挂时晋机条来杨标栋栾档桥楼欧残毕"
    "汉汤沪涂温游湾灯点烧热爱爷状现琼电疗码称窦简粤红级纪线组经给络统绩续编缪网罗群聂职联艳芦苏范荣营蒋蓝订让许证诉话询该说说"
    "请诸读课谢谭负财账购贰贵费贺贾赣赵车转辆边辽达运还这连迟递邓邝邬邹邻郑里里钉钟钱银镇长门闫间闵闺闽队阳陆陈陕险韦韩项顾颜"
    "饶馆马驶驾骂骆验鲁鲍鹅麦黄齐龄龙龚钟萧系系"
)
HANT_TABLE = str.maketrans(_HANT, _HANS)
_HAS_HANT = re.compile("[" + _HANT + "]").search


def probe_text(text: str) -> tuple[str, list[int] | None]:
    """The copy of ``text`` the rules read, and where its characters are in ``text``.

    Traditional characters the rules read become Simplified (手機 → 手机: one for one),
    full-width digits and letters become ASCII (same length); zero-width characters
    are dropped, so ``index[i]`` is the offset in ``text`` of the copy's ``i``-th
    character (None when nothing was dropped).
    """
    hant = _HAS_HANT(text) is not None
    if hant:
        text = text.translate(HANT_TABLE)
    if _PROBE_RE.search(text) is None:
        return text, None
    index = None
    if _ZERO_WIDTH_RE.search(text):
        index = [i for i, c in enumerate(text) if c not in ZERO_WIDTH]
        text = "".join([text[i] for i in index])
    return text.translate(_FULLWIDTH_TABLE), index


def has_hant(text: str) -> bool:
    """Whether ``text`` holds a Traditional character that :func:`probe_text` reads as Simplified."""
    return _HAS_HANT(text) is not None


def as_written(value: str, masked: str) -> str:
    """``masked`` with each kept Simplified character written as in ``value`` (陈** of 陳大文 → 陳**)."""
    if len(value) != len(masked):
        return masked
    return "".join(v if HANT_TABLE.get(ord(v)) == ord(m) else m for v, m in zip(value, masked, strict=True))


class Spans:
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


def in_masked_number(text: str, start: int, end: int, char: str) -> bool:
    """Whether ``text[start:end]`` is the kept head or tail of a number masked with ``char``.

    ``130****0000`` keeps digits on both sides of the mask; read again, ``130`` or
    ``0000`` could join the digits before or after into a new match, and masking
    would not be idempotent.  Digits merely wrapped in the mask character
    (``**13812345678**``, Markdown bold) are not taken for such a part.
    """
    after = text[end : end + _NEAR].lstrip(" -")  # a masked landline keeps its separator: 0731-******56
    rest = after.lstrip(char)
    if len(rest) < len(after) and rest[:1].isdigit():
        return True
    before = text[max(0, start - _NEAR) : start].rstrip(" -")
    rest = before.rstrip(char)
    return len(rest) < len(before) and rest[-1:].isdigit()

"""Cue patterns and text measures of :mod:`minyi.pipeline.reply_quality` (答复质量).

The patterns are searched in the *normalised* reply (see
:class:`~minyi.pipeline.normalize.TextNormalizer`: full-width ASCII is already
half-width, so ``｛`` is ``{`` and ``＊`` is ``*``).  They were written from the
phrasing of public 12345 / message-board replies: a salutation (``网友“…”：您好！``),
an acknowledgement (``您的留言已收悉``), what was done (``经核查``, ``已责成``,
``现场查看``), the result (``已整改到位``, ``预计8月底完工``, ``不属于…职责范围``),
a next step or contact (``如有疑问，请致电0731-…``) and a closing
(``感谢您对我们工作的支持``), usually followed by the date.

The opening and closing detectors are positional: a salutation only counts near
the start of the text and a closing only near its end (after the trailing date
or signature is removed), so a ``感谢`` in the middle of a reply is not a closing.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

__all__ = [
    "ACKNOWLEDGEMENT",
    "ACTION",
    "ADMIN_CODE",
    "CLOSING",
    "DEFINITE_RESULT",
    "GENERIC_WORDS",
    "GREETING",
    "NAME_SUFFIX",
    "NEXT_STEP",
    "PLACEHOLDER",
    "REFUSAL",
    "REFUSAL_REASON",
    "TRAILING_SIGNATURE",
    "VAGUE_RESULT",
    "bigrams",
    "cosine",
    "has_closing",
    "has_greeting",
    "has_opening",
    "mentioned",
    "shingles",
    "strip_signature",
]

#: Length of the character shingles that detect copying.
SHINGLE = 8

#: Salutation or greeting (称呼/问候).
GREETING = re.compile(r"您好|你好|尊敬的|亲爱的|网友|市民|同志|先生|女士|来信人|留言人")

#: Acknowledgement that the message arrived (``…已收悉``, ``现将…答复如下``).
ACKNOWLEDGEMENT = re.compile(
    r"收悉|收到您|已收到|(?:现|特)(?:将|就)?.{0,16}(?:回复|答复|函复)(?:如下|于下)|(?:回复|答复)如下"
)

#: What was done: investigation, site visit, assignment, or (for a question) the basis looked up.
ACTION = re.compile(
    r"经(?:过)?[^，。；]{0,10}?(?:核查|调查|核实|查|了解|研究|勘测|勘察|审批|批准|协调|检查|排查|走访|审核|会商"
    r"|调度|现场|实地|调取|查看|查询|协商|汇报)|据(?:查|了解|核实|调查|核查)|了解了?情况|了解到"
    r"|要求.{0,12}(?:整改|落实|处理|加强|停止|拆除|规范)"
    r"|(?:现场|实地|上门)(?:查看|核实|勘察|勘查|调查|检查|走访|察看|核查)?"
    r"|责成|责令|约谈|走访|转(?:交|办|至)|交由|组织(?:人员|专人|工作人员|相关|召开|开展)|联系(?:了|上)"
    r"|指定专人|安排专人|成立.{0,8}(?:小组|专班)|召开.{0,10}会|调查|核查|核实|督促|协调|执法|立案|检查|巡查"
    r"|(?:根据|按照|依据|依照)(?:《|.{0,30}(?:规定|文件|政策|办法|条例|通知))"
)

#: A definite result: done, decided, scheduled with a date, or a clear yes/no answer.
DEFINITE_RESULT = re.compile(
    r"已(?:经)?(?!转|收|交)[^，。；！]{0,15}?(?:整改|处理|解决|完成|修复|恢复|拆除|清理|清除|办结|办理|落实|安装"
    r"|开通|疏通|查处|取缔|关停|停止|下达|立案|处罚|罚款|更换|修缮|维修|补办|发放|支付|到位|纳入|制定|出台|启动"
    r"|建成|拆|撤除|撤下|封闭|移交|规范|退还|退费|审批|批复|受理|告知|通知|暂停|调整|增设|设置|开工|竣工|投入"
    r"|安排|施划|划设|清运|整治|约谈|批评|劝离|劝导|教育)"
    r"|整改到位|处理完毕"
    r"|(?:将于|预计|计划于?|力争|拟于|争取|确保|于)[^。；]{0,25}"
    r"(?:完成|完工|竣工|通车|开通|投入使用|开放|到位|解决|实施|建成|上线|发放|办结|开工|营业|交付|恢复)"
    r"|不属于|不(?:予|能|可|具备|符合|存在|支持|得|允许|属实|适合|宜|会|再)|属实|从未|并未|尚未|无法|暂(?:不|未|无)"
    r"|(?:符合|未违反|违反).{0,10}(?:规定|条件|要求|标准)|应由.{0,15}(?:负责|解决|办理|承担|处理)"
    r"|可(?:以)?(?:申请|办理|享受|领取|申领|报销|迁入|购买)"
)

#: A vague result: only a promise to study, consider or keep pushing (half credit).
VAGUE_RESULT = re.compile(
    r"(?:将|会)(?:予以)?(?:认真|充分|进一步|积极)?(?:考虑|研究|论证|调研|吸纳|采纳|参考)"
    r"|正在(?:积极)?(?:推进|研究|编制|调研|办理|处理|协调|调查|核实|开发|筹备|施工|建设|进行)|已收集|已转"
)

#: Answer that the matter is outside the office's remit.
REFUSAL = re.compile(r"不属于.{0,20}(?:范围|职责|职权|管辖|受理)|无权(?:处理|受理|管辖)|不予受理")

#: A reason or a referral that makes a refusal acceptable.
REFUSAL_REASON = re.compile(
    r"因|由于|根据|按照|依据|依照|规定|属于.{0,20}(?:职责|管辖|负责|范围)|(?:由|归).{0,12}(?:负责|管理|管辖)"
    r"|建议.{0,20}(?:向|到|咨询|联系|致电|拨打)|可(?:向|到|与|致电|拨打)|请.{0,6}(?:向|到|致电|拨打|联系)"
)

#: Contact or next step (联系电话, 如有疑问, 可向…反映, 下一步…).
NEXT_STEP = re.compile(
    r"联系电话|电话|致电|拨打|热线|咨询|如(?:果|若)?(?:您|你)?(?:有|对)|如需|若(?:有|需|您)"
    r"|请.{0,12}(?:到|向|前往|联系|携带|准备|关注)"
    r"|可(?:以)?(?:向|到|与|至|通过|登录|关注|前往|直接)|建议您?.{0,12}(?:向|到|联系|咨询|前往|拨打|致电)"
    r"|下一步|今后|后续|将(?:继续|持续|加强|进一步|跟踪|督促|定期|加大|密切)|持续(?:关注|跟踪|监督|督促)"
    r"|跟踪(?:落实|督办)|\d{3,4}-\d{6,8}|0\d{2,3}\d{7,8}|12345"
)

#: Courtesy closing (结束语).
CLOSING = re.compile(
    r"感谢|谢谢|特此(?:回复|答复|函复|告知)|此复|欢迎.{0,10}监督|敬请(?:谅解|理解)|请予?(?:谅解|理解)"
    r"|祝.{0,8}(?:愉快|顺利|健康|安康|幸福)|理解(?:和|与)支持|支持(?:和|与)理解"
)

#: A trailing date or office signature (``2019年5月9日``, ``A3区住建局``), removed before looking
#: for the closing.
TRAILING_SIGNATURE = re.compile(
    r"(?:[\s，。！、]*(?:\d{4}\s*[年/.-]\s*\d{1,2}\s*[月/.-]\s*\d{0,2}\s*日?"
    r"|[\u4e00-\u9fffA-Za-z0-9]{2,20}(?:局|委|办|政府|中心|大队|支队|街道|办事处|公司)))+[\s。.]*$"
)

#: Unfilled template placeholders: ``{name}``, ``{{…}}``, ``XX``/``××``, ``***``, ``【填写…】``, ``____``.
PLACEHOLDER = re.compile(
    r"\{[^{}]{0,30}\}|\{\{|\}\}|(?<![A-Za-z])[Xx×]{2,}(?![A-Za-z])|\*{3,}|○{2,}|_{3,}"
    r"|【[^】]{0,12}(?:填写|待填|待补|姓名|名称|日期|单位|电话|地址|时间)[^】]{0,12}】"
    r"|\[[^\]]{0,12}(?:填写|待填|待补|姓名|名称|日期|单位|电话|地址|时间)[^\]]{0,12}\]"
)

#: Anonymised administrative units of the benchmark data and plain codes (``A3区``, ``A市``).
ADMIN_CODE = re.compile(r"[A-Za-z]\d{0,2}[省市区县]")

#: Endings of place and object names: a key phrase ends after such a word.  One-character
#: endings count only for words of three or more characters (``搅拌站`` but not ``洋湖``).
NAME_SUFFIX = re.compile(
    r"(?:新城|中心|小区|花园|广场|大厦|公司|学校|小学|中学|大学|幼儿园|医院|市场|酒店|酒吧|工地|项目|社区|号线)$"
    r"|^.{2,}(?:城|站|园|苑|区|路|街|道|巷|村|镇|乡|湾|桥|港|府|邸|庭|居|阁|墅|寓|厦|场|馆|店|院|校|所|厂|司|行)$"
)

#: Words that name no place or object: request verbs, letter formulas, office words.
GENERIC_WORDS = frozenset(
    [
        "问题",
        "反映",
        "建议",
        "咨询",
        "投诉",
        "举报",
        "希望",
        "请求",
        "要求",
        "关于",
        "相关",
        "有关",
        "部门",
        "情况",
        "领导",
        "政府",
        "市民",
        "网友",
        "业主",
        "您好",
        "谢谢",
        "感谢",
        "尊敬",
        "书记",
        "市长",
        "留言",
        "回复",
        "答复",
        "工作",
        "严重",
        "一直",
        "现在",
        "目前",
        "什么",
        "怎么",
        "为什么",
        "能否",
        "是否",
        "请问",
        "恳请",
        "强烈",
        "呼吁",
        "质疑",
        "解决",
        "处理",
        "尽快",
        "及时",
        "进行",
        "存在",
        "出现",
        "没有",
        "不能",
        "无法",
        "可以",
        "已经",
        "我们",
        "他们",
        "你们",
        "您们",
        "本人",
        "这个",
        "那个",
        "这样",
        "一下",
        "如何",
        "何时",
        "多久",
        "真的",
        "实在",
        "非常",
        "特别",
        "好多",
        "许多",
        "很多",
        "一些",
        "有人",
        "大家",
        "群众",
        "老百姓",
        "关注",
        "支持",
        "理解",
        "监督",
        "收悉",
        "调查",
        "核实",
        "核查",
        "经查",
        "处理",
        "办理",
        "工作人员",
        "有关部门",
        "相关部门",
        "同志",
        "先生",
        "女士",
        "希望",
        "政府部门",
        "职能部门",
        "管理部门",
        "负责",
        "单位",
        "及时",
        "是不是",
        "为何",
        "为啥",
        "现将",
        "如下",
        "此致",
        "敬礼",
        "急需",
        "急盼",
        "盼望",
        "期待",
        *["附近", "旁边", "周边", "周围", "门口", "对面", "一带", "路段", "境内", "辖区", "里面", "外面"],
    ]
)


def strip_signature(text: str) -> str:
    """``text`` without a trailing date or office signature."""
    return TRAILING_SIGNATURE.sub("", text)


def has_greeting(text: str, window: int = 60) -> bool:
    """Whether a salutation or greeting occurs within the first ``window`` characters."""
    return GREETING.search(text[:window]) is not None


def has_opening(text: str, window: int = 60) -> bool:
    """Whether the text opens like a reply: a greeting or an acknowledgement near the start."""
    head = text[:window]
    return GREETING.search(head) is not None or ACKNOWLEDGEMENT.search(head) is not None


def has_closing(text: str, window: int = 60, *, date_counts: bool = False) -> bool:
    """Whether a courtesy closing occurs within the last ``window`` characters.

    The trailing date or signature is removed first.  With ``date_counts`` a text
    that ends with a date or signature counts as closed even without a courtesy
    formula (the closing *segment* of a letter is often just the date).
    """
    tail = text.rstrip()[-(window + 80) :]
    body = strip_signature(tail)
    if date_counts and len(body) < len(tail):
        return True
    return CLOSING.search(body[-window:]) is not None


def shingles(text: str) -> set[str]:
    """Character shingles of length 8 (whitespace removed)."""
    text = "".join(text.split())
    return {text[i : i + SHINGLE] for i in range(len(text) - SHINGLE + 1)}


def bigrams(text: str) -> set[str]:
    """Character bigrams."""
    return {text[i : i + 2] for i in range(len(text) - 1)}


def mentioned(phrase: str, reply_bigrams: set[str]) -> float:
    """Share of the phrase's character bigrams found in the reply (robust to segmentation)."""
    grams = bigrams(phrase)
    if not grams:
        return 0.0
    return sum(g in reply_bigrams for g in grams) / len(grams)


def cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """Cosine of two sparse vectors."""
    if not a or not b:
        return 0.0
    dot = sum(w * b.get(t, 0.0) for t, w in a.items())
    norm = math.sqrt(sum(w * w for w in a.values())) * math.sqrt(sum(w * w for w in b.values()))
    return dot / norm if norm else 0.0


#: Bus and metro lines as a title writes them (``360路``, ``W12路``, ``地铁2号线``, ``8号线``).
ROUTE = re.compile(r"(?:地铁|轨道交通)?\d{1,2}号线|(?<![A-Za-z0-9])[A-Za-z]?\d{1,4}路")
#: One-character endings that finish a name the segmenter left apart (``花卉`` + ``路``).
_NAME_END = frozenset("路街巷村镇乡湾园苑桥")
#: A two-character term that is only the end of a name (``北路``, ``云路``, ``大道``).
_BARE_END = re.compile(r"[东西南北中上下]?(?:路|街|道|巷|桥|线)|大道|大街")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_MAX_FRONT = 3  # the most characters a bare ending takes from the text before it


def whole_term(title: str, start: int, end: int) -> tuple[int, int]:
    """The span of the whole word of ``title`` that the key term ``title[start:end]`` is part of.

    The segmenter cuts names it does not know: ``360路车`` into ``360`` (a number, no key
    term) and ``路车``, ``万芙北路`` into ``万芙`` and ``北路``, ``花卉路`` into ``花卉`` and
    ``路``.  The reply check must name what the citizen wrote (‘360路’, ‘万芙北路’,
    ‘花卉路’), never a piece of it: a term touching a bus or metro line becomes the line; a
    term a one-character name ending follows takes it; a bare ending (``北路``) takes up to
    three Han characters before it, not across an administrative code (``A市``).
    """
    for route in ROUTE.finditer(title):
        if route.start() < end and start < route.end():
            return route.start(), route.end()
    if title[end : end + 1] in _NAME_END and not NAME_SUFFIX.search(title[start:end]):
        end += 1
    if _BARE_END.fullmatch(title[start:end]):
        codes = [code.end() for code in ADMIN_CODE.finditer(title, 0, start)]
        floor = max([start - _MAX_FRONT, *codes, 0])
        front = start
        while front > floor and _HAN.fullmatch(title[front - 1]):
            front -= 1
        start = front
    return start, end

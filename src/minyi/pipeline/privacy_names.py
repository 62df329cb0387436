"""Personal names: the ones an author introduces, and masking names known from elsewhere.

:mod:`minyi.pipeline.privacy` finds a name only where the author introduces it (我叫,
本人, 我是, 姓名：, 联系人：, …), because a bare 2–3 character Han word is far more
often not a name.  Once a name is known, though (the contact name of a case, or a
name its author introduced in the first message), every later occurrence of it is
the same person: :func:`mask_names` masks those wherever they are, so replies and
statements that repeat the name do not reveal it.  :func:`names_introduced` gives
the introduced names of a text, to feed :func:`mask_names` for the other texts of
the same case.

Names are masked keeping the surname: 王小明 → 王**, 欧阳娜 → 欧阳*.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from minyi.pipeline.privacy_foreign import latin_names_introduced, masked_word
from minyi.pipeline.privacy_text import HANT_TABLE, has_hant

__all__ = [
    "CLASSMATE",
    "KIN_NAME",
    "NAME",
    "OFFICIAL",
    "PUPIL",
    "STUDENT",
    "TEACHER",
    "TITLE_NAME",
    "has_classmate",
    "has_kin_intro",
    "has_name_intro",
    "has_official",
    "has_student",
    "has_teacher",
    "mask_name_match",
    "mask_names",
    "mask_title_name",
    "masked_name",
    "names_introduced",
]

_HAN = "\u4e00-\u9fff"


def _word_set(*lines: str) -> frozenset[str]:
    """The space-separated words of ``lines``."""
    return frozenset(" ".join(lines).split())


#: What follows a name in a phone call written down without punctuation (喂你好嗯我叫张伟我电话是…,
#: thirteenth probe): the next clause's 我 before the phone or the home (我电话, 我的手机, 我住), a
#: filler (嗯, 啊, 呃, 那个, 就是) or 然后.  Not 我 alone: 用我的姓名查询我的身份证号 holds no name.
_SPOKEN_ENDS = "我(?:的)?(?:电话|手机|号码|联系|住|家住|今年)|嗯|啊|呃|那个|就是|然后|这个"
#: A name introduced by its author; group ``v`` is the name.  The name ends before a
#: non-Han character or a word that usually follows a name (家住, 今年, 男, 反映 …).
NAME = re.compile(
    r"(?:我叫|(?:我|本人)?名叫|我的名字(?:是|叫)|本人(?:叫|姓名\s*[:：]?|是)?|我是|(?:姓名|联系人)\s*[:：]?)\s*"
    rf"(?P<v>[{_HAN}]{{2,3}}?)"
    rf"(?=[^{_HAN}]|家住|住|电话|手机|身份证|联系|今年|现年|现住|居住|户籍|性别|年龄|男|女|反映|{_SPOKEN_ENDS}|\Z)"
)
_HAS_NAME_INTRO = re.compile("我叫|名叫|我的名字|本人|我是|姓名|联系人").search

#: A child or another family member the author names (我儿子王小明在实验小学…, 女儿叫李小红,
#: 孩子周小宝在育才小学一年级3班), and a pupil named as a classmate (同学李小刚, 被李小刚同学打了).
#: Minors' names next to their school and class were shown in full on every public view
#: (docs/security-probes.md, "Eleventh probe"): the law counts a child's data under 14 as
#: sensitive (个人信息保护法 第二十八条), and a parent names the child where they would never
#: name themselves.  The name must end before punctuation or a word that follows a pupil's
#: name (在, 同学, 今年, 就读, 被 …), so 孩子周末在家 is only a name if 周末 were one.
_KIN = "儿子|女儿(?!童)|孩子|小孩|闺女|孙子|孙女|外孙女?|侄子|侄女|外甥女?"  # 妇女儿童 is no kin
_PUPIL_END = rf"(?=[^{_HAN}]|在|同学|小朋友|今年|现年|就读|被|打|骂|欺负|男|女|\Z)"
KIN_NAME = re.compile(rf"(?:{_KIN})(?:的名字)?(?:叫|名叫|是)?\s*[:：]?\s*(?P<v>[{_HAN}]{{2,3}}?){_PUPIL_END}")
_HAS_KIN = re.compile(_KIN).search
#: A pupil's name right after 同学 (同学李小刚).
CLASSMATE = re.compile(rf"同学\s*[:：]?\s*(?P<v>[{_HAN}]{{2,3}}?){_PUPIL_END}")
#: A pupil's name right before 同学/小朋友, after a word that cannot end a name (的李小刚同学,
#: 班王明同学, or no Han character): both ends are fixed, so no longer word is taken.
PUPIL = re.compile(
    rf"(?:(?<![{_HAN}])|(?<=[的与和跟被把让给及叫班]))(?![的与和跟被把让给及叫班])(?P<v>[{_HAN}]{{2,3}})(?=同学|小朋友)"
)

#: A teacher named with a given name (的李小红老师, 杨敢老师也知道): 王老师 (a surname alone) is how
#: pupils and parents address any teacher and stays, like 王先生.
TEACHER = re.compile(
    rf"(?:(?<![{_HAN}])|(?<=[的与和跟被把让给及叫班是找向对])|(?<=主任)|(?<=校长))(?![的与和跟被把让给及叫班是找向对])"
    rf"(?P<v>[{_HAN}]{{2,3}})(?=老师)"
)
#: A pupil, a patient or a worker named after the word (学生李小刚被打, 患者文家善，男，56岁, 职工唐忠福、…):
#: as 同学, the name must end before punctuation or a word that follows it.
STUDENT = re.compile(rf"(?:学生|学员|患者|病人|职工|员工)\s*[:：]?\s*(?P<v>[{_HAN}]{{2,3}}?){_PUPIL_END}")
_HAS_STUDENT = re.compile("学生|学员|患者|病人|职工|员工").search
#: A full name alone at the start of a text before 反映, 投诉 … (a title: 孙丽丽反映小区停水): who
#: writes so names himself. Not a place or an organisation, which a title starts with as often.
TITLE_NAME = re.compile(
    rf"\A\s*(?P<v>[{_HAN}]{{2,3}}?)(?=\s*(?:反映|投诉|举报|求助|咨询|申请|请求|要求|控告|状告|诉求))"
)
#: 王先生, 张女士: the hotline's usual way to name a caller, not identifying alone: kept readable.
_HONORIFICS = _word_set("先生 女士 小姐 师傅 阿姨 大爷 大妈 奶奶 爷爷 老板 同志")
_PLACE_ENDS = frozenset(
    "村区县镇乡市省州路街巷道园苑城湖山江河桥站局厅委办院校司厂店队所部馆场港湾府庄屯坪塘岭冲洲岛里门楼家组社户"
)

#: The official who handles a case, named in a reply right before a phone number (经办人：李建国，
#: 电话 0731-…; 承办人王芳 138…): the name is masked, the department's number follows its own
#: rules (kept when the department lists it).  An official who signs without a number, and
#: the department, stay readable (docs/security-probes.md, "Third probe": public servants act
#: in office by name, but a clerk's name next to a direct line invites calls to the person).
OFFICIAL = re.compile(
    r"(?:经办人|承办人|办理人|经手人|联系人|工作人员)(?:员)?\s*[:：]?\s*"
    rf"(?P<v>[{_HAN}]{{2,3}}?)"
    r"(?=(?:同志|老师|先生|女士|科长|主任|所长|队长)?\s*[，,、;；]?\s*[（(]?\s*"
    r"(?:联系)?(?:电话|手机|座机|方式|[Tt]el|TEL)?(?:号码?)?\s*[:：]?\s*[（(]?(?:\+?86)?[0-9])"
)
_HAS_OFFICIAL = re.compile("经办人|承办人|办理人|经手人|联系人|工作人员").search

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
    "任课 申报 查看 白天 安置 车费 钱财 符合 关注 应当 严重 万人 全体 高中 时代 宿舍 关心 成人 家长",
    "周末 周岁 周一 周二 周三 周四 周五 周六 周日 高考 中考 高中 高烧 高兴 成绩 成长 马上 全部 全班",
    "全校 毕业 费用 管理 路上 包括 温度 关系 周边 任何 农田 孙子 孙女 毕竟",
)
_NOT_NAME_CHARS = frozenset("的了在是我你他她们想要来去说和与及或被把这那哪个些都也就还又再很")
#: Characters that do not follow a surname in a name, but do follow 本人/我是 in a sentence (本人于今年).
_NOT_GIVEN_CHARS = frozenset("年今昨已曾将于向从对为因所给让叫称多次")
_NAME_LEN_WITH_SUFFIX = 3  # 江苏人, 外地人: three characters ending in 人 are not names


def _surname_of(name: str) -> str:
    """The surname part of ``name``: a compound surname, else the first character."""
    return name[:2] if name[:2] in _COMPOUND_SURNAMES else name[:1]


def masked_name(name: str, char: str = "*") -> str:
    """``name`` with all but its surname masked (王小明 → 王**); at least one character is masked.

    A name in Latin letters keeps the first letter of each word (John Smith → J*** S****).
    """
    if name[:1].isascii():
        return " ".join(masked_word(word, char) for word in name.split(" "))
    surname = _surname_of(name)
    if len(surname) >= len(name):
        surname = name[:1]
    return surname + char * (len(name) - len(surname))


def _accepted(name: str) -> bool:
    """Whether an introduced 2–3 character word is a name (a known surname, no common word)."""
    if name in _NOT_NAMES or name[:2] in _NOT_NAMES or _NOT_NAME_CHARS.intersection(name):
        return False
    if _NOT_GIVEN_CHARS.intersection(name[1:]):
        return False
    if len(name) == _NAME_LEN_WITH_SUFFIX and name.endswith("人"):
        return False
    surname = _surname_of(name)
    return surname in _SURNAMES or surname in _COMPOUND_SURNAMES


def mask_name_match(m: re.Match[str], char: str) -> str | None:
    """The masked name of a :data:`NAME` match, or None when the word is not a name.

    A compound surname right before the mask character is the kept part of a name masked
    before (欧阳* read again became 欧**): left alone, so that masking is idempotent.  Any
    other name before a mask character is masked (联系人：胡喆******** is a name, then a
    number its writer masked).
    """
    name = m["v"]
    if name in _COMPOUND_SURNAMES and m.string[m.end("v") : m.end("v") + 1] == char:
        return None
    return masked_name(name, char) if _accepted(name) else None


def mask_title_name(m: re.Match[str], char: str) -> str | None:
    """The masked name of a :data:`TITLE_NAME` match; None for a place or an organisation (金星村, 雨花区)."""
    if m["v"][-1] in _PLACE_ENDS or m["v"][1:] in _HONORIFICS:
        return None
    return mask_name_match(m, char)


def has_teacher(text: str) -> bool:
    """Whether ``text`` names a teacher (a quick test before :data:`TEACHER`)."""
    return "老师" in text


def has_student(text: str) -> bool:
    """Whether ``text`` names a pupil, a patient or a worker (a quick test before :data:`STUDENT`)."""
    return _HAS_STUDENT(text) is not None


def has_kin_intro(text: str) -> bool:
    """Whether ``text`` names a family member's relation (儿子, 女儿, 孩子 …) before one scan."""
    likely = "子" in text or "女" in text or "孩" in text or "甥" in text  # substring tests first
    return likely and _HAS_KIN(text) is not None


def has_classmate(text: str) -> bool:
    """Whether ``text`` holds 同学 or 小朋友 (a quick test before :data:`CLASSMATE`)."""
    return "同学" in text or "小朋友" in text


def has_name_intro(text: str) -> bool:
    """Whether ``text`` holds a word that introduces a name (a quick test before :data:`NAME`)."""
    return _HAS_NAME_INTRO(text) is not None


def has_official(text: str) -> bool:
    """Whether ``text`` names a handling official (a quick test before :data:`OFFICIAL`)."""
    return "人" in text and _HAS_OFFICIAL(text) is not None


def names_introduced(text: str | None) -> list[str]:
    """The names the author of ``text`` introduces (我叫…, 本人…, 我儿子…, 同学…, 学生…, …老师), once each.

    These are the names :func:`minyi.pipeline.privacy.mask_text` masks in ``text``;
    pass them to :func:`mask_names` to mask the same names in the other texts of a case.
    """
    if not text:
        return []
    if has_hant(text):
        text = text.translate(HANT_TABLE)  # 我叫陳大文 introduces 陈大文, as mask_text reads it
    names: list[str] = []
    if has_name_intro(text):
        names += (m["v"] for m in NAME.finditer(text))
    if has_kin_intro(text):
        names += (m["v"] for m in KIN_NAME.finditer(text))
    if has_classmate(text):
        names += (m["v"] for pattern in (CLASSMATE, PUPIL) for m in pattern.finditer(text))
    if has_student(text):
        names += (m["v"] for m in STUDENT.finditer(text))
    if has_teacher(text):
        names += (m["v"] for m in TEACHER.finditer(text))
    names += (m["v"] for m in TITLE_NAME.finditer(text) if mask_title_name(m, "*") is not None)
    names = [name for name in names if _accepted(name)]
    return list(dict.fromkeys(names + latin_names_introduced(text)))


def mask_names(text: str | None, names: Iterable[str], *, mask_char: str = "*") -> str:
    """``text`` with every occurrence of each of ``names`` masked like an introduced name (王**).

    The names are known from elsewhere (a case's contact, :func:`names_introduced` of
    its first message), so they are masked wherever they occur, introduced or not.
    Longer names are matched first (王小明 before 王小); names shorter than two
    characters are ignored, since masking every 王 would garble the text.  Empty for
    None.

    Raises:
        ValueError: for a mask character that is not one non-alphanumeric character.
    """
    if len(mask_char) != 1 or mask_char.isalnum() or mask_char.isspace():
        raise ValueError(f"mask_char must be one non-alphanumeric character, not {mask_char!r}")
    if not text:
        return ""
    wanted = sorted(
        {n.strip() for n in names if len(n.strip()) > 1 and n.strip() in text}, key=len, reverse=True
    )
    if not wanted:
        return text
    pattern = re.compile("|".join(map(re.escape, wanted)))
    return pattern.sub(lambda m: masked_name(m[0], mask_char), text)

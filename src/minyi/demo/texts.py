"""Demo material: departments, a category tree and citizens' messages made from templates.

Everything is invented and anonymised (places are written "A市A3区…"); nothing comes
from a real data set. :func:`generate_messages` fills the templates with a
``random.Random`` so the same seed always gives the same texts. A few "hot" local
problems are reported by many people in different words, as happens on a real board.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from minyi.cases.models import AppealKind
from minyi.demo.hot import HOT_PROBLEMS, HotProblem
from minyi.demo.templates import TEMPLATES
from minyi.departments.models import Category

K = AppealKind


@dataclass(frozen=True)
class DepartmentSpec:
    """A demo department."""

    code: str
    name: str
    name_en: str
    contact_phone: str


DEPARTMENTS: tuple[DepartmentSpec, ...] = (
    DepartmentSpec("ZJJ", "住房和城乡建设局", "Housing and Urban-Rural Development Bureau", "0731-88001201"),
    DepartmentSpec("HBJ", "生态环境局", "Ecology and Environment Bureau", "0731-88001202"),
    DepartmentSpec("JTJ", "交通运输局", "Transport Bureau", "0731-88001203"),
    DepartmentSpec("JYJ", "教育局", "Education Bureau", "0731-88001204"),
    DepartmentSpec(
        "RSJ", "人力资源和社会保障局", "Human Resources and Social Security Bureau", "0731-88001205"
    ),
    DepartmentSpec("WJW", "卫生健康委员会", "Health Commission", "0731-88001206"),
    DepartmentSpec("SCJ", "市场监督管理局", "Administration for Market Regulation", "0731-88001207"),
    DepartmentSpec(
        "CGJ", "城市管理综合执法局", "Urban Management and Law Enforcement Bureau", "0731-88001208"
    ),
)

CATEGORY_DEPARTMENTS: dict[str, str] = {
    "城乡建设": "ZJJ",
    "环境保护": "HBJ",
    "交通运输": "JTJ",
    "教育文体": "JYJ",
    "劳动和社会保障": "RSJ",
    "卫生计生": "WJW",
    "商贸旅游": "SCJ",
    "城市管理": "CGJ",
}
"""The default department of each level-1 category (its subcategories inherit it)."""


DISTRICTS = ("A1区", "A2区", "A3区", "A4区", "A5区", "A6区", "A7县", "A8县")
ESTATES = (
    "丽景花园",
    "金色家园",
    "枫林雅苑",
    "东湖新村",
    "锦绣华庭",
    "翠湖湾",
    "书香门第",
    "润泽园",
    "世纪城",
    "芙蓉苑",
    "和谐家园",
    "幸福里",
    "青山湾",
    "南湖名都",
    "桂花苑",
    "紫薇苑",
)
ROADS = (
    "星沙大道",
    "人民路",
    "建设北路",
    "解放西路",
    "中山路",
    "新华路",
    "朝阳路",
    "滨河路",
    "学府路",
    "科技大道",
    "长青路",
    "振兴路",
    "桐梓路",
    "车站南路",
)
TIMES = ("每天晚上10点以后", "凌晨1点左右", "早上6点不到", "周末白天", "每天晚上8点到11点", "中午12点到2点")
DURATIONS = ("一个多星期", "半个多月", "一个多月", "两个多月", "快半年", "一年多")
EATERIES = ("烧烤店", "火锅店", "小龙虾店", "快餐店", "米粉店")
SHOPS = ("健身房", "美容院", "游泳馆", "理发店", "儿童乐园")
SCHOOLS = ("第一小学", "第三小学", "实验小学", "第二中学", "外国语学校")
HOSPITALS = ("A市第一人民医院", "A市中心医院", "A市妇幼保健院", "A市中医医院")
OPENERS = ("", "", "您好！", "尊敬的领导：您好！", "领导好，", "市长您好，")
INTROS = ("", "", "我是{district}的一名普通市民，", "本人长期居住在{district}，")
CLOSINGS = ("", "谢谢！", "盼回复，谢谢。", "辛苦了！")
APPEALS: dict[str, tuple[str, ...]] = {
    K.INQUIRY: ("请问具体应该怎么办理？", "想咨询一下相关政策，盼答复。", "请问这种情况符合规定吗？"),
    K.HELP: ("恳请相关部门帮帮我们。", "实在没有办法了，希望政府能帮忙协调解决。"),
    K.COMPLAINT: ("希望相关部门尽快处理。", "多次反映都没有结果，请领导重视。", "请有关部门依法查处。"),
    K.SUGGESTION: ("建议相关部门研究一下，方便群众。", "以上建议供参考。"),
    K.PRAISE: ("特此表扬，希望转达我们的感谢！", "给你们点赞！"),
    K.REPORT: ("请执法部门尽快核查，依法处理。", "举报人愿意配合调查。"),
}
PERSONAL_DATA = (
    "我的电话是{mobile}，可以随时联系我。",
    "有问题可以打我电话{mobile}。",
    "相关照片已发到{email}，需要可以联系。",
    "联系方式：{mobile}（{surname}先生）。",
)
SURNAMES = ("张", "李", "王", "刘", "陈", "杨", "赵", "黄", "周", "吴")
EMAIL_NAMES = ("zhangwei", "liqiang", "wangfang", "chenjing", "liuyang", "zhaolei")


@dataclass(frozen=True)
class MessageText:
    """One generated message, with what the demo needs to file and answer it."""

    title: str
    body: str
    category: str
    kind: str
    topic: str
    region: str
    address: str | None
    likes: int
    reposts: int
    hot: str | None = None


def mobile_number(rng: random.Random) -> str:
    """An invented mainland mobile number such as 13812345678."""
    return f"1{rng.choice('3589')}{rng.randrange(10)}{rng.randrange(10**8):08d}"


def email_address(rng: random.Random) -> str:
    """An invented e-mail address on the reserved example.com domain."""
    return f"{rng.choice(EMAIL_NAMES)}{rng.randrange(10, 99)}@example.com"


def _slots(rng: random.Random) -> dict[str, str]:
    district = rng.choice(DISTRICTS)
    road, road2 = rng.sample(ROADS, 2)
    return {
        "district": district,
        "region": f"A市{district}",
        "estate": rng.choice(ESTATES),
        "road": road,
        "road2": road2,
        "time": rng.choice(TIMES),
        "duration": rng.choice(DURATIONS),
        "building": str(rng.randint(1, 28)),
        "months": str(rng.randint(2, 11)),
        "years": str(rng.randint(2, 12)),
        "count": str(rng.randint(3, 40)),
        "amount": f"{rng.randrange(8, 200) * 100}元",
        "big_amount": f"{rng.randrange(12, 300) * 500}元",
        "fee": f"{rng.randrange(2, 10) * 50}元",
        "fare": f"{rng.randint(45, 150)}元",
        "car_price": str(rng.randint(12, 25)),
        "company": f"A市{rng.choice('BCDEFGHKMN')}某有限公司",
        "school": f"{district}{rng.choice(SCHOOLS)}",
        "hospital": rng.choice(HOSPITALS),
        "eatery": rng.choice(EATERIES),
        "shop": rng.choice(SHOPS),
        "market": f"{rng.choice(ESTATES)}{rng.choice(('超市', '农贸市场', '便利店'))}",
        "route": str(rng.randint(201, 399)),
        "mobile": mobile_number(rng),
        "email": email_address(rng),
        "surname": rng.choice(SURNAMES),
    }


def _personal_data(rng: random.Random, slots: dict[str, str], share: float) -> str:
    return rng.choice(PERSONAL_DATA).format(**slots) if rng.random() < share else ""


def _generic(rng: random.Random) -> MessageText:
    template = rng.choice(TEMPLATES)
    slots = _slots(rng)
    core = rng.choice(template.cores)
    parts = (
        rng.choice(OPENERS),
        rng.choice(INTROS),
        core,
        rng.choice(APPEALS[template.kind]),
        _personal_data(rng, slots, 0.12),
        rng.choice(CLOSINGS),
    )
    address = None
    if "{estate}" in core:
        address = f"{slots['region']}{slots['estate']}小区"
    elif "{road}" in core:
        address = slots["region"] + slots["road"]
    return MessageText(
        title=rng.choice(template.titles).format(**slots),
        body="".join(parts).format(**slots),
        category=template.category,
        kind=template.kind,
        topic=template.topic.format(**slots),
        region=slots["region"],
        address=address,
        likes=rng.choice((0, 0, 0, 1, 2, 3, 5, 8)),
        reposts=rng.choice((0, 0, 0, 0, 1, 2)),
    )


def _hot(rng: random.Random, problem: HotProblem) -> MessageText:
    slots = _slots(rng)
    first, second = rng.sample(problem.facts, 2)
    kind, appeal = rng.choice(problem.appeals)
    parts = (
        rng.choice(OPENERS),
        rng.choice(problem.intros),
        f"{first}，{second}。",
        rng.choice(problem.effects),
        appeal,
        _personal_data(rng, slots, 0.06),
        rng.choice(CLOSINGS),
    )
    return MessageText(
        title=rng.choice(problem.titles),
        body="".join(parts).format(**slots),
        category=problem.category.replace("/", Category.PATH_SEPARATOR),
        kind=str(kind),
        topic=problem.topic,
        region=problem.region,
        address=problem.address,
        likes=rng.randint(10, 400),
        reposts=rng.randint(2, 80),
        hot=problem.key,
    )


def hot_counts(total: int) -> dict[str, int]:
    """How many messages each hot problem gets among ``total`` (its full count from 500 on)."""
    full = 500
    return {p.key: min(p.count, round(p.count * total / full)) for p in HOT_PROBLEMS}


def generate_messages(rng: random.Random, count: int) -> list[MessageText]:
    """``count`` messages in a random order: the hot problems' share, the rest from templates."""
    texts: list[MessageText] = []
    for problem in HOT_PROBLEMS:
        texts.extend(_hot(rng, problem) for _ in range(hot_counts(count)[problem.key]))
    texts.extend(_generic(rng) for _ in range(count - len(texts)))
    rng.shuffle(texts)
    return texts


#: English names of the demo's categories (English pages show them).
CATEGORY_NAMES_EN = {
    "井盖破损": "Broken manhole covers",
    "交通运输": "Transport",
    "价格欺诈": "Price fraud",
    "住房保障": "Housing assistance",
    "入学划片": "School catchment areas",
    "公交线路": "Bus routes",
    "公共交通": "Public transport",
    "公共体育设施": "Public sports facilities",
    "公共卫生": "Public health",
    "公租房": "Public rental housing",
    "养老保险": "Pension insurance",
    "出租车": "Taxis",
    "劳动关系": "Labour relations",
    "劳动合同": "Labour contracts",
    "劳动和社会保障": "Labour and social security",
    "医疗保险": "Medical insurance",
    "医疗收费": "Medical charges",
    "医疗服务": "Medical services",
    "医院服务": "Hospital services",
    "占道经营": "Street vending",
    "卫生计生": "Health and family planning",
    "商品房销售": "Housing sales",
    "商贸旅游": "Commerce and tourism",
    "噪声污染": "Noise pollution",
    "垃圾清运": "Rubbish collection",
    "城乡建设": "Urban and rural construction",
    "城市管理": "City management",
    "基础教育": "Basic education",
    "大气污染": "Air pollution",
    "学校管理": "School management",
    "就业创业": "Jobs and start-ups",
    "就业补贴": "Employment subsidies",
    "工业废气": "Industrial emissions",
    "市场监管": "Market regulation",
    "市容环境": "City appearance",
    "市政设施": "Municipal facilities",
    "建筑施工": "Building works",
    "房地产市场": "Property market",
    "房屋质量": "Building quality",
    "拖欠工资": "Unpaid wages",
    "教育文体": "Education, culture and sports",
    "文体设施": "Culture and sports facilities",
    "施工噪声": "Construction noise",
    "施工安全": "Construction safety",
    "旅游服务": "Tourism services",
    "景区管理": "Scenic area management",
    "校外培训": "Private tutoring",
    "棚户区改造": "Shanty town renewal",
    "水污染": "Water pollution",
    "河道污染": "River pollution",
    "燃气安全": "Gas safety",
    "燃气管理": "Gas supply",
    "物业管理": "Property management",
    "环境保护": "Environmental protection",
    "生育登记": "Birth registration",
    "疫苗接种": "Vaccination",
    "社会保险": "Social insurance",
    "社会生活噪声": "Neighbourhood noise",
    "计划生育": "Family planning",
    "路灯照明": "Street lighting",
    "违法建设": "Illegal construction",
    "违章搭建": "Unauthorised structures",
    "道路建设": "Road building",
    "道路维修": "Road repairs",
    "道路规划": "Road planning",
    "预付卡消费": "Prepaid cards",
    "食品安全": "Food safety",
    "餐饮油烟": "Restaurant fumes",
}


def category_rows() -> list[dict[str, str]]:
    """The category tree as rows for :func:`minyi.departments.services.import_category_tree`."""
    hot = {p.category.replace("/", Category.PATH_SEPARATOR) for p in HOT_PROBLEMS}
    paths = sorted({t.category for t in TEMPLATES} | hot)
    rows = []
    for path in paths:
        level1, level2, level3 = path.split(Category.PATH_SEPARATOR)
        english = {
            f"level{n}_en": CATEGORY_NAMES_EN.get(name, "")
            for n, name in enumerate(path.split(Category.PATH_SEPARATOR), 1)
        }
        rows.append({"一级分类": level1, "二级分类": level2, "三级分类": level3, **english})
    return rows


FINDINGS = (
    "您反映的情况基本属实",
    "我单位已会同属地街道到现场核查，您反映的情况属实",
    "经现场核查，您反映的问题部分属实",
)
ACTIONS = (
    "我单位已责令相关责任单位限期整改，并将持续跟踪整改情况。",
    "目前问题已整改到位，我们将加强日常巡查，防止问题反弹。",
    "该问题已纳入近期工作计划，我们将督促相关单位尽快处理到位。",
    "已依法对相关责任主体立案调查，调查结果将依法公开。",
)
ANSWERS = (
    (
        "符合条件的市民可携带身份证及相关材料到所在区县政务服务中心窗口办理，"
        "也可通过A市政务服务网在线申请，办理时限为15个工作日。"
    ),
    "根据现行政策规定，您的情况符合办理条件，具体材料清单可登录A市政务服务网查询。",
)


def reply_text(rng: random.Random, text: MessageText, phone: str) -> str:
    """A public reply in the official style, signed off with the department's phone number."""
    contact = f"联系电话：{phone}。"
    if text.hot is not None:
        return next(p.reply for p in HOT_PROBLEMS if p.key == text.hot) + contact
    if text.kind == K.PRAISE:
        return (
            "您好！感谢您对我们工作的肯定和支持。您的表扬已转达至相关单位和工作人员，"
            "我们将以此为激励，继续提升服务水平。" + contact
        )
    if text.kind == K.INQUIRY:
        return (
            f"您好！您咨询的{text.topic}问题已收悉，现答复如下：{rng.choice(ANSWERS)}"
            f"如有疑问，请在工作日拨打{phone}咨询。感谢您的关注。"
        )
    return (
        f"您好！您反映的{text.topic}问题已收悉。经核查，{rng.choice(FINDINGS)}。"
        f"{rng.choice(ACTIONS)}感谢您的监督。{contact}"
    )

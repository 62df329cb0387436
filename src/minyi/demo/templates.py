"""Templates of ordinary messages: one or more per leaf of the demo category tree.

Each template names its category path, its kind of appeal, the topic an answer refers
to, and ways of writing the title and the core of the body. Slots such as ``{estate}``
and ``{road}`` are filled by :mod:`minyi.demo.texts`.
"""

from __future__ import annotations

from dataclasses import dataclass

from minyi.cases.models import AppealKind
from minyi.departments.models import Category

K = AppealKind


@dataclass(frozen=True)
class Template:
    """One kind of message: where it is filed, what it asks, and ways of writing it."""

    category: str
    kind: str
    topic: str
    titles: tuple[str, ...]
    cores: tuple[str, ...]


def _t(path: str, kind: AppealKind, topic: str, titles: tuple[str, ...], *cores: str) -> Template:
    return Template(path.replace("/", Category.PATH_SEPARATOR), kind.value, topic, titles, cores)


TEMPLATES: tuple[Template, ...] = (
    _t(
        "城乡建设/房地产市场/商品房销售",
        K.COMPLAINT,
        "{estate}逾期交房",
        ("{estate}逾期交房{months}个月，开发商不给说法", "{estate}开发商延期交房问题"),
        "我们在{district}购买了{estate}的商品房，合同约定去年年底交房，现在已经逾期{months}个月，"
        "开发商一直以各种理由拖延，也不按合同支付违约金。",
    ),
    _t(
        "城乡建设/房地产市场/物业管理",
        K.COMPLAINT,
        "{estate}小区物业服务",
        ("{estate}小区物业不作为", "投诉{company}物业服务差"),
        "{estate}小区由{company}负责物业管理，物业费每月照收，但{building}栋电梯已经停了{duration}，"
        "楼道垃圾也没人及时清理。",
    ),
    _t(
        "城乡建设/房地产市场/房屋质量",
        K.HELP,
        "{estate}房屋渗水",
        ("新房漏水开发商推诿扯皮", "{estate}{building}栋外墙渗水求助"),
        "我家住在{estate}小区{building}栋，交房还不到两年，每逢下雨卧室外墙就渗水，墙皮大面积脱落，"
        "找开发商和物业{count}次都说在走流程，{duration}没有人来修。",
    ),
    _t(
        "城乡建设/住房保障/公租房",
        K.INQUIRY,
        "公租房申请",
        ("咨询公租房申请条件", "外地户籍能否在{district}申请公租房？"),
        "我是外地户籍，在{district}工作已经{years}年，一直租房住，每月房租{amount}，压力很大。",
    ),
    _t(
        "城乡建设/住房保障/棚户区改造",
        K.INQUIRY,
        "{road}片区棚户区改造",
        ("{road}片区棚改什么时候启动？", "咨询{road}棚户区改造补偿标准"),
        "我家在{district}{road}老片区，房子是上世纪八十年代建的，年久失修，听说这一片要纳入棚户区改造，"
        "但{duration}都没有下文。",
    ),
    _t(
        "城乡建设/建筑施工/施工安全",
        K.REPORT,
        "{road}在建工地安全隐患",
        ("举报{road}某工地违规施工", "{road}在建工地存在安全隐患"),
        "{road}与{road2}交叉口的在建工地没有围挡，工人不戴安全帽，建筑材料直接堆在人行道上，"
        "过往行人非常危险。",
    ),
    _t(
        "环境保护/大气污染/工业废气",
        K.COMPLAINT,
        "{estate}附近异味",
        ("{district}某工厂夜间偷排废气", "{estate}附近刺鼻气味来源请查明"),
        "{estate}小区附近有一家化工厂，{time}经常排放刺鼻气味，关着窗户都能闻到，"
        "家里老人小孩咳嗽不止，已经持续{duration}了。",
    ),
    _t(
        "环境保护/大气污染/餐饮油烟",
        K.COMPLAINT,
        "{estate}底商餐饮油烟扰民",
        ("{estate}楼下{eatery}油烟扰民", "投诉{road}{eatery}油烟问题"),
        "{estate}小区{building}栋底商开了一家{eatery}，油烟管道直接朝居民楼排放，"
        "{time}油烟和噪音一起来，衣服都不敢晾在外面。",
    ),
    _t(
        "环境保护/噪声污染/施工噪声",
        K.COMPLAINT,
        "{road}工地夜间施工噪音",
        ("{road}工地夜间施工噪音扰民", "半夜还在打桩，还让不让人睡觉"),
        "{road}旁边的工地{time}还在打桩施工，噪音非常大，周边{estate}小区的居民根本无法休息，"
        "已经持续{duration}。",
    ),
    _t(
        "环境保护/噪声污染/社会生活噪声",
        K.COMPLAINT,
        "{estate}广场舞噪音",
        ("{estate}广场舞音响声音太大", "广场舞噪音扰民问题"),
        "{estate}小区中心广场{time}都有人跳广场舞，音响开得特别大，家里孩子在复习备考，沟通多次无果。",
    ),
    _t(
        "环境保护/水污染/河道污染",
        K.REPORT,
        "{road}附近河道排污",
        ("举报{road}附近有人往河里排污水", "{district}某河段河水发黑发臭"),
        "{district}{road}附近的小河最近河水发黑发臭，沿岸有一根暗管一直往河里排污水，"
        "{time}排得最多，水面上漂着死鱼。",
    ),
    _t(
        "交通运输/公共交通/公交线路",
        K.SUGGESTION,
        "{estate}周边公交线路",
        ("建议增开{estate}到地铁站的公交", "{route}路公交班次太少"),
        "{estate}小区入住已经超过三千户，最近的公交站要走二十分钟，{route}路公交高峰期要等四十分钟一趟。",
    ),
    _t(
        "交通运输/公共交通/出租车",
        K.COMPLAINT,
        "出租车绕路收费",
        ("投诉出租车司机绕路多收费", "{district}高铁站出租车拒载"),
        "我在{district}高铁站打出租车去{estate}小区，平时二十多元的路程，司机故意绕路收了我{fare}，"
        "还不给打发票。",
    ),
    _t(
        "交通运输/道路建设/道路维修",
        K.COMPLAINT,
        "{road}路面破损",
        ("{road}路面坑洼不平", "{road}破损路面何时修复？"),
        "{road}靠近{estate}小区路段路面大面积破损，坑洼积水，电动车经过很容易摔倒，已经坏了{duration}。",
    ),
    _t(
        "交通运输/道路建设/道路规划",
        K.SUGGESTION,
        "{school}门口交通安全",
        ("建议在{school}门口增设红绿灯", "{road}路口急需人行横道"),
        "{school}门口的{road}车流量很大，没有红绿灯也没有人行横道，每天上下学时段家长和孩子过马路都提心吊胆。",
    ),
    _t(
        "教育文体/基础教育/入学划片",
        K.INQUIRY,
        "{estate}小区学区划分",
        ("咨询{estate}小区对口哪所小学", "今年{district}小学入学划片什么时候公布？"),
        "我家孩子今年满六周岁，户口在{estate}小区，房产证也在本人名下，想了解今年的学区划分和报名时间。",
    ),
    _t(
        "教育文体/基础教育/校外培训",
        K.REPORT,
        "{road}培训机构违规培训",
        ("举报{road}某培训机构违规补课", "{district}校外培训机构预收费问题"),
        "{road}上有一家培训机构暑假期间仍在开设学科类培训班，还要求家长一次性缴纳一年学费{amount}。",
    ),
    _t(
        "教育文体/基础教育/学校管理",
        K.COMPLAINT,
        "{school}收取资料费",
        ("{school}变相收取资料费", "学校强制购买教辅资料"),
        "{school}要求每位学生购买指定的教辅资料，每学期收费{fee}，不买的学生会被老师点名。",
    ),
    _t(
        "教育文体/基础教育/学校管理",
        K.PRAISE,
        "{school}教师",
        ("表扬{school}的班主任老师", "感谢{school}老师的悉心付出"),
        "我家孩子在{school}读书，班主任老师每天早到晚走，孩子生病住院期间还主动到医院给孩子补课，"
        "我们全家非常感动。",
    ),
    _t(
        "教育文体/文体设施/公共体育设施",
        K.SUGGESTION,
        "{estate}周边健身场地",
        ("建议在{estate}附近建设篮球场", "{district}公园健身器材损坏"),
        "{estate}周边几个小区有上万居民，却没有一个公共篮球场，孩子们只能在马路边打球，存在安全隐患。",
    ),
    _t(
        "劳动和社会保障/劳动关系/拖欠工资",
        K.HELP,
        "{company}拖欠工资",
        ("{company}拖欠工资{months}个月", "农民工讨薪求助"),
        "我在{company}承建的{district}某工地干活，老板已经拖欠我们{count}个工友{months}个月工资，"
        "共计{big_amount}，多次讨要无果。",
    ),
    _t(
        "劳动和社会保障/劳动关系/劳动合同",
        K.INQUIRY,
        "未签劳动合同",
        ("公司不签劳动合同怎么办？", "试用期被辞退能否获得补偿"),
        "我在{company}上班{months}个月，公司一直没有和我签订劳动合同，也没有缴纳社保，现在突然通知我不用来上班了。",
    ),
    _t(
        "劳动和社会保障/社会保险/养老保险",
        K.INQUIRY,
        "养老保险转移接续",
        ("咨询养老保险跨省转移接续", "灵活就业人员养老保险怎么缴？"),
        "本人之前在外省工作缴了{years}年养老保险，现在回A市工作，想把养老保险转回来，不知道需要准备哪些材料。",
    ),
    _t(
        "劳动和社会保障/社会保险/医疗保险",
        K.INQUIRY,
        "异地就医报销",
        ("异地就医医保报销比例咨询", "医保卡在{hospital}无法使用"),
        "我母亲在外地住院花费{big_amount}，之前没有办理异地就医备案，现在回来报销被告知比例降低。",
    ),
    _t(
        "劳动和社会保障/就业创业/就业补贴",
        K.INQUIRY,
        "一次性创业补贴",
        ("高校毕业生创业补贴怎么申请？", "咨询{district}一次性创业补贴"),
        "我是去年毕业的大学生，在{district}注册了一家小公司，听说有一次性创业补贴，但不知道申请条件和办理流程。",
    ),
    _t(
        "卫生计生/医疗服务/医院服务",
        K.COMPLAINT,
        "{hospital}就医排队",
        ("{hospital}挂号难、排队时间长", "{hospital}自助机经常故障"),
        "带孩子到{hospital}看病，早上七点排队挂号，等到中午还没看上，自助机经常故障，导诊台也没人。",
    ),
    _t(
        "卫生计生/医疗服务/医院服务",
        K.PRAISE,
        "{hospital}急诊科",
        ("表扬{hospital}急诊科医护人员", "感谢{hospital}的医生护士"),
        "我父亲突发心梗被送到{hospital}急诊科，医生护士争分夺秒抢救，手术非常成功，"
        "想借这个平台表达我们全家的感谢。",
    ),
    _t(
        "卫生计生/医疗服务/医疗收费",
        K.COMPLAINT,
        "{hospital}住院费用",
        ("{hospital}住院费用重复收费", "住院清单多项检查重复收费"),
        "我在{hospital}住院{count}天，出院时仔细核对清单，发现有多项检查重复收费，金额{amount}，医院一直不给解释。",
    ),
    _t(
        "卫生计生/公共卫生/疫苗接种",
        K.INQUIRY,
        "{district}儿童疫苗预约",
        ("{district}儿童疫苗预约困难", "社区医院疫苗总是约不上"),
        "{district}社区卫生服务中心的儿童疫苗每次预约都约不上，孩子的疫苗已经推迟{duration}。",
    ),
    _t(
        "卫生计生/计划生育/生育登记",
        K.INQUIRY,
        "生育登记",
        ("生育登记需要什么材料？", "外地户籍在{district}如何办理生育登记"),
        "我和爱人户口都不在A市，在{district}居住工作，想咨询在本地办理生育登记需要准备哪些材料。",
    ),
    _t(
        "商贸旅游/市场监管/食品安全",
        K.REPORT,
        "{road}{eatery}食品安全",
        ("举报{road}某{eatery}卫生条件差", "在{eatery}吃饭后全家腹泻"),
        "前几天在{road}上的一家{eatery}吃饭，发现后厨苍蝇乱飞，食材随意堆放在地上，吃完后全家腹泻。",
    ),
    _t(
        "商贸旅游/市场监管/价格欺诈",
        K.COMPLAINT,
        "{market}标价与结算价不符",
        ("{market}价格标签与结算价不符", "超市结账多收钱"),
        "在{estate}附近的{market}买东西，货架标价和收银结算价格不一致，每样多收几块钱，找店员理论还被推诿。",
    ),
    _t(
        "商贸旅游/市场监管/预付卡消费",
        K.HELP,
        "{shop}预付卡退费",
        ("{shop}突然关门，预付卡无法退费", "预付卡消费维权求助"),
        "我在{road}的一家{shop}办了{amount}的会员卡，还没用几次，店铺突然关门，老板联系不上，"
        "像我这样的会员有上百人。",
    ),
    _t(
        "商贸旅游/旅游服务/景区管理",
        K.SUGGESTION,
        "景区停车和如厕",
        ("A市某景区节假日停车难", "建议景区增加停车位和厕所"),
        "国庆期间带家人去A市某景区游玩，停车场排队{count}分钟，景区内厕所不够用，游客体验很差。",
    ),
    _t(
        "城市管理/市容环境/占道经营",
        K.COMPLAINT,
        "{road}占道经营",
        ("{road}流动摊贩占道经营", "{estate}门口夜市占道堵路"),
        "{road}靠近{estate}小区门口{time}都有很多流动摊贩占道经营，车辆行人通行困难，垃圾遍地。",
    ),
    _t(
        "城市管理/市容环境/垃圾清运",
        K.COMPLAINT,
        "{estate}垃圾站清运",
        ("{estate}小区门口垃圾站臭味熏天", "{estate}垃圾清运不及时"),
        "{estate}小区门口的垃圾站{duration}都没有及时清运，垃圾堆满溢出，夏天臭味熏天，蚊蝇滋生。",
    ),
    _t(
        "城市管理/市容环境/垃圾清运",
        K.PRAISE,
        "{road}环卫工人",
        ("表扬{road}的环卫工人", "为辛勤的环卫工人点赞"),
        "每天早上五点多就看到环卫工人在{road}清扫，下大雨也坚持把路面的积水和落叶清理干净，非常辛苦。",
    ),
    _t(
        "城市管理/市政设施/路灯照明",
        K.COMPLAINT,
        "{estate}门口路灯损坏",
        ("{estate}门口路灯坏了{duration}", "{road}路灯不亮无人修"),
        "{road}靠近{estate}小区路段有五六盏路灯不亮，已经{duration}了，晚上出行很不安全，老人摔倒过好几次。",
    ),
    _t(
        "城市管理/市政设施/井盖破损",
        K.HELP,
        "{road}井盖破损",
        ("{road}井盖破损存在安全隐患", "人行道井盖塌陷请尽快修复"),
        "{road}人行道上有个井盖破损塌陷，只用几块砖头围着，晚上根本看不清，已经有人崴了脚。",
    ),
    _t(
        "城市管理/违法建设/违章搭建",
        K.REPORT,
        "{estate}楼顶违章搭建",
        ("举报{estate}顶楼业主违章搭建", "{estate}{building}栋楼顶私搭彩钢房"),
        "{estate}小区{building}栋顶楼业主在楼顶私自搭建了一层彩钢房，占用公共楼顶，还把防水层破坏了，"
        "楼下住户屋顶漏水。",
    ),
)

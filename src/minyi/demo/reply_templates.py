"""Reply templates the demo ships: a few shared ones and a few per demo department.

Each text uses the placeholders of :data:`minyi.admin.services.PLACEHOLDERS` (``{number}``,
``{title}``, ``{department}``, ``{phone}``, ``{date}``, ``{due}``), filled from the case when
staff pick the template. ``【待填写】`` marks what the official must still write: the reply
check flags a reply that keeps it, so a template is never sent unfinished by accident.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from minyi.admin.models import ReplyTemplate
from minyi.admin.services import add_template
from minyi.departments.models import Department

#: Templates every department may use: the name, then the text in lines.
SHARED: tuple[tuple[str, ...], ...] = (
    (
        "通用：已办结答复",
        "您好！您反映的“{title}”问题（编号{number}）已收悉。经核查，【待填写】。目前问题已处理完毕。",
        "如有疑问，请致电{department}：{phone}。感谢您对我们工作的理解和支持！",
    ),
    (
        "通用：阶段性答复",
        "您好！您反映的“{title}”问题（编号{number}）已收悉。经现场查看，【待填写】。",
        "下一步，我们将于{due}前完成处理并再次答复您。如有疑问，请致电{phone}。感谢您的监督！",
    ),
    (
        "通用：不属于本单位职责",
        "您好！您反映的“{title}”问题（编号{number}）不属于{department}的职责范围，因为【待填写】。",
        "根据职责分工，建议您向【待填写】反映，我们已将情况转告该单位。感谢您的来信！",
    ),
)

#: Templates of one demo department (by code): the name, then the text in lines.
BY_DEPARTMENT: dict[str, tuple[tuple[str, ...], ...]] = {
    "ZJJ": (
        (
            "住建：物业服务投诉",
            "您好！关于您反映的“{title}”（编号{number}），我局已责成属地街道和物业服务企业现场核查。",
            "经核查，【待填写】。我局已要求物业企业限期整改，并将跟踪整改情况。",
            "如物业仍未履行合同约定，可致电{phone}反映。感谢您的监督！",
        ),
        (
            "住建：逾期交房",
            "您好！关于您反映的“{title}”（编号{number}），我局已约谈开发企业。经核查，【待填写】，",
            "开发企业承诺于【待填写】前交付，并按合同约定支付逾期违约金。我局将督促落实，如有疑问请致电{phone}。",
        ),
    ),
    "HBJ": (
        (
            "生态环境：油烟噪声",
            "您好！关于您反映的“{title}”（编号{number}），我局执法人员于{date}前往现场检查。",
            "经检测，【待填写】。我局已依法责令其整改，并将开展复查。如问题反复，请致电{phone}。感谢您对环境保护的关心！",
        ),
    ),
    "JTJ": (
        (
            "交通：道路与路灯维修",
            "您好！关于您反映的“{title}”（编号{number}），我局已安排养护单位到现场查看。",
            "经核查，【待填写】，已完成修复。如仍有问题，请致电{department}：{phone}。感谢您的反映！",
        ),
        (
            "交通：公交线路建议",
            "您好！感谢您对“{title}”的建议（编号{number}）。经调研客流，【待填写】。",
            "我局将在下一轮线网优化中研究采纳，预计于【待填写】前公布调整方案。如有疑问请致电{phone}。",
        ),
    ),
    "JYJ": (
        (
            "教育：入学划片咨询",
            "您好！关于您咨询的“{title}”（编号{number}），根据今年义务教育招生入学政策，【待填写】。",
            "具体划片范围将在区教育局官网公布，报名时间为【待填写】。如有疑问请致电{phone}。感谢您的来信！",
        ),
    ),
    "RSJ": (
        (
            "人社：拖欠工资",
            "您好！关于您反映的“{title}”（编号{number}），我局劳动保障监察机构已立案调查。",
            "经核查，【待填写】，已责令用人单位于【待填写】前支付拖欠工资。如有疑问请致电{phone}。感谢您的信任！",
        ),
    ),
    "WJW": (
        (
            "卫健：医院服务",
            "您好！关于您反映的“{title}”（编号{number}），我委已转交医院核查。",
            "经核查，【待填写】，医院已完成整改，并加强了导诊服务。如有疑问请致电{phone}。感谢您的监督！",
        ),
    ),
    "SCJ": (
        (
            "市场监管：价格与食品安全",
            "您好！关于您反映的“{title}”（编号{number}），我局执法人员已到现场检查。",
            "经查，【待填写】，已依法立案处理。如有疑问请致电{phone}。感谢您对市场秩序的监督！",
        ),
    ),
    "CGJ": (
        (
            "城管：占道经营与垃圾清运",
            "您好！关于您反映的“{title}”（编号{number}），我局已安排执法中队到现场处置。",
            "经核查，【待填写】，现已清理完毕，并纳入日常巡查。如问题反复，请致电{phone}。感谢您的支持！",
        ),
    ),
}


def add_demo_templates(session: Session, departments: dict[str, Department]) -> list[ReplyTemplate]:
    """Add the shared templates and those of each given department (by code)."""
    made = [add_template(session, name=name, body="".join(lines)) for name, *lines in SHARED]
    for code, department in departments.items():
        made.extend(
            add_template(session, name=name, body="".join(lines), department_id=department.id)
            for name, *lines in BY_DEPARTMENT.get(code, ())
        )
    return made

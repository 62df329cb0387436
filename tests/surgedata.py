"""A surge day made up for tests and bench/: one storm, a few problems, many near copies.

A storm floods one district (A5区): water in the underground garages of two estates (锦绣华庭,
翠湖苑), a power cut in 翠湖苑, the 枫林路 underpass blocked by water. Citizens write the
same few things many times, in their own words, some as a joint letter (联名信: one text,
many authors). Every text here is written for the project (no shared data).

``surge(n, seed)`` gives ``n`` submissions (dicts of ``MessageIn`` fields) in the order they
would arrive, with about one in ten ordinary messages about other things mixed in.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

DISTRICT = "A市A5区"


@dataclass(frozen=True)
class Problem:
    """One concrete problem of the storm: where it is and the ways people put it."""

    key: str
    place: str
    titles: tuple[str, ...]
    bodies: tuple[str, ...]


PROBLEMS = (
    Problem(
        "garage_jinxiu",
        "锦绣华庭",
        ("锦绣华庭地下车库进水", "锦绣华庭车库被淹", "紧急求助：锦绣华庭地下车库积水"),
        (
            "暴雨后锦绣华庭小区地下车库大量进水，水深已经超过半米，很多车辆被淹，物业抽水泵不够用，请尽快派人排水。",
            "锦绣华庭地下车库进水严重，积水淹到车门，物业说抽水设备坏了，请相关部门帮忙抽水。",
            "我是锦绣华庭业主，今天暴雨地下车库全部被淹，车都泡在水里，物业联系不上，请求支援排水。",
            "锦绣华庭小区车库入口没有挡水板，雨水直接灌进地下车库，现在积水很深，请马上处理。",
        ),
    ),
    Problem(
        "garage_cuihu",
        "翠湖苑",
        ("翠湖苑地下车库被淹", "翠湖苑车库积水严重", "翠湖苑地下车库进水求助"),
        (
            "翠湖苑小区地下车库暴雨进水，积水很深，几十辆车被淹，请排水部门尽快来抽水。",
            "翠湖苑地下车库全部被水淹了，物业的水泵抽不过来，请求市政派抽水车支援。",
            "暴雨导致翠湖苑地下车库倒灌，车辆泡水，电梯井也进水了，请尽快排水。",
        ),
    ),
    Problem(
        "power_cuihu",
        "翠湖苑",
        ("翠湖苑小区停电", "翠湖苑大面积停电", "翠湖苑停电什么时候恢复"),
        (
            "暴雨后翠湖苑小区全部停电已经三个小时，家里有老人和小孩，冰箱里的药品需要冷藏，请供电部门尽快抢修。",
            "翠湖苑停电了，配电房进水，供电公司电话一直占线，请问什么时候能恢复供电。",
            "翠湖苑小区配电房被淹导致停电，高层住户没有电梯也没有水，请尽快恢复供电。",
        ),
    ),
    Problem(
        "road_fenglin",
        "枫林路",
        ("枫林路下穿通道积水", "枫林路涵洞被淹无法通行", "枫林路隧道积水封路"),
        (
            "枫林路下穿通道积水有一米多深，车辆无法通行，有车辆熄火被困，请尽快排水并设置警示。",
            "暴雨后枫林路涵洞积水严重，道路完全堵住，上下班车辆只能绕行，请交通部门疏导。",
            "枫林路下穿隧道被淹，有人涉水很危险，请派人封闭道路并抽水。",
        ),
    ),
)

#: Ordinary traffic of the same day, about other things (a tenth of the surge).
USUAL = (
    ("小区路灯不亮", "丽景花园小区东门路灯坏了一个月，晚上出行不便，请维修。"),
    ("公交站台破损", "人民路公交站台顶棚破损，下雨无处避雨，请修复。"),
    ("咨询入学政策", "请问今年小学入学需要准备哪些材料，户籍不在本区可以报名吗？"),
    ("噪音扰民", "滨江新城旁工地夜间施工噪音很大，影响休息，请查处。"),
    ("垃圾清运不及时", "幸福里小区垃圾桶满了三天没人清运，气味很大。"),
)

_OPENINGS = ("", "您好，", "紧急！", "领导好，", "市长您好：", "求助：")
_CLOSINGS = ("", "谢谢！", "望尽快处理。", "请尽快回复。", "十万火急！", "希望政府重视。")
_JOINT = "我们是{place}全体业主，联名反映：{body}联名人：{names}。"


def _variant(rng: random.Random, problem: Problem) -> dict[str, str]:
    """One citizen's words about ``problem``: a template with his own opening and closing."""
    body = rng.choice(_OPENINGS) + rng.choice(problem.bodies) + rng.choice(_CLOSINGS)
    if rng.random() < 0.3:
        body += f"我住{problem.place}{rng.randint(1, 30)}栋。"
    return {"title": rng.choice(problem.titles), "body": body}


def surge(n: int, seed: int = 13, *, joint_share: float = 0.1) -> list[dict[str, object]]:
    """``n`` submissions of a surge: about 90 % about the storm's problems, the rest as usual.

    ``joint_share`` of the storm's messages are copies of one joint letter per problem, each
    sent by another co-signer. Authors are distinct (``surge-<i>``) except that one in
    twenty sends the same message twice (a repeat, not a joint letter).
    """
    rng = random.Random(seed)
    joints = {
        p.key: _JOINT.format(place=p.place, body=p.bodies[0], names="张某、李某、王某等") for p in PROBLEMS
    }
    out: list[dict[str, object]] = []
    i = 0
    while len(out) < n:
        i += 1
        if rng.random() < 0.1:
            title, body = rng.choice(USUAL)
            item: dict[str, object] = {"title": title, "body": body, "region": "A市A3区"}
        else:
            problem = rng.choice(PROBLEMS)
            if rng.random() < joint_share:
                item = {"title": f"{problem.place}业主联名信", "body": joints[problem.key]}
            else:
                item = dict(_variant(rng, problem))
            item.update(region=DISTRICT, address=f"{DISTRICT}{problem.place}")
        item["author"] = f"surge-{i}"
        out.append(item)
        if rng.random() < 0.05 and len(out) < n:
            out.append(dict(item))  # the same citizen sends it again
    return out


def problem_of(item: dict[str, object]) -> str | None:
    """Which storm problem a submission is about (``None`` for the usual traffic)."""
    text = f"{item['title']}{item['body']}"
    for problem in PROBLEMS:
        if problem.place in text and any(word in text for word in _MARKS[problem.key]):
            return problem.key
    return None


_MARKS = {
    "garage_jinxiu": ("车库",),
    "garage_cuihu": ("车库",),
    "power_cuihu": ("停电", "供电"),
    "road_fenglin": ("积水", "通道", "涵洞", "隧道"),
}

"""The demo's reply templates: shared and per department, real placeholders, never sent unfinished."""

from __future__ import annotations

from minyi.admin import services as admin
from minyi.cases import services as cases
from minyi.db.base import utcnow
from minyi.demo import factories, texts
from minyi.demo.reply_templates import BY_DEPARTMENT, SHARED, add_demo_templates


def test_every_demo_department_has_templates_with_known_placeholders():
    assert {spec.code for spec in texts.DEPARTMENTS} <= set(BY_DEPARTMENT)
    for name, *lines in [*SHARED, *(t for group in BY_DEPARTMENT.values() for t in group)]:
        body = "".join(lines)
        assert name
        assert set(admin.PLACEHOLDER.findall(body)) <= set(admin.PLACEHOLDERS), name
        assert "{number}" in body


def test_templates_are_filled_for_a_case_and_the_check_flags_what_is_left(session):
    roads = factories.make_department(session, code="JTJ", name="交通运输局", contact_phone="0731-88001203")
    schools = factories.make_department(session, code="JYJ", name="教育局")
    made = add_demo_templates(session, {"JTJ": roads, "JYJ": schools})
    assert len(made) == len(SHARED) + len(BY_DEPARTMENT["JTJ"]) + len(BY_DEPARTMENT["JYJ"])
    case = factories.make_case(session, department=roads, title="万家丽路路灯不亮")
    usable = [t for t in made if t.department_id in {None, roads.id}]
    names = {t.name for t in usable}
    assert "交通：道路与路灯维修" in names
    assert "教育：入学划片咨询" not in names
    template = next(t for t in usable if t.name == "交通：道路与路灯维修")
    text = admin.render_template(template, case, utcnow())
    assert "万家丽路路灯不亮" in text
    assert case.number in text
    assert "0731-88001203" in text
    quality = cases.check_reply(case, text)
    assert quality.blocking  # 【待填写】 is still there
    assert quality.score < cases.DEFAULT_REPLY_MIN_SCORE

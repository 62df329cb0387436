"""Re-classifying a year of messages with a new model: bounded, counted, and decided cases kept."""

from __future__ import annotations

from sqlalchemy import select

from minyi.analysis.models import MessageAnalysis
from minyi.demo import factories
from minyi.flows import reclassify
from minyi.pipeline.runner import CategoryGuess


class NewModel:
    """A model that calls everything 交通运输, surely (what a retrained model might do to old cases)."""

    category_model = "category-2027.1"
    route_threshold = 0.5

    def classify(self, titles: list[str], _texts: list[str]) -> list[CategoryGuess]:
        return [CategoryGuess("交通运输", 0.99, [("交通运输", 0.99)], self.category_model) for _ in titles]


def test_a_new_model_counts_its_work_goes_in_batches_and_leaves_decided_cases_alone(session):
    roads = factories.make_department(session, code="JTJ", name="交通运输局")
    factories.make_category(session, name="交通运输", department=roads)
    schools = factories.make_department(session, code="JYJ", name="教育局")
    school = factories.make_category(session, name="教育文体", department=schools)
    closed = factories.make_case(
        session, status="closed", category=school, title="学校收费", body="学校乱收费。"
    )
    dispatched = factories.make_case(
        session, status="dispatched", category=school, title="幼儿园", body="幼儿园收费。"
    )
    for case in (closed, dispatched):  # analysed a year ago by last year's model
        message = case.messages[0]
        session.add(
            MessageAnalysis(
                message_id=message.id,
                normalized_title=message.title,
                normalized_body=message.body,
                category_model="category-2026.1",
                pipeline_version="2026.1",
            )
        )
    session.flush()
    model = NewModel()
    stale = reclassify.pending(session, model)  # type: ignore[arg-type]
    assert stale == 2

    done, after = reclassify.reclassify_batch(session, model, "", 1)  # type: ignore[arg-type]
    assert done == 1
    assert reclassify.pending(session, model) == stale - 1  # type: ignore[arg-type]
    while done:  # the command's loop: a run stopped here is taken up by the next
        done, after = reclassify.reclassify_batch(session, model, after, 1)  # type: ignore[arg-type]
    assert reclassify.pending(session, model) == 0  # type: ignore[arg-type]
    models = set(session.scalars(select(MessageAnalysis.category_model)))
    assert models == {"category-2027.1"}  # each analysis says which model gave its category
    session.expire_all()
    for case in (closed, dispatched):  # decided: category and department as the dispatcher left them
        assert (case.category_id, case.department_id) == (school.id, schools.id)

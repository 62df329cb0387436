"""The one pipeline recipe: ``build_pipeline`` and the per-process ``PipelineProvider``."""

from __future__ import annotations

from minyi.analysis.provider import DEDUPE_WINDOW_DAYS, PipelineProvider, build_pipeline
from minyi.demo.factories import make_category
from minyi.pipeline.classify import CategoryClassifier, KeywordRouter
from minyi.settings import Settings

TEXTS = ["路灯不亮 晚上很黑", "路灯坏了 没有修", "噪音扰民 工地施工", "夜间施工 噪音很大"] * 3
LABELS = ["城乡建设", "城乡建设", "环境保护", "环境保护"] * 3


def tree(session):
    top = make_category(session, name="城乡建设")
    make_category(session, name="市政设施", parent=top)
    make_category(session, name="环境保护")


def test_cold_start_uses_keyword_rules_and_the_settings(session, settings):
    tree(session)
    pipeline = build_pipeline(settings.model_copy(update={"route_confidence": 0.8}), session)
    assert pipeline.classifier is None
    assert isinstance(pipeline.router, KeywordRouter)
    assert set(pipeline.router.tree) == {"城乡建设", "环境保护"}
    assert pipeline.route_threshold == 0.8
    assert pipeline.appeal_.normalize is False
    assert pipeline.detector_.window_days == DEDUPE_WINDOW_DAYS
    assert pipeline.category_model is not None
    assert pipeline.category_model.startswith("keywords:")


def test_a_given_classifier_replaces_the_rules_and_the_threshold_can_be_overridden(session, settings):
    tree(session)
    model = CategoryClassifier(min_df=1).fit(TEXTS, LABELS)
    pipeline = build_pipeline(settings, session, classifier=model, route_threshold=1.1)
    assert pipeline.classifier is model
    assert pipeline.router is None
    assert pipeline.route_threshold == 1.1
    assert pipeline.analyse_many([]) == []


def test_without_a_database_there_are_no_rules_and_an_empty_index():
    pipeline = build_pipeline(Settings())
    assert (pipeline.classifier, pipeline.router) == (None, None)
    assert len(pipeline.detector_) == 0
    assert pipeline.route_threshold == Settings().route_confidence


def test_the_provider_builds_by_the_recipe_and_keeps_its_pipeline(session, settings):
    tree(session)
    provider = PipelineProvider(settings.model_copy(update={"route_confidence": 0.7}))
    pipeline = provider.get(session)
    recipe = build_pipeline(provider.settings, session)
    assert pipeline.route_threshold == recipe.route_threshold == 0.7
    assert pipeline.category_model == recipe.category_model
    assert pipeline.version == recipe.version
    assert provider.get(session) is pipeline
    assert PipelineProvider(settings, route_threshold=1.1).get(session).route_threshold == 1.1

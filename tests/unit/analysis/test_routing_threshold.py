"""Which threshold routes a case by itself: an override, the model's own, or MINYI_ROUTE_CONFIDENCE."""

from minyi.analysis.provider import NEVER_ROUTE, routing_threshold
from minyi.pipeline.classify import CategoryClassifier
from minyi.settings import Settings


def model_with(routing):
    model = CategoryClassifier()
    model.routing_ = routing
    return model


def test_the_model_s_stored_threshold_wins_over_the_setting(settings):
    assert routing_threshold(settings, model_with({"threshold": 0.93})) == 0.93
    assert routing_threshold(settings, model_with({"threshold": None})) == NEVER_ROUTE
    assert routing_threshold(settings, model_with(None)) == settings.route_confidence
    assert routing_threshold(settings, None) == settings.route_confidence
    assert routing_threshold(settings, model_with({"threshold": 0.93}), 0.5) == 0.5


def test_route_confidence_1_turns_routing_off_whatever_the_model_says(settings):
    off = Settings(**{**settings.model_dump(), "route_confidence": 1.0})
    assert routing_threshold(off, model_with({"threshold": 0.93})) == 1.0

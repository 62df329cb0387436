"""The forecast cache turns over at the office's midnight, not UTC's (tenth probe)."""

from __future__ import annotations

from datetime import UTC, datetime

from minyi.accountability import forecast_cache


class _Clock(datetime):
    current = datetime(2026, 12, 6, 15, 55, tzinfo=UTC)  # Sunday 23:55 in Beijing

    @classmethod
    def now(cls, tz=None):  # type: ignore[override]
        return cls.current.astimezone(tz)


def test_a_forecast_made_before_a_beijing_midnight_is_not_served_after_it(session, monkeypatch):
    made = []
    monkeypatch.setattr(forecast_cache, "datetime", _Clock)
    monkeypatch.setattr(
        forecast_cache, "forecast_weekly", lambda _session, **options: made.append(options) or len(made)
    )
    forecast_cache.clear()
    try:
        assert forecast_cache.cached_forecast(session, by="category", weeks=4, end=None) == 1
        assert forecast_cache.cached_forecast(session, by="category", weeks=4, end=None) == 1  # cached
        _Clock.current = datetime(2026, 12, 6, 16, 5, tzinfo=UTC)  # Monday 00:05 in Beijing, Sunday in UTC
        assert forecast_cache.cached_forecast(session, by="category", weeks=4, end=None) == 2  # a new week
    finally:
        forecast_cache.clear()

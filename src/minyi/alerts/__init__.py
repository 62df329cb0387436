"""Spikes and alerts: rules over topic-level counts and emergency keywords.

:mod:`~minyi.alerts.spikes` holds the pure detectors (burst, trend, threshold) over count
series; :mod:`~minyi.alerts.series` aggregates hourly counts per hot issue, category or
region in SQL; :mod:`~minyi.alerts.services` evaluates the rules (``check`` for the
periodic job, ``watch_message`` for keyword rules at intake), stores alerts with a
cool-down and queues their delivery in the notify outbox. Alerts are about topics,
never about people: no pseudonym, contact or unmasked text is stored or sent.
"""

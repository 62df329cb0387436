"""Public accountability: scorecards, open data, briefings and the demand forecast.

Reads cases, hot issues and alerts, and only ever publishes aggregate, topic-level
figures or masked public cases (issue 14).
"""

"""Hot issues: group messages about one concrete problem, rank the groups by heat.

The grouping and ranking themselves are the pure :mod:`minyi.issues.detect`; the modules
here store the issues, keep them current and serve the pages and the report.
"""

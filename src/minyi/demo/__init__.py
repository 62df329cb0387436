"""Demo data: factories shared with the tests, invented message texts, and the demo seed.

``minyi demo`` (and ``minyi serve --demo``) call :func:`minyi.demo.seed.seed_demo`.
"""

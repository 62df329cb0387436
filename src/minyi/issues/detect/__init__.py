"""The hot-issue detector, pure: messages in, issues and their heat out.

``places`` (place and object mentions), ``features`` (incremental TF-IDF),
``issue`` (what the detector reads, keeps and gives out), ``cluster.IssueDetector``
(online assignment, archiving) with ``consolidate`` (merges and splits with stable ids),
``heat`` (the heat index and ranking), ``_near`` (the detector's own near-copy index),
``_postings`` (its inverted index) and ``_fast`` (the innermost loops, compiled in
:mod:`minyi._speedups` when it was built, with their Python reference).

No database, no settings: the storage side of :mod:`minyi.issues` (``records``,
``services``, ``online`` …) imports this package, never the reverse; it may use
:mod:`minyi.pipeline`. An import-linter contract in ``pyproject.toml`` keeps it so.
"""

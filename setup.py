"""Build the optional compiled kernels; everything else is in pyproject.toml.

``minyi._speedups`` is optional: without a C compiler the build goes on without it and
``minyi.pipeline._kernels`` uses the NumPy code, which gives the same results.  So is
``minyi._issuestate`` (the issue detector's inverted index in flat arrays, its vocabulary, its
place finder, its variant-name index, its near-copy index, its consolidation and scoring
kernels and its issues' centroids in flat arrays): without it the detector keeps the
reference dict of dicts (``minyi.issues.detect._postings``), the Python word counts (``minyi.issues.detect.features``),
the place regexes (``minyi.issues.detect.places``), the Python name matching
(``minyi.issues.detect.names``), the near-copy dicts (``minyi.issues.detect._near``) and the
Python scores of consolidation (``minyi.issues.detect.consolidate``, ``.gate``) and dict
centroids (``minyi.issues.detect._fast.new_centroid``).
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "minyi._speedups",
            sources=["src/minyi/_speedups.c"],
            depends=["src/minyi/_shingles.h"],
            optional=True,
        ),
        Extension(
            "minyi._issuestate",
            sources=[
                "src/minyi/_issuestate.c",
                "src/minyi/_issuestate_vocabulary.c",
                "src/minyi/_issuestate_places.c",
                "src/minyi/_issuestate_names.c",
                "src/minyi/_issuestate_near.c",
                "src/minyi/_issuestate_consolidate.c",
                "src/minyi/_issuestate_centroid.c",
            ],
            # the near-copy hashes, shared with _speedups; the centroid, shared by two sources
            depends=["src/minyi/_shingles.h", "src/minyi/_issuestate_centroid.h"],
            optional=True,
        ),
    ]
)

"""Build the optional compiled kernels; everything else is in pyproject.toml.

``minyi._speedups`` is optional: without a C compiler the build goes on without it and
``minyi.pipeline._kernels`` uses the NumPy code, which gives the same results.
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension("minyi._speedups", sources=["src/minyi/_speedups.c"], optional=True),
    ]
)

"""Minyi (民意): hear, sort, answer and account for what the public tells a government office."""

__version__ = "0.1.0"

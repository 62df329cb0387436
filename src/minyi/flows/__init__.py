"""The application layer: flows that cross domain packages.

Processing a received message (pipeline → analysis → hot issue → alerts → case),
imports of files, retention and re-classification run here, above the domain packages
they use and below the interfaces (web, api, cli) that start them. Each flow commits
at its own boundary; the domain services it calls never commit.
"""

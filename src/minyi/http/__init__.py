"""What the page and JSON interfaces share: request dependencies, security middleware, errors.

``minyi.web`` (pages) and ``minyi.api`` (JSON) both build on this package and never on
each other; ``minyi.server`` puts them together into one application.
"""

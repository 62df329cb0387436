"""What every layer may use: domain errors and local time.

Nothing here imports a domain package, the database or a web framework, so the
lowest layers (the pipeline aside, which needs none of it) can depend on it freely.
"""

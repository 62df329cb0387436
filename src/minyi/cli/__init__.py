"""The ``minyi`` command line: one module per command group."""

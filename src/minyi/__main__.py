"""``python -m minyi``: the ``minyi`` command, where the console script is not on the PATH."""

from minyi.cli.main import cli

cli(prog_name="minyi")

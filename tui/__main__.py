"""``python -m tui`` does what the ``faultline`` command does."""

from .cli import run

run()

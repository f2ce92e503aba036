"""`python -m kg` runs the command line."""

from kg.cli import entry_point

entry_point()

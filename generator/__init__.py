"""winback: compile client account histories into win-back dossiers."""

__version__ = "0.1.0"

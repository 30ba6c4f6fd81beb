"""peermatch's version: the one place it is written (the package and its build read it)."""

__version__ = "0.1.0"

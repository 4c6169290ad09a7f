"""Faultline: who disagrees with whom, about what, and since when."""

__version__ = "0.1.0"

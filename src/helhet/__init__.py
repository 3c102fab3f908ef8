"""Helhet: a shared pathway around the person in Norwegian substance-use treatment."""

__version__ = "0.1.0"

"""Accountable handovers between units, discharge with or without one, and follow-up after discharge."""

"""Worklists: one query each, paginated, for the actor's units."""

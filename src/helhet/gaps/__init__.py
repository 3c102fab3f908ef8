"""Each person's gaps: the ROP audit checks (DOMAIN.md §5.4) and the coordination gaps, computed per person
and for a whole unit or municipality with a constant number of queries."""

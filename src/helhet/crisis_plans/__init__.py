"""Crisis plans (kriseplan): versioned, shared with the person, required when risk is elevated (ROP-11)."""

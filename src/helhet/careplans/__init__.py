"""Care team, individual plan (IP) and coordinator, and the person's plan with goals and measures."""

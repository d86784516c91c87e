"""A risky gift: plan one for a real client, and read a partner's plan."""

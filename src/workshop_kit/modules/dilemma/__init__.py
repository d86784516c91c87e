"""The dilemma: share or hold back, live with a partner, then as a strategy in a tournament."""

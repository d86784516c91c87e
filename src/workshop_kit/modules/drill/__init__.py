"""Problem-definition drill: ask questions on a clock, define the problem, vote for the clearest."""

"""Wrap-up: dated commitments, and the morning's trust profile again."""

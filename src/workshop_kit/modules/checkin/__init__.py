"""Check-in: rate yourself on the four parts of trust and name a live client situation."""

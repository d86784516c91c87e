"""What is selling for: sort statements about selling by what you believe."""

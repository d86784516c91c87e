"""Role-play: a seller, a buyer and an observer play a first-meeting moment from a script."""

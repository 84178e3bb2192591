"""Models of promotions: added by its issue."""

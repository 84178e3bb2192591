"""Models of reviews: added by its issue."""

"""Models of shipping: added by its issue."""

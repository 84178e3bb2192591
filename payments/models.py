"""Models of payments: added by its issue."""

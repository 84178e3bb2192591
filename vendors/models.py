"""Models of vendors: added by its issue."""

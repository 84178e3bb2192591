"""Models of catalog: added by its issue."""

"""Models of orders: added by its issue."""

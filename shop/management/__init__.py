"""Management commands of the shop kernel."""

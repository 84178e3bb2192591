"""Commands: ``demo`` loads the demo data of every app."""

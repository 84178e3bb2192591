"""Reactions of accounts: allauth's signals turned into service calls (completed in this change)."""

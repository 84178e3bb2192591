"""A real shop: secrets are required (no defaults), every security switch is on."""

from shop.settings.base import *  # noqa: F403
from shop.settings.base import (
    BUCKET_MEDIA_URL,
    DATABASE_REPLICA_URL,
    content_security_policy,
    env,
    media_origins,
    replica_database,
)

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
SITE_URL = env("SHOP_SITE_URL")
# Uploads are served from their own host (system check shop.E001, docs/deploy.md): the
# object storage's CDN domain when it has one, else SHOP_MEDIA_URL.
MEDIA_URL = env("SHOP_MEDIA_URL", default=BUCKET_MEDIA_URL or env.NOTSET)
CONTENT_SECURITY_POLICY = content_security_policy(media_origins(MEDIA_URL, BUCKET_MEDIA_URL))
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASE_REPLICA_URL:  # base.py installed the router; the alias follows the primary
    DATABASES["replica"] = replica_database(DATABASE_REPLICA_URL, DATABASES["default"])
REDIS_URL = env("REDIS_URL")
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
    }
}
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = False
EMAIL_CONFIG = env.email_url("EMAIL_URL")
vars().update(EMAIL_CONFIG)

# The emulators never run in production: the providers need their own keys (a system
# check refuses to start with an offered provider missing them), and saved payment
# tokens their own encryption key.
SHOP_SANDBOX = False
PAYMENTS_TOKEN_KEY = env("SHOP_PAYMENTS_TOKEN_KEY")
KAKAOPAY_SECRET_KEY = env("SHOP_KAKAOPAY_SECRET_KEY", default="")
NAVERPAY_PARTNER_ID = env("SHOP_NAVERPAY_PARTNER_ID", default="")
NAVERPAY_CLIENT_ID = env("SHOP_NAVERPAY_CLIENT_ID", default="")
NAVERPAY_CLIENT_SECRET = env("SHOP_NAVERPAY_CLIENT_SECRET", default="")
NAVERPAY_CHAIN_ID = env("SHOP_NAVERPAY_CHAIN_ID", default="")
NAVERPAY_RECURRENT_CHAIN_ID = env("SHOP_NAVERPAY_RECURRENT_CHAIN_ID", default="")
PAYPAL_CLIENT_ID = env("SHOP_PAYPAL_CLIENT_ID", default="")
PAYPAL_CLIENT_SECRET = env("SHOP_PAYPAL_CLIENT_SECRET", default="")
PAYPAL_WEBHOOK_ID = env("SHOP_PAYPAL_WEBHOOK_ID", default="")
# Identity verification and social login: no sandbox keys. A login provider without keys
# is not offered (its button disappears); identity verification without PortOne's keys
# answers "unavailable", and with them needs the CI/DI hash key (system check accounts.E001).
ACCOUNTS_IDENTITY_HASH_KEY = env("SHOP_ACCOUNTS_IDENTITY_HASH_KEY", default="")
ACCOUNTS_PORTONE_API_SECRET = env("SHOP_PORTONE_API_SECRET", default="")
ACCOUNTS_PORTONE_STORE_ID = env("SHOP_PORTONE_STORE_ID", default="")
ACCOUNTS_PORTONE_CHANNEL_KEY = env("SHOP_PORTONE_CHANNEL_KEY", default="")
SOCIAL_KAKAO_CLIENT_ID = env("SHOP_KAKAO_REST_API_KEY", default="")
SOCIAL_KAKAO_CLIENT_SECRET = env("SHOP_KAKAO_CLIENT_SECRET", default="")
SOCIAL_NAVER_CLIENT_ID = env("SHOP_NAVER_LOGIN_CLIENT_ID", default="")
SOCIAL_NAVER_CLIENT_SECRET = env("SHOP_NAVER_LOGIN_CLIENT_SECRET", default="")
for _provider, _id, _secret in (
    ("kakao", SOCIAL_KAKAO_CLIENT_ID, SOCIAL_KAKAO_CLIENT_SECRET),
    ("naver", SOCIAL_NAVER_CLIENT_ID, SOCIAL_NAVER_CLIENT_SECRET),
):
    SOCIALACCOUNT_PROVIDERS[_provider]["APPS"] = (
        [{"client_id": _id, "secret": _secret}] if _id else []
    )
WEBHOOK_ALLOW_PRIVATE_TARGETS = env.bool("SHOP_WEBHOOK_ALLOW_PRIVATE_TARGETS", default=False)
LOG_FORMAT = env("SHOP_LOG_FORMAT", default="json")
LOGGING["handlers"]["console"]["formatter"] = LOG_FORMAT  # base.py built LOGGING already
# /metrics must never be public: Prometheus sends this token as a bearer token.
METRICS_TOKEN = env("SHOP_METRICS_TOKEN")

# --- Security switches (manage.py check --deploy reports none missing) ---------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# Load balancers probe over plain HTTP inside the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^livez$"]
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
X_FRAME_OPTIONS = "DENY"
STORAGES["staticfiles"] = {
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
}

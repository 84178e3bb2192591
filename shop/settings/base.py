"""Every setting of the shop, read from the environment with embedded defaults.

With no environment at all the shop runs on SQLite, a local-memory cache, Celery
tasks run in-process, files on local disk, e-mail to the console and payments
through the built-in provider emulators. ``production.py`` removes the defaults
that must never reach a real shop.
"""

from urllib.parse import urlsplit

from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from kombu import Queue

from shop.plugins import discover_plugin_apps
from shop.settings.env import BASE_DIR, env

# --- Core -----------------------------------------------------------------------
DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-insecure-key-change-me")
# Previous keys, still accepted for sessions and signed values while they age out after a
# rotation (docs/operations.md, "Rotating keys"); new values are signed with SECRET_KEY.
SECRET_KEY_FALLBACKS = env.list("DJANGO_SECRET_KEY_FALLBACKS", default=[])
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# Answers JSON under /api/ and a page elsewhere.
CSRF_FAILURE_VIEW = "shop.views.csrf_failure"
SITE_URL = env("SHOP_SITE_URL", default="http://127.0.0.1:8000")
SITE_ID = 1
# How many reverse proxies in front of the app may append to X-Forwarded-For. With 0,
# REMOTE_ADDR is the client; a spoofed header never reaches the audit log or limiters.
TRUSTED_PROXY_COUNT = env.int("SHOP_TRUSTED_PROXY_COUNT", default=0)

DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "django.contrib.postgres",  # trigram search lookups; harmless on SQLite
    "django.contrib.sitemaps",
]
THIRD_PARTY_APPS = [
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "csp",
    "django_prometheus",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.kakao",
    "allauth.socialaccount.providers.naver",
    "django_countries",  # ISO 3166 countries with Korean names (shipping zones)
]
# Ordered from the bottom layer up (see .importlinter): shop <- accounts <- vendors
# <- catalog, shipping <- promotions <- orders <- payments, reviews.
LOCAL_APPS = [
    "shop",
    "accounts",
    "notifications",
    "vendors",
    "catalog",
    "shipping",
    "promotions",
    "wishlist",
    "orders",
    "payments",
    "reviews",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS + discover_plugin_apps()

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    # First, so even a request refused early (a bad Host header) has a request id. The
    # audit actor reads request.user lazily, after the authentication middleware ran.
    "shop.middleware.RequestContextMiddleware",
    # A database outage in a view becomes a 503 (DEG-05); see shop.views.server_error.
    "shop.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "shop.headers.PrivatePagesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "shop.urls"
WSGI_APPLICATION = "shop.wsgi.application"
ASGI_APPLICATION = "shop.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "shop.context_processors.shop",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def replica_database(url: str, primary: dict) -> dict:
    """The ``replica`` alias: a read replica of ``primary``, kept alive the same way."""
    replica = env.db_url_config(url)
    replica["CONN_MAX_AGE"] = primary["CONN_MAX_AGE"]
    replica["CONN_HEALTH_CHECKS"] = primary["CONN_HEALTH_CHECKS"]
    replica["ATOMIC_REQUESTS"] = False
    return replica


# A PostgreSQL read replica takes the storefront's reads; shop/db_router.py says which.
# Unset: one database, and neither the router nor its middleware is installed.
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL", default="")
# Seconds a client reads the primary after a request of its own wrote (0: never pinned),
# so it sees its own change despite the replica's lag.
DATABASE_REPLICA_PIN_SECONDS = env.int("SHOP_DATABASE_REPLICA_PIN_SECONDS", default=5)
# Requests under these paths read the primary: staff act on what they see, the payment
# pages follow a provider that has just written, and they are few.
DATABASE_REPLICA_PRIMARY_PATHS = [
    "/admin/",
    "/seller/",
    "/api/v1/seller/",
    "/payments/",
    "/sandbox/",
]
DATABASE_ROUTERS: list[str] = []
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = replica_database(DATABASE_REPLICA_URL, DATABASES["default"])
    DATABASE_ROUTERS = ["shop.db_router.PrimaryReplicaRouter"]
    # Before the sessions, so that the session's own reads and writes are routed too.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware"),
        "shop.middleware.ReplicaReadsMiddleware",
    )

# --- Cache, sessions, Redis ---------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                # A cache outage must slow the shop down, not break it (DEG-01).
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# cached_db keeps sessions alive when Redis restarts without persistence.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_COOKIE_AGE", default=60 * 60 * 24 * 14)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# --- Celery -------------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL or None)
# No broker configured: run every task in the calling process (embedded defaults).
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_EXPIRES = 60 * 60 * 24
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_QUEUES = (Queue("default"), Queue("media"))
# Image and video work goes to its own queue so it never delays events or e-mail.
CELERY_TASK_ROUTES = {
    "catalog.tasks.process_*": {"queue": "media"},
    "reviews.tasks.process_*": {"queue": "media"},
}
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=15 * 60)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=20 * 60)
# Longer than the longest task (its hard time limit) and than any retry countdown, so
# Redis never hands a running or waiting task to a second worker.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 60 * 60}
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Asia/Seoul"
CELERY_BEAT_SCHEDULE = {
    "redeliver-events": {
        "task": "shop.tasks.redeliver_events",
        "schedule": 60.0,
    },
    "send-due-webhooks": {
        "task": "shop.tasks.send_due_webhooks",
        "schedule": 30.0,
    },
    "prune-webhook-deliveries": {
        "task": "shop.tasks.prune_webhook_deliveries",
        "schedule": crontab(hour=4, minute=0),
    },
    # Daily and idempotent: drafts the last complete week/month's statements and adds
    # entries that arrived late while those statements are still drafts.
    "run-settlements": {
        "task": "vendors.tasks.run_due_settlements",
        "schedule": crontab(hour=3, minute=30),
    },
    # Product media whose processing task was lost (broker flushed) is sent again.
    "requeue-stuck-media": {
        "task": "catalog.tasks.requeue_stuck_media",
        "schedule": 10 * 60.0,
    },
    # Notifications whose delivery task was lost (broker down, worker killed) go again.
    "resend-lost-messages": {
        "task": "notifications.tasks.resend_lost_messages",
        "schedule": 5 * 60.0,
    },
    # Unpaid orders past their deadline are cancelled and their stock returned.
    "expire-unpaid-orders": {
        "task": "orders.tasks.expire_unpaid_orders",
        "schedule": 60.0,
    },
    # Payments whose outcome is unknown or stuck are asked about at their provider.
    "reconcile-payments": {
        "task": "payments.tasks.reconcile_payments",
        "schedule": 60.0,
    },
    # Parcels delivered ORDERS_AUTO_CONFIRM_DAYS ago are confirmed (자동 구매확정).
    "confirm-delivered-purchases": {
        "task": "orders.tasks.confirm_delivered_purchases",
        "schedule": crontab(minute=15),
    },
    # Points past their expiry are written off; members with a birthday get its coupons.
    "expire-points": {
        "task": "promotions.tasks.expire_points",
        "schedule": crontab(hour=0, minute=20),
    },
    "issue-birthday-coupons": {
        "task": "promotions.tasks.issue_birthday_coupons",
        "schedule": crontab(hour=0, minute=30),
    },
    # Member grades: purchases older than the grade window stop counting.
    "recompute-member-grades": {
        "task": "accounts.tasks.recompute_grades",
        "schedule": crontab(hour=4, minute=30),
    },
}
# --- Accounts -------------------------------------------------------------------------------
# Member grades count confirmed purchases of the last this many months.
ACCOUNTS_GRADE_WINDOW_MONTHS = env.int("SHOP_ACCOUNTS_GRADE_WINDOW_MONTHS", default=6)
# Identity verification (본인인증): the providers offered (dotted paths; a plugin adds its own).
ACCOUNTS_IDENTITY_PROVIDERS = env.list(
    "SHOP_ACCOUNTS_IDENTITY_PROVIDERS", default=["accounts.identity.portone.PortOneIdentity"]
)
# CI and DI are kept only as HMAC-SHA256 under this key (never SECRET_KEY, which rotates).
# The default is for the sandbox only; production requires its own.
ACCOUNTS_IDENTITY_HASH_KEY = env(
    "SHOP_ACCOUNTS_IDENTITY_HASH_KEY", default="sandbox-identity-hash-key-not-for-production"
)
ACCOUNTS_IDENTITY_CONNECT_TIMEOUT_SECONDS = env.float(
    "SHOP_ACCOUNTS_IDENTITY_CONNECT_TIMEOUT_SECONDS", default=3.0
)
ACCOUNTS_IDENTITY_HTTP_TIMEOUT_SECONDS = env.float(
    "SHOP_ACCOUNTS_IDENTITY_HTTP_TIMEOUT_SECONDS", default=10.0
)
# PortOne V2; an empty base URL means the built-in emulator in sandbox mode.
ACCOUNTS_PORTONE_BASE_URL = env("SHOP_PORTONE_BASE_URL", default="")
ACCOUNTS_PORTONE_API_SECRET = env("SHOP_PORTONE_API_SECRET", default="sandbox-portone-secret")
ACCOUNTS_PORTONE_STORE_ID = env("SHOP_PORTONE_STORE_ID", default="store-sandbox")
ACCOUNTS_PORTONE_CHANNEL_KEY = env("SHOP_PORTONE_CHANNEL_KEY", default="channel-key-sandbox")
# Kakao and Naver login (allauth.socialaccount). Empty base URLs mean the emulators under
# /sandbox/ in sandbox mode and the providers' live hosts otherwise (accounts.social).
SOCIAL_KAKAO_CLIENT_ID = env("SHOP_KAKAO_REST_API_KEY", default="sandbox-kakao-rest-key")
SOCIAL_KAKAO_CLIENT_SECRET = env("SHOP_KAKAO_CLIENT_SECRET", default="sandbox-kakao-secret")
SOCIAL_KAKAO_AUTH_BASE_URL = env("SHOP_KAKAO_AUTH_BASE_URL", default="")
SOCIAL_KAKAO_API_BASE_URL = env("SHOP_KAKAO_API_BASE_URL", default="")
SOCIAL_NAVER_CLIENT_ID = env("SHOP_NAVER_LOGIN_CLIENT_ID", default="sandbox-naver-login-id")
SOCIAL_NAVER_CLIENT_SECRET = env("SHOP_NAVER_LOGIN_CLIENT_SECRET", default="sandbox-naver-secret")
SOCIAL_NAVER_AUTH_BASE_URL = env("SHOP_NAVER_AUTH_BASE_URL", default="")
SOCIAL_NAVER_API_BASE_URL = env("SHOP_NAVER_API_BASE_URL", default="")
# The apps come from settings, not SocialApp rows, so a fresh (demo) database logs in.
SOCIALACCOUNT_PROVIDERS = {
    "kakao": {
        "provider_class": "accounts.social.kakao.provider.KakaoProvider",
        "SCOPE": ["profile_nickname", "account_email"],
        "APPS": [{"client_id": SOCIAL_KAKAO_CLIENT_ID, "secret": SOCIAL_KAKAO_CLIENT_SECRET}]
        if SOCIAL_KAKAO_CLIENT_ID
        else [],
    },
    "naver": {
        "provider_class": "accounts.social.naver.provider.NaverProvider",
        "APPS": [{"client_id": SOCIAL_NAVER_CLIENT_ID, "secret": SOCIAL_NAVER_CLIENT_SECRET}]
        if SOCIAL_NAVER_CLIENT_ID
        else [],
    },
}
SOCIALACCOUNT_ADAPTER = "accounts.adapter.SocialAccountAdapter"
# Always through the signup form: the member agrees to the terms and privacy policy there.
SOCIALACCOUNT_AUTO_SIGNUP = False
# A provider e-mail the provider verified signs in to the account that has it, and links.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_STORE_TOKENS = False  # the login needs no Kakao/Naver API call afterwards
SOCIALACCOUNT_REQUESTS_TIMEOUT = 10
# --- Orders ---------------------------------------------------------------------------------
# Minutes an order paid online may wait for its payment before its stock is released.
ORDERS_PAYMENT_EXPIRY_MINUTES = env.int("SHOP_ORDERS_PAYMENT_EXPIRY_MINUTES", default=30)
# Hours a bank-transfer (무통장입금) order waits for its deposit before it is cancelled.
ORDERS_BANK_TRANSFER_DEPOSIT_HOURS = env.int("SHOP_ORDERS_BANK_TRANSFER_DEPOSIT_HOURS", default=72)
# Days after delivery when a purchase is confirmed automatically (자동 구매확정).
ORDERS_AUTO_CONFIRM_DAYS = env.int("SHOP_ORDERS_AUTO_CONFIRM_DAYS", default=7)
# The account shown to bank-transfer buyers, e.g. "국민은행 123456-01-234567 (주)샵".
ORDERS_BANK_ACCOUNT = env.str("SHOP_ORDERS_BANK_ACCOUNT", default="")

# --- Promotions: points (적립금) and coupons ---------------------------------------------
# Days after which points earned (or returned, or added by staff) expire, first in first out.
PROMOTIONS_POINTS_EXPIRY_DAYS = env.int("SHOP_PROMOTIONS_POINTS_EXPIRY_DAYS", default=365)
# Points can be used once the balance reaches this, for at most this share of the items.
PROMOTIONS_POINTS_MIN_BALANCE = env.int("SHOP_PROMOTIONS_POINTS_MIN_BALANCE", default=1000)
PROMOTIONS_POINTS_MAX_SHARE_PERCENT = env.int("SHOP_PROMOTIONS_POINTS_MAX_SHARE", default=50)
# Coupon code attempts (brute force), allauth's rate syntax: per IP and per member.
PROMOTIONS_CODE_RATE_LIMIT = env.str("SHOP_PROMOTIONS_CODE_RATE_LIMIT", default="10/m/ip,20/h/user")
# Policies a shop or plugin replaces by a dotted path (docs/extending.md): the function
# that makes order numbers (no arguments, at most 20 characters, unique, unguessable).
ORDER_NUMBER_POLICY = env.str(
    "SHOP_ORDER_NUMBER_POLICY", default="orders.models.order.random_order_number"
)

# Vendors' settlement statements cover a week (Mon-Sun) or a calendar month, or the
# period a policy function names by dotted path: f(today=date) -> (first day, last day).
SETTLEMENT_PERIOD = env.str("SHOP_SETTLEMENT_PERIOD", default="monthly")
if SETTLEMENT_PERIOD not in {"weekly", "monthly"} and "." not in SETTLEMENT_PERIOD:
    raise ValueError("SHOP_SETTLEMENT_PERIOD must be weekly, monthly or a dotted path")

# --- Events, audit log, outbox, webhooks ----------------------------------------------
# An event not delivered this long after it was written is handed to its listeners again.
EVENT_REDELIVERY_AFTER_SECONDS = env.int("SHOP_EVENT_REDELIVERY_AFTER_SECONDS", default=120)
EVENT_MAX_ATTEMPTS = env.int("SHOP_EVENT_MAX_ATTEMPTS", default=10)
WEBHOOK_TIMEOUT_SECONDS = env.float("SHOP_WEBHOOK_TIMEOUT_SECONDS", default=5.0)
WEBHOOK_MAX_ATTEMPTS = env.int("SHOP_WEBHOOK_MAX_ATTEMPTS", default=8)
WEBHOOK_DELIVERY_RETENTION_DAYS = env.int("SHOP_WEBHOOK_DELIVERY_RETENTION_DAYS", default=90)
# Outgoing webhooks to loopback or private networks are refused unless this is on (SSRF).
WEBHOOK_ALLOW_PRIVATE_TARGETS = env.bool("SHOP_WEBHOOK_ALLOW_PRIVATE_TARGETS", default=True)

# --- Alerts to a messenger --------------------------------------------------------
ALERT_WEBHOOK_URL = env("SHOP_ALERT_WEBHOOK_URL", default="")
ALERT_WEBHOOK_KIND = env("SHOP_ALERT_WEBHOOK_KIND", default="auto")  # auto | slack | discord
ALERT_DEDUPE_SECONDS = env.int("SHOP_ALERT_DEDUPE_SECONDS", default=300)
ALERT_TIMEOUT_SECONDS = env.float("SHOP_ALERT_TIMEOUT_SECONDS", default=5.0)

# --- Authentication and accounts ---------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = env("SHOP_ACCOUNT_EMAIL_VERIFICATION", default="optional")
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupForm"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"  # links in e-mails use SITE_URL
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_PREVENT_ENUMERATION = True
# The old address hears of an e-mail or password change, so a takeover does not go unseen
# (AUTH-06).
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_SESSION_REMEMBER = None
# allauth counts attempts in the cache; with Redis this holds across processes.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": env("SHOP_LOGIN_FAILED_RATE_LIMIT", default="10/m/ip,5/5m/key"),
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    # Starting an identity verification (each start may send an SMS at the provider).
    "identity_verification": env(
        "SHOP_IDENTITY_VERIFICATION_RATE_LIMIT", default="10/h/user,30/h/ip"
    ),
    # Each question is an e-mail, SMS or 알림톡 to every member of the vendor: a flood costs.
    "product_question": env("SHOP_PRODUCT_QUESTION_RATE_LIMIT", default="10/h/user"),
    # A guest's "notify me" mails a confirmation to the address typed in.
    "restock_alert": env("SHOP_RESTOCK_ALERT_RATE_LIMIT", default="10/h/ip"),
}

# --- Internationalisation ------------------------------------------------------------
LANGUAGE_CODE = "ko"
LANGUAGES = [("ko", "한국어"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Seoul"
USE_I18N = True
USE_TZ = True

# --- Static and media files ----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = env("SHOP_MEDIA_URL", default="/media/")
MEDIA_ROOT = env.path("SHOP_MEDIA_ROOT", default=BASE_DIR / "media")
# Product media uploads (catalog.media): refused above these limits before any processing.
CATALOG_MAX_IMAGE_BYTES = env.int("CATALOG_MAX_IMAGE_BYTES", default=20 * 1024 * 1024)
CATALOG_MAX_IMAGE_PIXELS = env.int("CATALOG_MAX_IMAGE_PIXELS", default=50_000_000)
CATALOG_MAX_VIDEO_BYTES = env.int("CATALOG_MAX_VIDEO_BYTES", default=500 * 1024 * 1024)
CATALOG_MAX_VIDEO_SECONDS = env.int("CATALOG_MAX_VIDEO_SECONDS", default=120)
# Reviews (reviews app): points (적립금) a review earns, more with photos; limits of a review.
REVIEWS_TEXT_POINTS = env.int("REVIEWS_TEXT_POINTS", default=100)
REVIEWS_PHOTO_POINTS = env.int("REVIEWS_PHOTO_POINTS", default=500)
REVIEWS_MAX_PHOTOS = env.int("REVIEWS_MAX_PHOTOS", default=5)
REVIEWS_MAX_TEXT_LENGTH = 2000
REVIEWS_MAX_QUESTION_LENGTH = 1000
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")
BUCKET_MEDIA_URL = ""  # where browsers fetch objects of the bucket, when a CDN domain is set
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage"}
    AWS_S3_ENDPOINT_URL = env("AWS_S3_ENDPOINT_URL", default=None)
    AWS_S3_REGION_NAME = env("AWS_S3_REGION_NAME", default=None)
    AWS_S3_CUSTOM_DOMAIN = env("AWS_S3_CUSTOM_DOMAIN", default=None)  # a CDN in front
    AWS_S3_URL_PROTOCOL = env("AWS_S3_URL_PROTOCOL", default="https:")  # of that domain
    if AWS_S3_CUSTOM_DOMAIN:
        BUCKET_MEDIA_URL = f"{AWS_S3_URL_PROTOCOL}//{AWS_S3_CUSTOM_DOMAIN}/"
    AWS_DEFAULT_ACL = None
    AWS_QUERYSTRING_AUTH = False
    AWS_S3_FILE_OVERWRITE = False
    # Browsers and the CDN keep every object for a year without asking again. Safe
    # because no name is ever given to new content: originals get a random name, and a
    # media row's renditions (catalog/renditions/<row id>/...) are written before the
    # row turns ready and never after; a replaced image is a new row with a new id.
    AWS_S3_OBJECT_PARAMETERS = {"CacheControl": "public, max-age=31536000, immutable"}


# --- Content Security Policy (django-csp) ----------------------------------------------------
# On in every settings module, so the tests and the browser suite run under the policy a
# shop runs under. Scripts come from our origin only: the pages have no inline script (the
# data they need is json_script), and a page that must have one gives it
# nonce="{{ request.csp_nonce }}"; never on a page shop.pagecache keeps whole, whose nonce
# would be stale. Inline styles stay allowed: they run no code, and user content never
# carries a style attribute (the sanitizer drops it).
# Checkout forms post to us and we redirect to the provider's window; browsers hold that
# redirect to form-action too, so the providers' live window hosts are listed (the sandbox
# emulators are same-origin). A view that needs more (a provider's SDK) uses csp_update.
CSP_FORM_ACTION_HOSTS = [
    "https://online-pay.kakao.com",  # KakaoPay's payment window (next_redirect_pc_url)
    "https://www.paypal.com",
    "https://www.sandbox.paypal.com",
    "https://m.pay.naver.com",  # NaverPay's window and brand-pay registration
    "https://test-m.pay.naver.com",
    "https://kauth.kakao.com",  # Kakao and Naver login (allauth posts, then redirects)
    "https://nid.naver.com",
]


def media_origins(*urls: str) -> list[str]:
    """The origins (scheme://host:port) of the absolute URLs uploaded files are served from."""
    origins = set()
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme in {"http", "https"} and parts.netloc:
            origins.add(f"{parts.scheme}://{parts.netloc}")
    return sorted(origins)


def content_security_policy(media: list[str]) -> dict:
    """The policy of every page; ``media`` are the origins of uploaded files."""
    return {
        "DIRECTIVES": {
            "default-src": [SELF],
            "script-src": [SELF, NONCE],
            "style-src": [SELF, "'unsafe-inline'"],
            "img-src": [SELF, "data:", *media],
            "media-src": [SELF, *media],  # product videos
            "font-src": [SELF],
            "connect-src": [SELF],
            "object-src": [NONE],
            "base-uri": [SELF],
            "frame-ancestors": [NONE],
            "form-action": [SELF, *CSP_FORM_ACTION_HOSTS],
        }
    }


CONTENT_SECURITY_POLICY = content_security_policy(media_origins(MEDIA_URL, BUCKET_MEDIA_URL))
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DJANGO_DATA_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- E-mail -----------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="shop@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "shop.api.BearerTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "shop.api.CursorPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "shop.api.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("SHOP_API_ANON_RATE", default="120/min"),
        "user": env("SHOP_API_USER_RATE", default="600/min"),
    },
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Shop API",
    "DESCRIPTION": "REST API of the shop: catalog, cart, checkout, orders, payments, account.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
}

# --- Storefront ---------------------------------------------------------------------
SHOP_NAME = env("SHOP_NAME", default="")  # empty: the translated word "Shop"
# The catalog's reads (category tree, cards, product data) are cached under version
# tokens every catalog event moves; with them, the storefront's pages are kept whole and
# completed per visitor (shop.pagecache). Off only to measure (make bench) or debug.
CATALOG_CACHE_READS = True
CATALOG_CACHE_PAGES = True
# The seller details Korean e-commerce law (전자상거래법 제10조) asks every storefront to show;
# the footer lists each one, empty until the merchant fills it in.
SHOP_BUSINESS_INFO = {
    "company_name": env("SHOP_BUSINESS_NAME", default=""),
    "representative": env("SHOP_BUSINESS_REPRESENTATIVE", default=""),
    "registration_number": env("SHOP_BUSINESS_REGISTRATION_NUMBER", default=""),
    "mail_order_number": env("SHOP_MAIL_ORDER_REPORT_NUMBER", default=""),
    "address": env("SHOP_BUSINESS_ADDRESS", default=""),
    "phone": env("SHOP_CUSTOMER_SERVICE_PHONE", default=""),
    "email": env("SHOP_CUSTOMER_SERVICE_EMAIL", default=""),
    "privacy_officer": env("SHOP_PRIVACY_OFFICER", default=""),
}

# --- Payments -----------------------------------------------------------------------------
# Sandbox mode mounts the provider emulators and points the clients at them.
SHOP_SANDBOX = env.bool("SHOP_SANDBOX", default=True)
# The providers checkout offers, in order (dotted paths; a plugin adds its own).
PAYMENTS_PROVIDERS = env.list(
    "SHOP_PAYMENTS_PROVIDERS",
    default=[
        "payments.providers.kakaopay.KakaoPay",
        "payments.providers.naverpay.NaverPay",
        "payments.providers.paypal.PayPal",
    ],
)
# Connect fails fast (the provider never saw the call); an answer may take longer.
PAYMENTS_CONNECT_TIMEOUT_SECONDS = env.float("SHOP_PAYMENTS_CONNECT_TIMEOUT_SECONDS", default=3.0)
PAYMENTS_HTTP_TIMEOUT_SECONDS = env.float("SHOP_PAYMENTS_HTTP_TIMEOUT_SECONDS", default=15.0)
# Checkout stops calling a provider after this many failures in a row, for this long, so
# buyers are told at once to pick another method (payments/services/breaker.py, DEG-04).
PAYMENTS_BREAKER_FAILURES = env.int("SHOP_PAYMENTS_BREAKER_FAILURES", default=5)
PAYMENTS_BREAKER_OPEN_SECONDS = env.int("SHOP_PAYMENTS_BREAKER_OPEN_SECONDS", default=30)
# Intents still unsettled after this many seconds are asked about by reconciliation.
PAYMENTS_RECONCILE_AFTER_SECONDS = env.int("SHOP_PAYMENTS_RECONCILE_AFTER_SECONDS", default=120)
# Brand-pay tokens are encrypted with this key (Fernet, urlsafe base64 of 32 bytes), never
# with SECRET_KEY. The default is for the sandbox only; production refuses to start on it.
PAYMENTS_TOKEN_KEY = env(
    "SHOP_PAYMENTS_TOKEN_KEY", default="c2FuZGJveC1icmFuZHBheS1rZXktbm90LWZvci1wcm9k"
)
# One-click brand pay asks for the password again above this amount (KRW).
PAYMENTS_BRANDPAY_REAUTH_ABOVE = env.int("SHOP_PAYMENTS_BRANDPAY_REAUTH_ABOVE", default=300000)
# An empty base URL means the built-in emulator in sandbox mode, the provider's live host
# otherwise.
KAKAOPAY_BASE_URL = env("SHOP_KAKAOPAY_BASE_URL", default="")
KAKAOPAY_SECRET_KEY = env("SHOP_KAKAOPAY_SECRET_KEY", default="DEVSANDBOXSECRETKEY")
KAKAOPAY_CID = env("SHOP_KAKAOPAY_CID", default="TC0ONETIME")
KAKAOPAY_SUBSCRIPTION_CID = env("SHOP_KAKAOPAY_SUBSCRIPTION_CID", default="TCSUBSCRIP")
NAVERPAY_BASE_URL = env("SHOP_NAVERPAY_BASE_URL", default="")
NAVERPAY_PARTNER_ID = env("SHOP_NAVERPAY_PARTNER_ID", default="np_sandbox")
NAVERPAY_CLIENT_ID = env("SHOP_NAVERPAY_CLIENT_ID", default="sandbox-client-id")
NAVERPAY_CLIENT_SECRET = env("SHOP_NAVERPAY_CLIENT_SECRET", default="sandbox-client-secret")
NAVERPAY_CHAIN_ID = env("SHOP_NAVERPAY_CHAIN_ID", default="sandbox-chain-id")
NAVERPAY_RECURRENT_CHAIN_ID = env("SHOP_NAVERPAY_RECURRENT_CHAIN_ID", default="sandbox-recurrent")
PAYPAL_BASE_URL = env("SHOP_PAYPAL_BASE_URL", default="")
PAYPAL_CLIENT_ID = env("SHOP_PAYPAL_CLIENT_ID", default="sandbox-paypal-client")
PAYPAL_CLIENT_SECRET = env("SHOP_PAYPAL_CLIENT_SECRET", default="sandbox-paypal-secret")
PAYPAL_WEBHOOK_ID = env("SHOP_PAYPAL_WEBHOOK_ID", default="SANDBOX-WEBHOOK-ID")
# PayPal does not take KRW: orders are charged in this currency at a rate fixed on the
# intent, read from PAYPAL_FX_RATE_URL (JSON {"rate": "1380.5"}) or else PAYPAL_FX_RATE
# (KRW per unit of the currency).
PAYPAL_CURRENCY = env("SHOP_PAYPAL_CURRENCY", default="USD")
PAYPAL_FX_RATE = env("SHOP_PAYPAL_FX_RATE", default="1400")
PAYPAL_FX_RATE_URL = env("SHOP_PAYPAL_FX_RATE_URL", default="")

# --- Notifications ------------------------------------------------------------------------
# The channels messages go out on, in order of preference per medium (알림톡 before SMS);
# a plugin registers its own channel and adds its code here.
NOTIFICATIONS_CHANNELS = env.list(
    "SHOP_NOTIFICATIONS_CHANNELS", default=["email", "alimtalk", "sms"]
)
NOTIFICATIONS_CONNECT_TIMEOUT_SECONDS = env.float(
    "SHOP_NOTIFICATIONS_CONNECT_TIMEOUT_SECONDS", default=3.0
)
NOTIFICATIONS_HTTP_TIMEOUT_SECONDS = env.float(
    "SHOP_NOTIFICATIONS_HTTP_TIMEOUT_SECONDS", default=10.0
)
# The free opt-out line every advertising SMS must carry (정보통신망법 제50조).
NOTIFICATIONS_OPT_OUT_NOTICE = env(
    "SHOP_NOTIFICATIONS_OPT_OUT_NOTICE", default="무료수신거부 080-000-0000"
)
# NAVER Cloud SENS (SMS and KakaoTalk 알림톡). An empty base URL means the built-in
# emulator in sandbox mode, SENS itself otherwise.
SENS_BASE_URL = env("SHOP_SENS_BASE_URL", default="")
SENS_ACCESS_KEY = env("SHOP_SENS_ACCESS_KEY", default="sandbox-access-key")
SENS_SECRET_KEY = env("SHOP_SENS_SECRET_KEY", default="sandbox-secret-key")
SENS_SMS_SERVICE_ID = env("SHOP_SENS_SMS_SERVICE_ID", default="ncp:sms:kr:000000000000:shop")
SENS_ALIMTALK_SERVICE_ID = env(
    "SHOP_SENS_ALIMTALK_SERVICE_ID", default="ncp:kkobizmsg:kr:000000000000:shop"
)
SENS_PLUS_FRIEND_ID = env("SHOP_SENS_PLUS_FRIEND_ID", default="@shop")  # the KakaoTalk channel
SENS_SMS_FROM = env("SHOP_SENS_SMS_FROM", default="02-1234-5678")  # a registered sender number

# --- Operations -------------------------------------------------------------------------
METRICS_TOKEN = env("SHOP_METRICS_TOKEN", default="")
HEALTH_CHECK_TIMEOUT_SECONDS = env.float("SHOP_HEALTH_CHECK_TIMEOUT_SECONDS", default=2.0)
SENTRY_DSN = env("SENTRY_DSN", default="")
SENTRY_ENVIRONMENT = env("SENTRY_ENVIRONMENT", default="")
SENTRY_TRACES_SAMPLE_RATE = env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0)
LOG_FORMAT = env("SHOP_LOG_FORMAT", default="plain")  # plain | json
LOG_LEVEL = env("SHOP_LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_context": {"()": "shop.logging.RequestContextFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_context"],
        },
        "messenger": {
            "class": "shop.alerts.MessengerAlertHandler",
            "level": "ERROR",
            "filters": ["request_context"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.request": {
            "handlers": ["console", "messenger"],
            "level": "ERROR",
            "propagate": False,
        },
        "shop.alerts.task_failures": {
            "handlers": ["console", "messenger"],
            "level": "ERROR",
            "propagate": False,
        },
        "django.db.backends": {"level": "WARNING"},
    },
}

# Sentry starts only when a DSN is given, here in the settings so that it is running before
# Django and Celery load what it instruments.
if SENTRY_DSN:
    from shop.observability import init_sentry

    init_sentry(
        dsn=SENTRY_DSN,
        environment=SENTRY_ENVIRONMENT or None,
        traces_sample_rate=SENTRY_TRACES_SAMPLE_RATE,
    )

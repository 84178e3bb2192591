# The shop's one image: web (gunicorn), Celery workers, beat and the migrate job all run
# it with a different command (docker-compose.yml, Procfile, docs/deploy.md).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=shop.settings.production

WORKDIR /app

# No system packages: the wheels carry their native libraries (PyAV bundles FFmpeg,
# psycopg[binary] libpq, Pillow libjpeg/libwebp, Brotli its encoder).
COPY requirements.txt .
RUN pip install -r requirements.txt

# The code belongs to root and is read-only to the shop's user; the only place it writes
# is /var/lib/shop (beat's schedule; a volume) and the temporary directory.
RUN groupadd --system --gid 10001 shop \
    && useradd --system --uid 10001 --gid shop --home-dir /var/lib/shop --create-home shop
COPY . .

# Static files are collected into the image, hashed and compressed (brotli and gzip), for
# whitenoise to serve. Production settings refuse to load without their secrets, so this
# step alone gets placeholders: nothing here connects anywhere, and none of them stays in
# the image's environment.
RUN DJANGO_SECRET_KEY=collectstatic-only \
    DJANGO_ALLOWED_HOSTS=build \
    SHOP_SITE_URL=https://build.invalid \
    SHOP_MEDIA_URL=https://media.build.invalid/ \
    DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    REDIS_URL=redis://build.invalid:6379/0 \
    EMAIL_URL=consolemail:// \
    SHOP_METRICS_TOKEN=collectstatic-only \
    SHOP_PAYMENTS_TOKEN_KEY=collectstatic-only \
    python manage.py collectstatic --noinput --verbosity 0

USER shop
EXPOSE 8000
# Liveness only: a database or Redis outage must not get every web container restarted.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "deploy/healthcheck.py", "/livez"]
CMD ["gunicorn", "shop.wsgi", "--config", "deploy/gunicorn.conf.py"]

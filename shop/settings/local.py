"""Developer machine: the embedded defaults plus debugging conveniences."""

from shop.settings.base import *  # noqa: F403
from shop.settings.base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)

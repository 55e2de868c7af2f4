"""Developer machine: `make run`. Never used in production (seed_demo refuses production)."""

from .base import *  # noqa: F403
from .base import env

ENVIRONMENT = "local"
DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-local-development-key-not-for-production")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

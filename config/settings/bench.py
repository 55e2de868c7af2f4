"""bench/run only: production settings served over plain HTTP on the loopback interface."""

from .production import *  # noqa: F403

ENVIRONMENT = "bench"
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
AXES_ENABLED = False  # 50 simulated users log in at once from one address

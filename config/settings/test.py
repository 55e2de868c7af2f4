"""The test suite: fast hashing, no lock-out unless a test turns it on."""

from .base import *  # noqa: F403

SECRET_KEY = "test-only-secret-key"  # noqa: S105
ENVIRONMENT = "test"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AXES_ENABLED = False
# No connection kept between requests: the live server's thread must not hold the test
# database open when the test run drops it.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405

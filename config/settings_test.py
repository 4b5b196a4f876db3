"""Settings for the test suite (pytest's DJANGO_SETTINGS_MODULE): production settings plus speed.

Tasks run inline even when REDIS_URL is set (the PostgreSQL + Redis CI round); the broker URL
stays real, so the tests marked "worker" switch eager off and send to a real worker process,
which runs under ``config.settings`` itself.
"""

from config.settings import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = True
# A cheap hasher: thousands of test logins.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", "core.hashers.InitialPasswordHasher"]

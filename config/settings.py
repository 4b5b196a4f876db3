"""Zhucun settings: one file, every value from the environment (see .env.example).

With no environment at all the project runs in development mode: DEBUG on, SQLite in the
project folder, Celery tasks run eagerly. With DJANGO_DEBUG=0 a weak secret key or empty
ALLOWED_HOSTS refuses to start.
"""

import os
from email.utils import getaddresses
from pathlib import Path

import environ
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=True)

_DEV_SECRET = "dev-insecure-zhucun-secret-key-do-not-use-in-production"
# Read directly: django-environ would treat a key starting with "$" (about 1 in 50 random keys)
# as a reference to another variable.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or (_DEV_SECRET if DEBUG else "")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])

if not DEBUG:
    if not SECRET_KEY or SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured(
            "DJANGO_DEBUG=0 需要一个强密钥：请设置 DJANGO_SECRET_KEY（至少 50 个字符、5 种以上字符）。"
            " / DJANGO_DEBUG=0 requires a strong DJANGO_SECRET_KEY (50+ characters)."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "DJANGO_DEBUG=0 需要设置 DJANGO_ALLOWED_HOSTS（以逗号分隔的主机名）。"
            " / DJANGO_DEBUG=0 requires DJANGO_ALLOWED_HOSTS."
        )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "axes",
    "core",
    "villages",
    "cadres",
    "registry",
    "attendance",
    "checkins",
    "diary",
    "inspections",
    "appraisal",
    "decisions",
    "dashboard",
    "demo",
    # Only `manage.py bench` (make bench): no models, URLs or tasks; the top of the app line.
    "bench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.replica.StickyPrimaryMiddleware",
    "core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "core.middleware.RejectNullCharactersMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.AccountBoundaryMiddleware",
    # Change history (DOMAIN.md §12): who (the request's user) and which path (page or admin).
    "simple_history.middleware.HistoryRequestMiddleware",
    "core.history.HistoryPathMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

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
                "core.context_processors.area",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent readers while a writer holds the lock: wait instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
# Read replica (issue 18; core/replica.py): with DATABASE_REPLICA_URL, report pages and exports
# read from a PostgreSQL streaming replica; writes, reads inside a transaction and a user's reads
# for ZHUCUN_REPLICA_STICKY_SECONDS after a successful POST stay on the primary. An unreachable
# replica is skipped for ZHUCUN_REPLICA_RETRY_SECONDS and the pages read the primary.
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
ZHUCUN_READ_REPLICA = bool(DATABASE_REPLICA_URL)
ZHUCUN_REPLICA_STICKY_SECONDS = env.int("ZHUCUN_REPLICA_STICKY_SECONDS", default=5)
ZHUCUN_REPLICA_RETRY_SECONDS = env.int("ZHUCUN_REPLICA_RETRY_SECONDS", default=30)
if ZHUCUN_READ_REPLICA:
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    if DATABASES["replica"]["ENGINE"] != DATABASES["default"]["ENGINE"]:
        raise ImproperlyConfigured(
            "DATABASE_REPLICA_URL 必须与 DATABASE_URL 是同一种数据库（PostgreSQL 流复制备库）。"
        )
    if DATABASES["replica"]["ENGINE"].endswith("postgresql"):
        # A replica that does not answer must not hold a page for long before it falls back.
        DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 3)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["config.db_router.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    # Only for one-time initial passwords of bulk-created cadre accounts (core/hashers.py).
    "core.hashers.InitialPasswordHasher",
]
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out user or address before the password is checked.
    "core.auth_backends.LoginProtectionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login protection (site and admin): after 5 failures for one user name, or from one address,
# that user / address is locked out for 30 minutes. A success resets the count.
AXES_FAILURE_LIMIT = env.int("ZHUCUN_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("ZHUCUN_LOGIN_LOCKOUT_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
# No start-up banner: commands print only their own lines on stderr (one per error).
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "core/lockout.html"
# Behind a reverse proxy, the client's address is in X-Forwarded-For (set by our proxy only).
AXES_IPWARE_PROXY_COUNT = env.int("ZHUCUN_PROXY_COUNT", default=0) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if AXES_IPWARE_PROXY_COUNT else ["REMOTE_ADDR"]
)

# Response headers beyond check --deploy: no referrer to other sites; browser features off
# except geolocation for this site (the cadres' check-in page asks for the position).
SECURE_REFERRER_POLICY = "same-origin"
ZHUCUN_PERMISSIONS_POLICY = (
    "geolocation=(self), camera=(), microphone=(), payment=(), usb=(), interest-cohort=(), browsing-topics=()"
)

# Content-Security-Policy (django-csp): scripts only from this site's static files — no inline
# <script> and no on…= handlers in templates (tests/core/test_csp.py scans them); data reaches
# the scripts through json_script or data-* attributes. Inline style attributes are common in
# the templates, so styles alone keep 'unsafe-inline'.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# A session ends after a working day without a request (each request renews it), and at
# browser close where the county's policy asks for it.
SESSION_COOKIE_AGE = env.int("ZHUCUN_SESSION_HOURS", default=8) * 3600
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = env.bool("ZHUCUN_SESSION_EXPIRE_AT_BROWSER_CLOSE", default=False)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Uploaded spreadsheets: refuse anything larger before reading it.
ZHUCUN_MAX_UPLOAD_BYTES = env.int("ZHUCUN_MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)
# A zip part that inflates past this is refused before parsing (zip bomb guard).
ZHUCUN_MAX_UNCOMPRESSED_BYTES = env.int("ZHUCUN_MAX_UNCOMPRESSED_BYTES", default=200 * 1024 * 1024)
# Spreadsheets are parsed in a child process limited to this much address space and CPU time
# (core/intake): a parser that aborts or runs away ends that process, never the server or worker.
ZHUCUN_INTAKE_MEMORY_MB = env.int("ZHUCUN_INTAKE_MEMORY_MB", default=2048)
ZHUCUN_INTAKE_CPU_SECONDS = env.int("ZHUCUN_INTAKE_CPU_SECONDS", default=45)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Celery (ops #13): jobs that survive a killed worker -------------------------------------
# With REDIS_URL, Redis is broker and result store; without it tasks run inline (embedded mode).
# The test settings (config/settings_test.py) force inline tasks; tests marked "worker" switch
# to a real worker process on the real broker.
REDIS_URL = env.str("REDIS_URL", default="")
# Embedded: an in-memory broker with a host name, so kombu does not warn on each inline task.
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
# Acknowledge a message only when its task has finished, and put it back on the queue when the
# process running it dies (kill -9, the OOM killer): the task runs again elsewhere. Every task
# is idempotent (tests/ops/test_tasks_idempotent.py runs each twice), so a repeat is harmless.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Default limits; tasks whose work is shorter declare their own (attendance.intake.tasks).
CELERY_TASK_TIME_LIMIT = env.int("ZHUCUN_TASK_TIME_LIMIT", default=30 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("ZHUCUN_TASK_SOFT_TIME_LIMIT", default=CELERY_TASK_TIME_LIMIT - 5 * 60)
# Redis re-delivers a message nobody acknowledged after this many seconds (when a whole worker
# died). It must be longer than the hard time limit, or a slow but healthy task would run twice
# at the same time.
ZHUCUN_VISIBILITY_TIMEOUT = env.int("ZHUCUN_VISIBILITY_TIMEOUT", default=CELERY_TASK_TIME_LIMIT + 15 * 60)
if ZHUCUN_VISIBILITY_TIMEOUT <= CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured(
        "ZHUCUN_VISIBILITY_TIMEOUT 必须大于任务硬时限 ZHUCUN_TASK_TIME_LIMIT。"
        " / ZHUCUN_VISIBILITY_TIMEOUT must exceed ZHUCUN_TASK_TIME_LIMIT."
    )
if not 0 < CELERY_TASK_SOFT_TIME_LIMIT < CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured(
        "ZHUCUN_TASK_SOFT_TIME_LIMIT 必须大于 0 且小于 ZHUCUN_TASK_TIME_LIMIT。"
        " / the soft time limit must be positive and below the hard one."
    )
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": ZHUCUN_VISIBILITY_TIMEOUT}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# When the broker connection drops, running tasks are cancelled and re-delivered (acks_late).
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_RESULT_EXPIRES = 24 * 3600
# An upload still 检查中 after this many minutes is ended as 检查失败 by the sweeper (beat).
ZHUCUN_STUCK_CHECK_MINUTES = env.int("ZHUCUN_STUCK_CHECK_MINUTES", default=10)
# --- end Celery ------------------------------------------------------------------------------

# Celery queues (issue 18), apart from the reliability settings above: a county or province can
# run its upload workers and its report workers on different machines. Upload checks and imports
# go to "intake"; monthly totals, rankings and reconciliation to "reports"; anything not routed
# (beat's own clean-up) to Celery's default queue "celery". Each task is routed by its registered
# name; tests/core/test_queues.py fails for a task without a route. Worker commands: README
# "Scaling out".
ZHUCUN_INTAKE_QUEUE = "intake"
ZHUCUN_REPORTS_QUEUE = "reports"
ZHUCUN_WORKER_QUEUES = (ZHUCUN_INTAKE_QUEUE, ZHUCUN_REPORTS_QUEUE, "celery")  # what `make worker` consumes
CELERY_TASK_ROUTES = {
    "attendance.tasks.check_upload_task": {"queue": ZHUCUN_INTAKE_QUEUE},
    # The sweeper of stuck checks is housekeeping: beat's default queue, so a busy intake queue
    # cannot delay it.
    "attendance.tasks.fail_stuck_checks_task": {"queue": "celery"},
    # Making check-in partitions ahead is housekeeping too (seconds, once a night).
    "checkins.tasks.make_partitions_ahead_task": {"queue": "celery"},
    "attendance.tasks.compute_monthly_totals_task": {"queue": ZHUCUN_REPORTS_QUEUE},
    "attendance.tasks.compute_previous_month_all_counties": {"queue": ZHUCUN_REPORTS_QUEUE},
    "attendance.tasks.compute_current_month_all_counties": {"queue": ZHUCUN_REPORTS_QUEUE},
    "appraisal.tasks.compute_quarterly_ranking_task": {"queue": ZHUCUN_REPORTS_QUEUE},
    "appraisal.tasks.rank_previous_quarter_all_counties": {"queue": ZHUCUN_REPORTS_QUEUE},
    # The rules that follow totals and rankings (decisions/pipeline.py) are report work too.
    "decisions.tasks.rerun_after_totals_task": {"queue": ZHUCUN_REPORTS_QUEUE},
    "decisions.tasks.rerun_after_ranking_task": {"queue": ZHUCUN_REPORTS_QUEUE},
    "decisions.tasks.fulfil_replacements_task": {"queue": ZHUCUN_REPORTS_QUEUE},
}

# Mail (催报 notices): off unless EMAIL_URL is set, e.g. smtp+tls://user:pass@smtp.example.gov.cn:587.
EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    vars().update(env.email_url("EMAIL_URL"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="zhucun@localhost")
ZHUCUN_EMAIL_ENABLED = bool(EMAIL_URL)

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# --- Logs and error mail (ops #13) -----------------------------------------------------------
# Every line: time, level, logger, request id (X-Request-ID, also in gunicorn's access log) and
# user. Errors (a 500, a task failed for good) are mailed to DJANGO_ADMINS when it is set.
MIDDLEWARE.insert(0, "core.request_log.RequestIdMiddleware")
ADMINS = getaddresses(env.list("DJANGO_ADMINS", default=[]))
SERVER_EMAIL = env.str("DJANGO_SERVER_EMAIL", default="zhucun@localhost")
DEFAULT_FROM_EMAIL = SERVER_EMAIL
EMAIL_SUBJECT_PREFIX = "[驻村] "
vars().update(env.email_url("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_context": {"()": "core.request_log.RequestContextFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "line": {"format": "%(asctime)s %(levelname)s %(name)s rid=%(request_id)s user=%(user)s %(message)s"}
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["request_context"], "formatter": "line"},
        # Sends nothing while ADMINS is empty.
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false", "request_context"],
        },
    },
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django": {"handlers": ["mail_admins"], "level": "INFO", "propagate": True},
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "zhucun.jobs": {"handlers": ["mail_admins"], "level": "INFO", "propagate": True},
    },
}
if CELERY_TASK_ALWAYS_EAGER:
    # Embedded mode runs tasks inline: Celery's per-task "succeeded in …" lines would interleave with
    # a command's own output (seed_demo, imports). Failures still log at ERROR.
    LOGGING["loggers"]["celery.app.trace"] = {"level": "WARNING"}
# --- end logs --------------------------------------------------------------------------------

if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"
    CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
    # ops #13: monitors probe http://127.0.0.1:8000/healthz directly, without TLS.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

from config.schedules import CELERY_BEAT_SCHEDULE  # noqa: E402,F401

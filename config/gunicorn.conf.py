"""gunicorn settings for `make serve` and deploy/zhucun-web.service. Every value can be overridden
from the environment (GUNICORN_* below) or on the command line."""

import multiprocessing
import os

# Behind nginx on the same machine; set GUNICORN_BIND=0.0.0.0:8000 only behind a firewall.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: (2 × cores) + 1, i.e. 5 on the 2-core server a county usually has. The Celery
# worker runs beside them, so do not raise this without more cores or memory.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
# Uploads are checked in Celery; the slowest page (a large export) stays well under this.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 120))
graceful_timeout = 30
# Recycle workers now and then, so a slow leak never grows into an out-of-memory kill.
max_requests = 1000
max_requests_jitter = 100
# Logs to stdout/stderr: journald (systemd) keeps them with time and unit.
accesslog = "-"
errorlog = "-"
# Time, client, request line, status, size, duration (ms) and the request id the app assigned.
access_log_format = '%(t)s %(h)s "%(r)s" %(s)s %(b)s %(M)sms rid=%({x-request-id}o)s'
# nginx on the same host sets X-Forwarded-Proto; trust it from there only.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")

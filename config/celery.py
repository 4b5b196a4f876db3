import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("zhucun")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Apps whose tasks live in sub-packages (attendance: its intake and its totals) name them here.
app.autodiscover_tasks(["attendance.intake", "attendance.totals"])

"""Settings of the gunicorn server the load scenarios start: production settings (DJANGO_DEBUG=0
from the environment) with static URLs built without the collected manifest.

The load clients request HTML pages only, never static files, so the manifest storage changes
nothing they measure; and ``collectstatic`` for it currently stops on the vendored Chart.js, whose
last line names a source map that is not shipped (``vendor/chart.umd.min.js.map``).
"""

from config.settings import *  # noqa: F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

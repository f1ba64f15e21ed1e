"""The Celery application.

Configuration comes from Django settings (the ``CELERY_`` prefix), so the broker and every
limit are set in one place: ``config/settings/base.py``.
See https://docs.celeryq.dev/en/stable/django/first-steps-with-django.html
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("rapport")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

"""Every periodic task of Rapport, in one place (Celery beat reads CELERY_BEAT_SCHEDULE).

The reminder scan arrives with the reminders issue; until then beat runs with nothing to do.
"""

CELERY_BEAT_SCHEDULE: dict = {}

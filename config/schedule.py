"""Every periodic task of Rapport, in one place (Celery beat reads CELERY_BEAT_SCHEDULE).

A static schedule, not django-celery-beat: the scan is the only periodic job, its timing
is part of the design (reviewed and versioned with the code, the same in every
environment), and what staff may want to tune (lead times, thresholds) lives in settings
and on each advisor's profile, not in the schedule.
"""

CELERY_BEAT_SCHEDULE = {
    # Every minute: record the reminders that came due, raise time-based flags, and hand
    # out pending reminders (also those a dead worker had claimed).
    "reminders-scan": {"task": "engagements.tasks.reminders_scan", "schedule": 60.0, "options": {"expires": 55}},
}

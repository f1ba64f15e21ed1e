"""Every periodic task of Rapport, in one place (Celery beat reads CELERY_BEAT_SCHEDULE).

A static schedule, not django-celery-beat: the scans below are the only periodic jobs (each
every minute; what is due the database decides), their timing
is part of the design (reviewed and versioned with the code, the same in every
environment), and what staff may want to tune (lead times, thresholds) lives in settings
and on each advisor's profile, not in the schedule.
"""

import os

# Seconds between two scans. Only the fault tests change it (to a few seconds, so that a
# run with real beat processes is quick); everywhere else it is one minute.
SCAN_SECONDS = float(os.environ.get("RAPPORT_SCAN_INTERVAL_SECONDS", "60"))

CELERY_BEAT_SCHEDULE = {
    # Every minute: record the reminders that came due, raise time-based flags, and hand
    # out pending reminders (also those a dead worker had claimed). A scan nobody ran
    # before the next one is due expires: the next one does the same work.
    "reminders-scan": {
        "task": "engagements.tasks.reminders_scan",
        "schedule": SCAN_SECONDS,
        "options": {"expires": max(SCAN_SECONDS - 5, SCAN_SECONDS / 2)},
    },
    # Every minute: from Monday 08:00 (Amsterdam) on, make this week's digest row of each
    # manager (unique per manager and week) and hand out those not sent, so a beat that was
    # down at 08:00 is caught up by the next run and none goes out twice (services.digests).
    "digests-scan": {
        "task": "engagements.tasks.digests_scan",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Every minute: hand out the community's notification e-mails whose task was lost (the
    # broker was down, a worker died); each is sent at once by its own task otherwise.
    "casestudies-notifications-scan": {
        "task": "casestudies.tasks.notifications_scan",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
}

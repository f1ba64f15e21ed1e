"""The engagement domain's pure rules: plain facts in, decisions out; no database, no ORM.

- health.py: an engagement's health from the severities of its open flags;
- flags.py: which automatic flags should be open, given an engagement's facts and "now";
- reminders.py: which reminders are due, given a meeting's or checkpoint's facts and "now".

The services (engagements/services/) read the facts from the database, call these rules
and write the result. docs/domain.md describes the rules in words.
"""

"""Flags store facts, not English sentences (issue 11: "flag texts in the reader's language
and time zone"). The facts of each rule's flag are rebuilt from its subject (the meeting,
plan, checkpoint or contact it is about) and, for repeated complaints, from its stored
sentence; its English text is then cleared. A flag whose subject is gone keeps its text.
Written out here rather than imported, so that this migration stays as it is."""

import re
from datetime import UTC

from django.db import migrations, models

COMPLAINTS = re.compile(r"(\d+) complaints since (\S+), (\d+) of them within (\d+) days")


def _utc(moment):
    return moment.astimezone(UTC).isoformat(timespec="minutes")


def _facts(apps, flag):
    Meeting = apps.get_model("engagements", "Meeting")
    MeetingLog = apps.get_model("engagements", "MeetingLog")
    DraftPlan = apps.get_model("engagements", "DraftPlan")
    Checkpoint = apps.get_model("engagements", "ExpectationCheckpoint")
    Contact = apps.get_model("engagements", "ClientContact")
    what, _, ref = flag.subject.partition(":")
    if what == "complaints":
        found = COMPLAINTS.search(flag.details)
        if found is None:
            return None
        count, since, within, days = found.groups()
        return {"count": int(count), "since": since.rstrip(","), "within": int(within), "days": int(days)}
    if not ref.isdigit():
        return None
    pk = int(ref)
    if what == "meeting":
        meeting = Meeting.objects.filter(pk=pk).first()
        if meeting is None:
            return None
        facts = {"starts_at": _utc(meeting.starts_at)}
        log = MeetingLog.objects.filter(meeting_id=pk).first()
        if flag.kind == "dissatisfied":
            return facts | {"satisfaction": log.satisfaction} if log else None
        if flag.kind == "long_monologue":
            if log is None:
                return None
            return facts | {"minutes": log.longest_monologue_minutes, "too_long": "monologue" in flag.details}
        return facts
    if what == "plan":
        plan = DraftPlan.objects.filter(pk=pk).first()
        if plan is None:
            return None
        if flag.kind == "intake_incomplete":
            return {"version": plan.version}
        answer = "no" if flag.kind == "misaligned" else "partly"
        return {"version": plan.version, "answer": answer, "adjustments": plan.adjustments.strip()}
    if what == "checkpoint":
        checkpoint = Checkpoint.objects.filter(pk=pk).first()
        if checkpoint is None:
            return None
        facts = {"topic": checkpoint.topic}
        return facts | {"due_on": checkpoint.due_on.isoformat()} if flag.kind == "overdue_checkpoint" else facts
    if what == "contact":
        contact = Contact.objects.filter(pk=pk).first()
        if contact is None or contact.left_on is None:
            return None
        return {"name": contact.name, "left_on": contact.left_on.isoformat()}
    return None


def rebuild_facts(apps, schema_editor):
    Flag = apps.get_model("engagements", "Flag")
    for flag in Flag.objects.filter(source="rule", facts={}).exclude(subject="").iterator(chunk_size=500):
        facts = _facts(apps, flag)
        if facts is not None:
            Flag.objects.filter(pk=flag.pk).update(facts=facts, details="")


class Migration(migrations.Migration):
    dependencies = [
        ("engagements", "0020_flag_history_backfill"),
    ]

    operations = [
        migrations.AddField(
            model_name="flag",
            name="facts",
            field=models.JSONField(blank=True, default=dict, verbose_name="facts"),
        ),
        migrations.AddField(
            model_name="historicalflag",
            name="facts",
            field=models.JSONField(blank=True, default=dict, verbose_name="facts"),
        ),
        migrations.RunPython(rebuild_facts, migrations.RunPython.noop),
    ]

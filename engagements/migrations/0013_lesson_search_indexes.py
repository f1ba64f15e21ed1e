"""GIN indexes for the lesson search on PostgreSQL (core.search): without them a search reads
and parses every meeting log and decision note. Made with Django's own expression, so the
index matches the query's expression exactly; other databases search without them."""

from django.db import migrations

from core.search import gin_index

INDEXES = [
    ("MeetingLog", "meetinglog_lesson_search", ("lesson_learned",)),
    ("Flag", "flag_decision_search", ("decision_note",)),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, name, fields in INDEXES:
        schema_editor.add_index(apps.get_model("engagements", model), gin_index(name, fields))


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, name, fields in INDEXES:
        schema_editor.remove_index(apps.get_model("engagements", model), gin_index(name, fields))


class Migration(migrations.Migration):
    dependencies = [("engagements", "0012_lessons_and_client_profile")]

    operations = [migrations.RunPython(create, drop, elidable=False)]

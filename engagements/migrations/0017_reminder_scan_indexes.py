"""The reminder scan's index on meetings carries the engagement and the id too (issue 10).

The scan asks twice which meetings of a window of start times (the last week or so) have no
log. With meeting_status_start_idx on (status, starts_at) alone, PostgreSQL read the meeting
table for every meeting of the window before the log ruled them out; whenever ANALYZE's
sample put a few thousand meetings in the window (about a third of the samples at
1,000,000 meetings, bench/reminder_scan.py), that read was large enough on paper to go to a
parallel worker, and the two queries took 16-33 ms each under EXPLAIN ANALYZE to return no
row, 0.15 ms of it working and the rest waiting for the worker. With the engagement and the
id in the index, and NOT EXISTS on the log's unique meeting_id, both are index-only scans
that read no table row: 0.04-0.8 ms, serial, on every sample tried. The two columns are key
columns rather than INCLUDE: SQLite, the development database, has no INCLUDE (and Django
warns, models.W040).

Rebuilding the index locks writes to meetings while it is built: 6 s at 1,000,000 meetings
on the 2-core development machine, where it grows from 7 MB to 48 MB (with the id in its key
no two entries are alike, so PostgreSQL's deduplication no longer folds them together).
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("engagements", "0016_clientcontact_unique_email_any_case"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="meeting", name="meeting_status_start_idx"),
        migrations.AddIndex(
            model_name="meeting",
            index=models.Index(fields=["status", "starts_at", "engagement", "id"], name="meeting_status_start_idx"),
        ),
    ]

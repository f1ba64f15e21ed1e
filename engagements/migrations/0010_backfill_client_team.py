"""Give every existing client its team: the creator's, else the team of the lead of its
oldest engagement. Two clients of one team whose names differ only in case (allowed
before) get a number appended, so that the constraint of 0011 can be added."""

from django.db import migrations


def backfill(apps, schema_editor):
    Client = apps.get_model("engagements", "Client")
    AdvisorProfile = apps.get_model("advisors", "AdvisorProfile")
    Engagement = apps.get_model("engagements", "Engagement")
    team_of_user = dict(AdvisorProfile.objects.values_list("user_id", "team_id"))
    seen = set()
    for client in Client.objects.order_by("created_at", "pk"):
        team_id = team_of_user.get(client.created_by_id)
        if team_id is None:
            lead = Engagement.objects.filter(client_id=client.pk).order_by("created_at").values_list("lead_id", flat=True).first()
            team_id = team_of_user.get(lead)
        name, n = client.name, 1
        while (name.lower(), team_id) in seen:
            n += 1
            suffix = f" ({n})"
            name = client.name[: 200 - len(suffix)] + suffix  # the column holds 200 characters
        if name != client.name:
            print(f"\n  client {client.pk}: {client.name!r} renamed {name!r} (the same name in another case)")
        seen.add((name.lower(), team_id))
        Client.objects.filter(pk=client.pk).update(team_id=team_id, name=name)


class Migration(migrations.Migration):
    dependencies = [("engagements", "0009_client_team")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]

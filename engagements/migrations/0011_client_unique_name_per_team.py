import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("engagements", "0010_backfill_client_team")]

    operations = [
        migrations.AddConstraint(
            model_name='client',
            constraint=models.UniqueConstraint(django.db.models.functions.text.Lower('name'), models.F('team'), condition=models.Q(('team__isnull', False)), name='client_unique_name_per_team'),
        ),
        migrations.AddConstraint(
            model_name='client',
            constraint=models.UniqueConstraint(django.db.models.functions.text.Lower('name'), condition=models.Q(('team__isnull', True)), name='client_unique_name_without_team'),
        ),
    ]

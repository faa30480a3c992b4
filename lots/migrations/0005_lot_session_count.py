"""Each lot keeps how many sessions used it (filled by 0006, kept by
sessions.recording): the lot list counted every pass ever made on every request. A
default of 0 fills the new column at once, so no nullable step is needed."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('lots', '0004_lot_number_key_unique'),
    ]

    operations = [
        migrations.AddField(
            model_name='productlot',
            name='session_count',
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
    ]

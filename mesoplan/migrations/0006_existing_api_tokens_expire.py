"""Tokens issued before expiry existed (Django REST framework's authtoken table, one
unhashed key per user) move to the hashed, expiring tokens: each keeps working until
API_TOKEN_DAYS after this migration, then its client asks for a new one (docs/api.md).
The old table is read by SQL, since its app is no longer installed; its rows are
deleted once copied (they are live credentials in clear), the empty table stays."""

import hashlib
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import migrations
from django.utils import timezone

OLD_TABLE = "authtoken_token"


def move_tokens(apps, schema_editor):
    connection = schema_editor.connection
    if OLD_TABLE not in connection.introspection.table_names():
        return
    ApiToken = apps.get_model("mesoplan", "ApiToken")
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT key, user_id, created FROM {OLD_TABLE}")
        rows = cursor.fetchall()
    ApiToken.objects.bulk_create(
        ApiToken(
            id=uuid.uuid4(),
            user_id=user_id,
            name="API token from before expiry",
            key_hash=hashlib.sha256(key.encode()).hexdigest(),
            prefix=key[:8],
            created_at=created if isinstance(created, type(now)) else now,
            expires_at=now + timedelta(days=settings.API_TOKEN_DAYS),
        )
        for key, user_id, created in rows
    )
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {OLD_TABLE}")


class Migration(migrations.Migration):
    dependencies = [("mesoplan", "0005_second_factor_and_expiring_api_tokens")]

    operations = [migrations.RunPython(move_tokens, migrations.RunPython.noop, elidable=True)]

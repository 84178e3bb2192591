"""Seed the templates added to the defaults since 0002 (a guest's restock confirmation)."""

from django.db import migrations

from notifications.defaults import DEFAULTS


def seed(apps, schema_editor):
    Template = apps.get_model("notifications", "NotificationTemplate")
    db = schema_editor.connection.alias
    for fields in DEFAULTS:
        Template.objects.using(db).get_or_create(code=fields["code"], defaults=fields)


class Migration(migrations.Migration):
    dependencies = [("notifications", "0002_default_templates")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

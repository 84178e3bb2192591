"""Korean default templates for every event the shop notifies about.

Staff edit them in the admin afterwards; this migration never overwrites an edited one.
The 알림톡 texts are what would be submitted to Kakao for approval under each template
code: only the ``#{...}`` variables change from message to message.
"""

from django.db import migrations

from notifications.defaults import DEFAULTS


def seed(apps, schema_editor):
    Template = apps.get_model("notifications", "NotificationTemplate")
    db = schema_editor.connection.alias
    for fields in DEFAULTS:
        Template.objects.using(db).get_or_create(code=fields["code"], defaults=fields)


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

from tortoise import migrations


# Placeholder reserved in the migration chain; its issue fills in the operations.
class Migration(migrations.Migration):
    dependencies = [("metergraph", "0009_webhooks")]

    initial = False

    operations: list = []

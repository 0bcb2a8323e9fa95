from tortoise import migrations


# Placeholder reserved in the migration chain; its issue fills in the operations.
class Migration(migrations.Migration):
    dependencies = [("metergraph", "0014_memos_statements")]

    initial = False

    operations: list = []

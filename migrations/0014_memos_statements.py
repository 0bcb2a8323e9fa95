from tortoise import migrations


# Placeholder reserved in the migration chain; its issue fills in the operations.
class Migration(migrations.Migration):
    dependencies = [("metergraph", "0013_balances")]

    initial = False

    operations: list = []

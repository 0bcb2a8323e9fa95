from tortoise import migrations


# Placeholder reserved in the migration chain; its issue fills in the operations.
class Migration(migrations.Migration):
    dependencies = [("metergraph", "0012_charges_plan_groups")]

    initial = False

    operations: list = []

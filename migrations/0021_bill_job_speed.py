from tortoise import migrations

# Reserved for issue #18/#15 performance work this session; replaced by its real operations.


class Migration(migrations.Migration):
    dependencies = [("metergraph", "0020_events_write_cost")]

    initial = False

    operations: list = []

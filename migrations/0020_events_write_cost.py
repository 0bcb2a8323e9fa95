from tortoise import migrations

# Reserved for issue #18/#15 performance work this session; replaced by its real operations.


class Migration(migrations.Migration):
    dependencies = [("metergraph", "0019_ingest_body_lz4")]

    initial = False

    operations: list = []

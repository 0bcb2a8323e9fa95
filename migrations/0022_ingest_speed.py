from tortoise import migrations

# Reserved for issue #18/#15 performance work this session; replaced by its real operations.


class Migration(migrations.Migration):
    dependencies = [("metergraph", "0021_bill_job_speed")]

    initial = False

    operations: list = []

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

# Deactivating an access key or a user revokes the tokens issued before, for good: each
# token carries the credential's generation, raised by every deactivation. Before, a key
# made ACTIVE again brought back every unexpired token issued before it was deactivated.
# Existing rows and tokens are generation 0 (a token without the claim is read as 0).


class Migration(migrations.Migration):
    dependencies = [("metergraph", "0026_webhook_active_since")]

    initial = False

    operations = [
        ops.AddField(model_name="AccessKey", name="token_generation", field=fields.IntField(default=0, db_default=0)),
        ops.AddField(model_name="User", name="token_generation", field=fields.IntField(default=0, db_default=0)),
    ]

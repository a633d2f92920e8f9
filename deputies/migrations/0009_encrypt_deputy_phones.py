"""Deputies' phones encrypted at rest (issue 13 item 7), data part: every stored phone becomes
Fernet ciphertext under the configured FIELD_ENCRYPTION_KEYS, with its keyed hash; the history's
rows get the hash of the phone they held, and then lose the phone itself (the history leaves
the numbers out, as the petitions' does). In batches, reading with .iterator().

Reversible for the register: going back decrypts the phones with the configured keys (and
refuses, naming the deputy, if one cannot be decrypted). The history's phones do not come back:
they are blank after a reversal."""

import re

from django.db import migrations

import congress_office.crypto

BATCH = 500
FERNET_PREFIX = "gAAAAA"  # every Fernet token starts so (version byte and timestamp); no phone does


def phone_hash(value):
    """deputies.models.deputy_phone_hash, frozen here: the keyed hash of the phone's digits."""
    from congress_office.crypto import keyed_hash

    digits = re.sub(r"[\s\-()（）]", "", value or "")
    if digits.startswith("+"):
        digits = digits[1:]
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return keyed_hash(digits)


def _batches(queryset):
    batch = []
    for row in queryset.iterator(chunk_size=BATCH):
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def encrypt_phones(apps, schema_editor):
    from congress_office.crypto import decrypt, encrypt

    db = schema_editor.connection.alias
    Deputy = apps.get_model("deputies", "Deputy")
    HistoricalDeputy = apps.get_model("deputies", "HistoricalDeputy")
    rows = Deputy.objects.using(db).exclude(phone="").order_by("pk").values_list("pk", "phone")
    for batch in _batches(rows):
        changed = []
        for pk, stored in batch:
            plain = stored
            if stored.startswith(FERNET_PREFIX):  # already encrypted (a rerun): hash what it holds
                try:
                    plain = decrypt(stored)
                except ValueError:
                    plain = None
            if plain is None:
                continue
            ciphertext = stored if plain != stored else encrypt(plain.strip())
            changed.append(Deputy(pk=pk, phone=ciphertext, phone_hash=phone_hash(plain)))
        Deputy.objects.using(db).bulk_update(changed, ["phone", "phone_hash"], batch_size=BATCH)
    history = (
        HistoricalDeputy.objects.using(db).exclude(phone="").order_by("history_id").values_list("history_id", "phone")
    )
    for batch in _batches(history):
        changed = [HistoricalDeputy(history_id=pk, phone_hash=phone_hash(phone)) for pk, phone in batch]
        HistoricalDeputy.objects.using(db).bulk_update(changed, ["phone_hash"], batch_size=BATCH)


def decrypt_phones(apps, schema_editor):
    from congress_office.crypto import decrypt

    db = schema_editor.connection.alias
    Deputy = apps.get_model("deputies", "Deputy")
    rows = Deputy.objects.using(db).exclude(phone="").order_by("pk").values_list("pk", "name", "phone")
    for batch in _batches(rows):
        changed = []
        for pk, name, stored in batch:
            if not stored.startswith(FERNET_PREFIX):
                continue
            try:
                plain = decrypt(stored)
            except ValueError:
                raise RuntimeError(
                    f"代表“{name}”（#{pk}）的联系电话无法用配置的 FIELD_ENCRYPTION_KEYS 解密，不能回退本迁移。"
                ) from None
            changed.append(Deputy(pk=pk, phone=plain[:20], phone_hash="", id_hash=""))
        Deputy.objects.using(db).bulk_update(changed, ["phone", "phone_hash", "id_hash"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [
        ("deputies", "0008_deputy_contact_encrypted"),
    ]

    operations = [
        migrations.RunPython(encrypt_phones, decrypt_phones, elidable=False),
        # the plain phones leave the history (its rows keep phone_hash)
        migrations.RemoveField(model_name="historicaldeputy", name="phone"),
        # the column holds ciphertext now: the field that encrypts and decrypts it (no SQL)
        migrations.AlterField(
            model_name="deputy",
            name="phone",
            field=congress_office.crypto.EncryptedCharField(blank=True, verbose_name="联系电话"),
        ),
    ]

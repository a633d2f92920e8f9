"""Encryption at rest for personal data (ID numbers, phones) with `cryptography`'s Fernet, and
keyed hashes to find equal values without decrypting.

Keys: settings.FIELD_ENCRYPTION_KEYS (urlsafe base64 Fernet keys; the first encrypts, all
decrypt, so a new key can be put first and old rows still read) and PERSONAL_DATA_HASH_KEY.
Production refuses to start without them; elsewhere they are derived from SECRET_KEY.

A stored value the configured keys cannot decrypt (a lost or wrong key, a restore without the
keys) does not break the page reading it: it reads back as UNDECRYPTABLE, logged once per
process and field, and saving the row again writes the stored ciphertext back unchanged.
`check_stored_keys` samples the stored values (the deploy check and `manage.py verify_keys`).
"""

import base64
import functools
import hashlib
import hmac
import logging
import threading
from typing import NamedTuple

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models

logger = logging.getLogger(__name__)

# what a value that cannot be decrypted reads as (a plain constant: from_db_value runs outside
# any request, so it is not translated; templates may translate it)
UNDECRYPTABLE = "（无法解密，请检查密钥配置）"
# (model label, field name) already logged by this process: a list of 50 such rows logs once
_reported = set()
_reported_lock = threading.Lock()


def _derived(label):
    return base64.urlsafe_b64encode(hashlib.sha256(f"{label}:{settings.SECRET_KEY}".encode()).digest())


@functools.lru_cache(maxsize=8)
def _fernet_of(keys, secret_key):  # secret_key: a key of the cache (the derived key's secret)
    keys = keys or [_derived("field-encryption").decode()]
    return MultiFernet([Fernet(k.encode() if isinstance(k, str) else k) for k in keys])


def _fernet():
    """The cipher of the configured keys, built once per key set (an export decrypts every row's
    phone and ID number: rebuilding it per value would cost more than the decryption)."""
    return _fernet_of(tuple(settings.FIELD_ENCRYPTION_KEYS), settings.SECRET_KEY)


def encrypt(text):
    return _fernet().encrypt(text.encode()).decode()


def decrypt(token):
    try:
        return _fernet().decrypt(token.encode()).decode()
    except (InvalidToken, UnicodeError):
        raise ValueError("cannot decrypt a personal-data field: wrong FIELD_ENCRYPTION_KEYS?") from None


def encrypt_bytes(data):
    """A file's content encrypted at rest (an archived file holding personal data in full)."""
    return _fernet().encrypt(data)


def decrypt_bytes(token):
    try:
        return _fernet().decrypt(token)
    except InvalidToken:
        raise ValueError("cannot decrypt an archived file: wrong FIELD_ENCRYPTION_KEYS?") from None


def keyed_hash(value):
    """HMAC-SHA256 of a normalised value, for exact-match search (repeat petitions)."""
    if not value:
        return ""
    key = (settings.PERSONAL_DATA_HASH_KEY or _derived("personal-data-hash").decode()).encode()
    normalised = "".join(str(value).split()).upper()
    return hmac.new(key, normalised.encode(), hashlib.sha256).hexdigest()


class UndecryptableValue(str):
    """What an EncryptedCharField reads for a stored value the configured keys cannot decrypt:
    the text UNDECRYPTABLE wherever it is shown or compared, carrying the stored ciphertext, which
    is what the field writes when the row is saved again (a clerk editing another field of the
    row does not replace the phone number with the placeholder)."""

    def __new__(cls, ciphertext):
        value = super().__new__(cls, UNDECRYPTABLE)
        value.ciphertext = ciphertext
        return value

    def __reduce__(self):  # pickled (a cached object) and copied with its ciphertext
        return (UndecryptableValue, (self.ciphertext,))


def is_undecryptable(value):
    return isinstance(value, UndecryptableValue)


def _report_undecryptable(field):
    """Log, once per process and field, that a stored value cannot be decrypted (never the
    ciphertext: a log is no place for personal data, even encrypted)."""
    model = getattr(field, "model", None)
    key = (model._meta.label if model is not None else "?", field.name)
    with _reported_lock:
        if key in _reported:
            return
        _reported.add(key)
    logger.error(
        "%s.%s holds a value the configured FIELD_ENCRYPTION_KEYS cannot decrypt; it is shown as %r. "
        "Check the keys (manage.py verify_keys). Logged once per process and field.",
        key[0],
        key[1],
        UNDECRYPTABLE,
    )


class EncryptedCharField(models.TextField):
    """Stores Fernet ciphertext; reads back plain text, or UNDECRYPTABLE (an UndecryptableValue)
    for a value the configured keys cannot decrypt. Not searchable: pair it with a hash field."""

    def from_db_value(self, value, expression, connection):
        if not value:
            return value
        try:
            return decrypt(value)
        except ValueError:
            _report_undecryptable(self)
            return UndecryptableValue(value)

    def get_prep_value(self, value):
        if isinstance(value, UndecryptableValue):
            return value.ciphertext  # written back as it was read: never lost, never re-encrypted
        value = super().get_prep_value(value)
        if value == UNDECRYPTABLE:
            # the placeholder came back without its ciphertext (a str operation on it, a form
            # that does not keep it): storing it would replace the person's data for good
            raise ValueError(f"refusing to store the placeholder {UNDECRYPTABLE!r} in place of a value")
        return encrypt(value) if value else value

    def save_form_data(self, instance, data):
        """A form that showed the placeholder and got it back leaves the stored value alone."""
        if data == UNDECRYPTABLE and is_undecryptable(getattr(instance, self.attname, None)):
            return
        super().save_form_data(instance, data)

    def get_lookup(self, lookup_name):
        if lookup_name != "isnull":  # ciphertexts differ each time: search the hash field instead
            return None
        return super().get_lookup(lookup_name)


def mask_id_number(value):
    """3201**********1234; UNDECRYPTABLE stays as it is."""
    if not value:
        return ""
    if value == UNDECRYPTABLE:
        return UNDECRYPTABLE
    return value[:4] + "*" * max(len(value) - 8, 0) + value[-4:] if len(value) > 8 else "*" * len(value)


def mask_phone(value):
    """138****5678; UNDECRYPTABLE stays as it is."""
    if not value:
        return ""
    if value == UNDECRYPTABLE:
        return UNDECRYPTABLE
    return value[:3] + "*" * max(len(value) - 7, 0) + value[-4:] if len(value) > 7 else "*" * len(value)


# --- the key check --------------------------------------------------------------------------------


class KeyCheck(NamedTuple):
    sampled: int  # stored values tried
    failures: list  # (model label, field name, pk) of those the keys cannot decrypt


def encrypted_fields():
    """[(model, [EncryptedCharField])] of every installed model that has such a field."""
    from django.apps import apps

    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedCharField)]
        if fields:
            found.append((model, fields))
    return found


def check_stored_keys(per_field=5, using="default") -> KeyCheck:
    """Try the configured keys on the newest `per_field` non-empty stored values of every
    EncryptedCharField (one query per field). A model whose table does not exist yet (a database
    not migrated) has nothing to check. Database errors (unreachable) propagate."""
    from django.db import connections
    from django.db.models import TextField
    from django.db.models.functions import Cast

    connection = connections[using]
    tables = set(connection.introspection.table_names())
    sampled, failures = 0, []
    for model, fields in encrypted_fields():
        if model._meta.db_table not in tables:
            continue
        for field in fields:
            # the stored text itself: the field's own lookups refuse anything but isnull, and
            # reading the field would decrypt it
            rows = (
                model._base_manager.using(using)
                .annotate(_stored=Cast(field.attname, output_field=TextField()))
                .filter(_stored__gt="")
                .order_by("-pk")
                .values_list("pk", "_stored")[:per_field]
            )
            for pk, stored in rows:
                sampled += 1
                try:
                    decrypt(stored)
                except ValueError:
                    failures.append((model._meta.label, field.name, pk))
    return KeyCheck(sampled, failures)


def undecryptable_samples(per_field=5):
    """(model label, field name, pk) of the sampled stored values (the newest `per_field` of
    each EncryptedCharField) that the configured keys cannot decrypt; [] when all decrypt."""
    return check_stored_keys(per_field).failures

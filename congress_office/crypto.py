"""Encryption at rest for personal data (ID numbers, phones) with `cryptography`'s Fernet, and
keyed hashes to find equal values without decrypting.

Keys: settings.FIELD_ENCRYPTION_KEYS (urlsafe base64 Fernet keys; the first encrypts, all
decrypt, so a new key can be put first and old rows still read) and PERSONAL_DATA_HASH_KEY.
Production refuses to start without them; elsewhere they are derived from SECRET_KEY.
"""

import base64
import functools
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models


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
    except InvalidToken:
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


class EncryptedCharField(models.TextField):
    """Stores Fernet ciphertext; reads back plain text. Not searchable: pair it with a hash field."""

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return encrypt(value) if value else value

    def get_lookup(self, lookup_name):
        if lookup_name != "isnull":  # ciphertexts differ each time: search the hash field instead
            return None
        return super().get_lookup(lookup_name)


def mask_id_number(value):
    """3201**********1234"""
    if not value:
        return ""
    return value[:4] + "*" * max(len(value) - 8, 0) + value[-4:] if len(value) > 8 else "*" * len(value)


def mask_phone(value):
    """138****5678"""
    if not value:
        return ""
    return value[:3] + "*" * max(len(value) - 7, 0) + value[-4:] if len(value) > 7 else "*" * len(value)

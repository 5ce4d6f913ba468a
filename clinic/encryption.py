"""Health information encrypted at rest, field by field (Fernet: AES-128-CBC with an HMAC, from
the `cryptography` package).

Keys come from the environment: HEALTH_DATA_KEYS, a comma-separated list of Fernet keys
(`python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`),
newest first. Data is written with the first and read with any, so a key is rotated by putting
a new one in front and running `manage.py reencrypt_health_data`, then dropping the old one.
Without HEALTH_DATA_KEYS a key is derived from SECRET_KEY, so a fresh checkout runs; production
should set its own, kept apart from SECRET_KEY (a leaked SECRET_KEY then exposes no answers).

A database dump, a backup or a replica holds only ciphertext; the application decrypts a value
for the one person allowed to see it, when they look.
"""

import base64
import hashlib
import json
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


@cache
def _fernet() -> MultiFernet:
    keys = [key.strip() for key in settings.HEALTH_DATA_KEYS if key.strip()]
    if not keys:
        derived = hashlib.sha256(b"clinic-health-data:" + settings.SECRET_KEY.encode()).digest()
        keys = [base64.urlsafe_b64encode(derived).decode()]
    return MultiFernet([Fernet(key) for key in keys])


def encrypt_json(value) -> str:
    return _fernet().encrypt(json.dumps(value, ensure_ascii=False).encode()).decode()


def decrypt_json(token: str, default=None):
    """The value `encrypt_json` stored; `default` for an empty field. A token no key opens is
    an error (a key was dropped too soon), never silently empty data."""
    if not token:
        return default
    try:
        return json.loads(_fernet().decrypt(token.encode()))
    except InvalidToken as error:
        raise ValueError("Health data cannot be decrypted with HEALTH_DATA_KEYS") from error


def rotate(token: str) -> str:
    """`token` re-encrypted with the newest key."""
    return _fernet().rotate(token.encode()).decode() if token else token


def clear_key_cache() -> None:
    _fernet.cache_clear()

"""Helpers the models share: unguessable tokens and the range functions the exclusion
constraints use (referenced by migrations as `bookings.models.<name>`)."""

import secrets

from django.contrib.postgres.fields import BigIntegerRangeField, DateTimeRangeField
from django.db.models import Func


def new_token() -> str:
    # 32 random bytes = 256 bits, URL-safe: unguessable in any number of tries.
    return secrets.token_urlsafe(32)


class Int8Range(Func):
    function = "int8range"
    output_field = BigIntegerRangeField()


class TsTzRange(Func):
    function = "tstzrange"
    output_field = DateTimeRangeField()

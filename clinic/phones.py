"""Phone numbers: stored in E.164 (`+16508156552`), shown in their country's international format
(`+1 650-815-6552`, `+33 7 84 26 43 52`), dialled from `tel:` links in E.164.

A number typed without its country code is read in the region given (the patient's country
choice, else the page's language's country), and when it is not a possible number there, in the
regions of the clinic's own numbers: a French patient's `06 12 34 56 78` on the English site is
still found to be French when exactly one of those regions makes it a valid number.
"""

import functools
from collections.abc import Iterable

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# The countries a patient can pick beside the phone field; any other number is typed with its +code.
COUNTRY_CHOICES = [
    ("US", _("United States")),
    ("CA", _("Canada")),
    ("FR", _("France")),
    ("BE", _("Belgium")),
    ("CH", _("Switzerland")),
    ("GB", _("United Kingdom")),
    ("DE", _("Germany")),
    ("ES", _("Spain")),
    ("IT", _("Italy")),
    ("MX", _("Mexico")),
]

MESSAGES = {
    "invalid": _(
        "Enter a phone number we can call, e.g. (650) 815-6552, 06 12 34 56 78 "
        "or +33 6 12 34 56 78."
    ),
    "no_country": _(
        "We could not tell which country this number is in: choose the country or start with + "
        "and the country code."
    ),
}


def parse_phone(text: str, *, region: str | None = None, fallbacks: Iterable[str] = ()) -> str:
    """`text` as E.164, or a ValidationError (codes "invalid", "no_country") saying what to fix."""
    text = (text or "").strip()
    if not text or len(text) > 40:
        raise ValidationError(MESSAGES["invalid"], code="invalid")
    if text.startswith("00"):
        text = "+" + text[2:]  # the international prefix most of the world dials
    international = text.startswith("+")
    regions = [region] if region else []
    regions += [code for code in fallbacks if code not in regions]
    found = set()
    for code in [None] if international else regions:
        try:
            number = phonenumbers.parse(text, code)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            if international or code == region:
                return _e164(number)
            found.add(_e164(number))
    if len(found) == 1:
        return found.pop()
    if len(found) > 1:
        raise ValidationError(MESSAGES["no_country"], code="no_country")
    raise ValidationError(MESSAGES["invalid"], code="invalid")


def _e164(number: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@functools.lru_cache(maxsize=1024)
def format_phone(e164: str) -> str:
    """E.164 in its country's international format; anything unparseable is shown as stored.
    Remembered: the clinic's own numbers are formatted on every page and in every email."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


@functools.lru_cache(maxsize=1024)
def phone_region(e164: str) -> str | None:
    """The country (ISO 3166 code) of an E.164 number, e.g. "FR"."""
    try:
        return phonenumbers.region_code_for_number(phonenumbers.parse(e164, None))
    except phonenumbers.NumberParseException:
        return None


def tel_href(e164: str) -> str:
    return "tel:" + e164


def validate_e164(value: str) -> None:
    """Model validator: stored numbers are E.164 and valid."""
    if not value:
        return
    if parse_phone(value) != value:
        raise ValidationError(
            _("Store the number in E.164, e.g. %(example)s."),
            code="not_e164",
            params={"example": "+16508156552"},
        )

"""schema.org JSON-LD for the clinic itself (the home and find-us pages): a MedicalClinic with its
address, position, phones, email and opening hours, so a search engine can show them.

Physiotherapy and Musculoskeletal are members of schema.org's MedicalSpecialty enumeration
(there is no "sports medicine" member; PhysicalTherapy is a therapy, not a kind of business).
"""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.safestring import SafeString, mark_safe

from clinic.hours import upcoming_closures, weekly_blocks
from clinic.models import ClinicProfile

SCHEMA = "https://schema.org/"
SPECIALTIES = [SCHEMA + "Physiotherapy", SCHEMA + "Musculoskeletal"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
# As Django's json_script: inside <script> the data may not close the element or open a comment.
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def clinic_data(profile: ClinicProfile, url: str) -> dict:
    """The JSON-LD structure: three queries (hours, closures; the profile is given)."""
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalClinic",
        "name": profile.name,
        "url": url,
        "medicalSpecialty": SPECIALTIES,
    }
    if profile.tagline:
        data["description"] = profile.tagline
    address = {
        key: value
        for key, value in [
            ("streetAddress", profile.street_address),
            ("addressLocality", profile.city),
            ("addressRegion", profile.region),
            ("postalCode", profile.postal_code),
            ("addressCountry", profile.country),
        ]
        if value
    }
    if profile.street_address or profile.city:
        data["address"] = {"@type": "PostalAddress", **address}
    if profile.latitude is not None and profile.longitude is not None:
        data["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": float(profile.latitude),
            "longitude": float(profile.longitude),
        }
    if profile.map_url:
        data["hasMap"] = profile.map_url
    phones = [phone["e164"] for phone in profile.phones]
    if phones:
        data["telephone"] = phones[0] if len(phones) == 1 else phones
    if profile.email:
        data["email"] = profile.email
    blocks = weekly_blocks()
    if blocks is not None:
        data["openingHoursSpecification"] = [
            {
                "@type": "OpeningHoursSpecification",
                "dayOfWeek": SCHEMA + DAYS[weekday],
                "opens": f"{opens:%H:%M}",
                "closes": f"{closes:%H:%M}",
            }
            for weekday in range(7)
            for opens, closes in blocks[weekday]
        ]
        # Closed days, as schema.org writes them: opening and closing at midnight.
        closed = [
            {
                "@type": "OpeningHoursSpecification",
                "validFrom": closure.first_day.isoformat(),
                "validThrough": closure.last_day.isoformat(),
                "opens": "00:00",
                "closes": "00:00",
            }
            for closure in upcoming_closures()
        ]
        if closed:
            data["specialOpeningHoursSpecification"] = closed
    return data


def clinic_json_ld(profile: ClinicProfile, url: str) -> SafeString:
    """The JSON text, safe to put between <script type="application/ld+json"> tags."""
    text = json.dumps(clinic_data(profile, url), cls=DjangoJSONEncoder, ensure_ascii=False)
    return mark_safe(text.translate(_SCRIPT_ESCAPES))  # noqa: S308 - <, >, & escaped above

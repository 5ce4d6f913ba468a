"""The clinic as schema.org JSON-LD on the home and find-us pages, read back with json.loads."""

import json
import re
from datetime import time, timedelta
from decimal import Decimal

import pytest

from clinic.clock import local_today
from clinic.models import ClinicProfile, Closure, OpeningHours

pytestmark = pytest.mark.django_db

SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)


def json_ld(response) -> dict:
    (text,) = SCRIPT.findall(response.content.decode())
    return json.loads(text)


@pytest.fixture
def profile():
    profile = ClinicProfile.objects.get()
    profile.street_address = "1200 Main Street, Suite 3"
    profile.city = "San Mateo"
    profile.region = "CA"
    profile.postal_code = "94401"
    profile.country = "US"
    profile.email = "hello@example.com"
    profile.save()
    return profile


@pytest.fixture
def week():
    OpeningHours.objects.bulk_create(
        [OpeningHours(weekday=day, opens=time(8), closes=time(19)) for day in range(5)]
        + [
            OpeningHours(weekday=5, opens=time(9), closes=time(13)),
            OpeningHours(weekday=5, opens=time(14), closes=time(16, 30)),
        ]
    )


@pytest.mark.parametrize("path", ["/", "/find-us/"])
def test_it_describes_the_clinic_with_address_phones_and_email(client, profile, path):
    data = json_ld(client.get(path))
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "MedicalClinic"
    assert data["medicalSpecialty"] == [
        "https://schema.org/Physiotherapy",
        "https://schema.org/Musculoskeletal",
    ]
    assert data["name"] == profile.name
    assert data["url"] == "http://testserver/"
    assert data["address"] == {
        "@type": "PostalAddress",
        "streetAddress": "1200 Main Street, Suite 3",
        "addressLocality": "San Mateo",
        "addressRegion": "CA",
        "postalCode": "94401",
        "addressCountry": "US",
    }
    assert data["telephone"] == ["+16508156552", "+33784264352"]
    assert data["email"] == "hello@example.com"


def test_the_french_home_page_points_at_the_french_site(client, profile):
    data = json_ld(client.get("/fr/"))
    assert data["url"] == "http://testserver/fr/"
    assert data["description"] == "Prévention et rééducation des blessures du sport"


def test_it_has_geo_only_when_latitude_and_longitude_are_set(client, profile):
    assert "geo" not in json_ld(client.get("/find-us/"))
    profile.latitude = Decimal("37.5630")
    profile.longitude = Decimal("-122.3255")
    profile.save()
    assert json_ld(client.get("/find-us/"))["geo"] == {
        "@type": "GeoCoordinates",
        "latitude": 37.563,
        "longitude": -122.3255,
    }


def test_it_lists_every_opening_block_per_day(client, profile, week):
    specs = json_ld(client.get("/find-us/"))["openingHoursSpecification"]
    assert len(specs) == 7
    assert specs[0] == {
        "@type": "OpeningHoursSpecification",
        "dayOfWeek": "https://schema.org/Monday",
        "opens": "08:00",
        "closes": "19:00",
    }
    saturday = [s for s in specs if s["dayOfWeek"] == "https://schema.org/Saturday"]
    assert [(s["opens"], s["closes"]) for s in saturday] == [("09:00", "13:00"), ("14:00", "16:30")]
    assert not any(s["dayOfWeek"].endswith("Sunday") for s in specs)


def test_closures_are_special_hours_closed_all_day(client, profile, week):
    day = local_today() + timedelta(days=10)
    Closure.objects.create(first_day=day, last_day=day + timedelta(days=1), reason="Holiday")
    (closed,) = json_ld(client.get("/find-us/"))["specialOpeningHoursSpecification"]
    assert closed == {
        "@type": "OpeningHoursSpecification",
        "validFrom": day.isoformat(),
        "validThrough": (day + timedelta(days=1)).isoformat(),
        "opens": "00:00",
        "closes": "00:00",
    }


def test_without_hours_or_address_it_says_only_what_is_known(client):
    ClinicProfile.objects.update(street_address="", city="", email="", second_phone="")
    data = json_ld(client.get("/find-us/"))
    assert "address" not in data and "email" not in data
    assert "openingHoursSpecification" not in data
    assert data["telephone"] == "+16508156552"


def test_text_cannot_close_the_script_element(client, profile):
    profile.name = "Sports </script><script>alert(1)</script> & Spine"
    profile.save()
    body = client.get("/").content.decode()
    assert "</script><script>alert(1)" not in body
    assert json_ld(client.get("/"))["name"] == "Sports </script><script>alert(1)</script> & Spine"


def test_the_cached_home_page_shows_new_hours_at_once(client, profile):
    assert "openingHoursSpecification" not in json_ld(client.get("/"))
    assert "openingHoursSpecification" not in json_ld(client.get("/"))  # from the page cache
    OpeningHours.objects.create(weekday=0, opens=time(7), closes=time(12))
    (monday,) = json_ld(client.get("/"))["openingHoursSpecification"]
    assert monday["opens"] == "07:00"

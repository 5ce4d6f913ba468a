"""Patients' phone numbers: typed any usual way with a country beside them, stored in E.164,
shown in their country's international format wherever staff or the patient read them."""

from datetime import datetime, time

import pytest

from bookings.forms import PatientDetailsForm, format_start
from bookings.models import Appointment, Patient
from bookings.views import SESSION_DETAILS
from clinic.models import ClinicProfile
from tests.bookings.conftest import LA, confirm_form, make_appointment, next_weekday_after

pytestmark = pytest.mark.django_db

DETAILS = {"name": "Pat Example", "email": "pat@example.com", "reason": ""}
US_OR_FRANCE = {"default_region": "US", "fallbacks": ["US", "FR"]}


@pytest.fixture
def start():
    return datetime.combine(next_weekday_after(5, weekday=1), time(10), tzinfo=LA)


@pytest.fixture
def query(alex, follow_up, start):
    return f"?service=follow-up&therapist={alex.pk}&start={format_start(start)}"


@pytest.mark.parametrize(
    ("country", "typed", "stored"),
    [
        ("US", "(650) 555-0100", "+16505550100"),
        ("US", "650.555.0100", "+16505550100"),
        ("US", "+1 650 555 0100", "+16505550100"),
        ("FR", "06 12 34 56 78", "+33612345678"),
        ("FR", "+33 6 12 34 56 78", "+33612345678"),
        ("FR", "0033 6 12 34 56 78", "+33612345678"),
        ("US", "+33 6 12 34 56 78", "+33612345678"),  # the + says where, whatever is chosen
        ("US", "06 12 34 56 78", "+33612345678"),  # not a US number; the clinic's French one
        ("FR", "(650) 555-0100", "+16505550100"),  # not French; the clinic's US one
    ],
)
def test_it_stores_what_was_typed_in_e164(country, typed, stored):
    form = PatientDetailsForm({**DETAILS, "phone_country": country, "phone": typed}, **US_OR_FRANCE)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["phone"] == stored


@pytest.mark.parametrize("typed", ["12345", "call me", "+33 1", "555 0100 555 0100 5555"])
def test_an_impossible_number_is_a_form_error(typed):
    form = PatientDetailsForm({**DETAILS, "phone_country": "US", "phone": typed}, **US_OR_FRANCE)
    assert not form.is_valid()
    assert form.errors["phone"] == [
        "Enter a phone number we can call, e.g. (650) 815-6552, 06 12 34 56 78 or "
        "+33 6 12 34 56 78."
    ]


def test_the_booking_flow_stores_e164_and_shows_it_formatted(
    client, query, mailoutbox, django_capture_on_commit_callbacks
):
    response = client.post(
        f"/book/details/{query}", {**DETAILS, "phone_country": "US", "phone": "06 12 34 56 78"}
    )
    assert response.status_code == 302
    assert client.session[SESSION_DETAILS]["phone"] == "+33612345678"
    # Back on the details page ("Change your details"), it reads as people write it.
    details = client.get(f"/book/details/{query}").content.decode()
    assert 'value="+33 6 12 34 56 78"' in details
    review = client.get(f"/book/review/{query}").content.decode()
    assert "<dd>+33 6 12 34 56 78</dd>" in review
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/book/review/{query}", confirm_form(review))
    appointment = Appointment.objects.get()
    assert appointment.patient_phone == "+33612345678"
    assert appointment.patient.phone == "+33612345678"


def test_a_bad_number_is_shown_with_what_was_typed_and_nothing_is_kept(client, query):
    response = client.post(
        f"/book/details/{query}", {**DETAILS, "phone_country": "FR", "phone": "06 12 34"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Enter a phone number we can call" in body
    assert 'value="06 12 34"' in body  # what the patient typed, to correct
    assert '<option value="FR" selected>France</option>' in body
    assert 'value="Pat Example"' in body
    assert SESSION_DETAILS not in client.session
    assert not Appointment.objects.exists() and not Patient.objects.exists()


def test_the_country_follows_the_page_language_then_the_clinics(client, query):
    english = client.get(f"/book/details/{query}").content.decode()
    assert '<option value="US" selected>United States</option>' in english
    french = client.get(f"/fr/book/details/{query}").content.decode()
    assert '<option value="FR" selected>France</option>' in french
    assert "Pays" in french
    profile = ClinicProfile.load()
    profile.country = "CA"
    profile.save()
    assert (
        '<option value="CA" selected>Canada</option>'
        in client.get(f"/book/details/{query}").content.decode()
    )


def test_a_french_number_typed_on_the_french_page_needs_no_country(client, query):
    response = client.post(f"/fr/book/details/{query}", {**DETAILS, "phone": "07 84 26 43 52"})
    assert response.status_code == 302
    assert client.session[SESSION_DETAILS]["phone"] == "+33784264352"


def test_the_french_error_is_in_french(client, query):
    response = client.post(
        f"/fr/book/details/{query}", {**DETAILS, "phone_country": "FR", "phone": "123"}
    )
    assert "Entrez un numéro de téléphone où vous joindre" in response.content.decode()


@pytest.fixture
def desk_client(client, front_desk_user):
    client.force_login(front_desk_user)
    return client


def test_the_schedule_shows_phones_formatted_and_old_ones_as_typed(
    desk_client, alex, follow_up, start
):
    new = make_appointment(therapist=alex, service=follow_up, starts_at=start)
    Appointment.objects.filter(pk=new.pk).update(patient_phone="+33612345678")
    old = make_appointment(
        therapist=alex, service=follow_up, starts_at=start.replace(hour=11), email="o@example.com"
    )
    Appointment.objects.filter(pk=old.pk).update(patient_phone="ask at desk, ext. 12")
    day = desk_client.get(f"/schedule/?date={start.date()}").content.decode()
    assert '<a href="tel:+33612345678">+33 6 12 34 56 78</a>' in day
    assert "ask at desk, ext. 12" in day
    detail = desk_client.get(f"/schedule/appointments/{new.pk}/").content.decode()
    assert "+33 6 12 34 56 78" in detail


def test_the_admin_lists_phones_formatted(desk_client, alex, follow_up, start):
    appointment = make_appointment(therapist=alex, service=follow_up, starts_at=start)
    Appointment.objects.filter(pk=appointment.pk).update(patient_phone="+33612345678")
    Patient.objects.update(phone="+16505550100")
    listing = desk_client.get("/admin/bookings/appointment/").content.decode()
    assert "+33 6 12 34 56 78" in listing
    patients = desk_client.get("/admin/bookings/patient/").content.decode()
    assert "+1 650-555-0100" in patients


def test_the_front_desk_types_a_patients_phone_any_usual_way(desk_client):
    response = desk_client.post(
        "/admin/bookings/patient/add/",
        {"name": "Caller", "email": "caller@example.com", "phone": "06 12 34 56 78"},
    )
    assert response.status_code == 302, response.content.decode()
    assert Patient.objects.get().phone == "+33612345678"
    refused = desk_client.post(
        "/admin/bookings/patient/add/",
        {"name": "Other", "email": "other@example.com", "phone": "12"},
    )
    assert refused.status_code == 200
    assert "Enter a phone number we can call" in refused.content.decode()
    assert Patient.objects.count() == 1


def test_the_admin_finds_a_stored_phone_searched_as_people_say_it(
    desk_client, alex, follow_up, start
):
    appointment = make_appointment(therapist=alex, service=follow_up, starts_at=start)
    Appointment.objects.filter(pk=appointment.pk).update(patient_phone="+33612345678")
    Patient.objects.update(phone="+33612345678")
    other = make_appointment(
        therapist=alex, service=follow_up, starts_at=start.replace(hour=11), email="o@example.com"
    )
    listing = desk_client.get("/admin/bookings/appointment/?q=06+12+34+56+78").content.decode()
    assert f"/admin/bookings/appointment/{appointment.pk}/change/" in listing
    assert f"/admin/bookings/appointment/{other.pk}/change/" not in listing
    patients = desk_client.get("/admin/bookings/patient/?q=%2B33+6+12+34+56+78").content.decode()
    assert "+33 6 12 34 56 78" in patients and "o@example.com" not in patients

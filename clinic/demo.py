"""The demo clinic's front door for `manage.py load_demo`: a clearly fake address, how to get
there, opening hours, one coming closure and the default pages.

A second run changes nothing: each part is filled only while it is empty, so what staff typed
in the admin is kept.
"""

from datetime import date, time, timedelta
from decimal import Decimal

from django.utils import timezone, translation

from clinic.clock import local_today
from clinic.default_pages import ensure_default_pages
from clinic.models import ClinicProfile, Closure, OpeningHours, Page

ADDRESS = {
    "street_address": "100 Example Street (demo address)",
    "city": "San Francisco",
    "region": "CA",
    "postal_code": "94110",
    "country": "US",
    "map_url": "https://www.openstreetmap.org/search?query=San%20Francisco%2C%20CA%2094110",
    "latitude": Decimal("37.748800"),
    "longitude": Decimal("-122.415400"),
    "email": "frontdesk@example.com",
}
GETTING_THERE = {
    "directions_en": (
        "Demo text: the entrance is on Example Street, next to the pharmacy. Take the lift to "
        "the 2nd floor; reception is on your left."
    ),
    "directions_fr": (
        "Texte de démonstration\u00a0: l’entrée est sur Example Street, à côté de la pharmacie. "
        "Prenez l’ascenseur jusqu’au 2e\u00a0étage\u00a0; l’accueil est sur votre gauche."
    ),
    "parking_en": (
        "Demo text: street parking (2 hours, paid) on Example Street; a public garage one block "
        "away. Two accessible spaces in front of the entrance."
    ),
    "parking_fr": (
        "Texte de démonstration\u00a0: stationnement payant dans la rue (2\u00a0heures) sur "
        "Example Street\u00a0; un parking public à une rue. Deux places réservées aux personnes "
        "handicapées devant l’entrée."
    ),
    "public_transport_en": (
        "Demo text: BART 24th St Mission station, 5 minutes' walk; Muni bus 14 and 49 stop at "
        "the corner."
    ),
    "public_transport_fr": (
        "Texte de démonstration\u00a0: station BART 24th St Mission à 5\u00a0minutes à pied\u00a0; "
        "les bus Muni 14 et 49 s’arrêtent au coin de la rue."
    ),
}
WEEKDAY_HOURS = (time(8), time(19))
SATURDAY_HOURS = (time(9), time(13))
DEMO_CLOSURE = " (demo closure)"
DEMO_CLOSURE_FR = " (fermeture de démonstration)"


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th `weekday` (0 = Monday) of the month; n = -1 for the last one."""
    if n < 0:
        last = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def _holidays(year: int) -> list[tuple[date, str, str]]:
    return [
        (date(year, 1, 1), "New Year's Day", "Jour de l’an"),
        (_nth_weekday(year, 5, 0, -1), "Memorial Day", "Memorial Day"),
        (date(year, 7, 4), "Independence Day", "Fête nationale américaine"),
        (_nth_weekday(year, 9, 0, 1), "Labor Day", "Fête du travail"),
        (_nth_weekday(year, 11, 3, 4), "Thanksgiving", "Thanksgiving"),
        (date(year, 12, 25), "Christmas Day", "Noël"),
    ]


def next_public_holiday(today: date) -> tuple[date, str, str]:
    """The next US public holiday the clinic closes for, after `today`."""
    candidates = _holidays(today.year) + _holidays(today.year + 1)
    return min(candidate for candidate in candidates if candidate[0] > today)


def load(command) -> None:
    profile = ClinicProfile.objects.order_by("pk").first()
    if profile is None:
        profile = ClinicProfile.objects.create(**ClinicProfile.DEFAULTS)
    changed = [
        name
        for name, value in {**ADDRESS, **GETTING_THERE}.items()
        if getattr(profile, name) in ("", None)
    ]
    for name in changed:
        setattr(profile, name, {**ADDRESS, **GETTING_THERE}[name])
    if changed:
        profile.save(update_fields=[*changed, "updated_at"])

    if not OpeningHours.objects.exists():
        OpeningHours.objects.bulk_create(
            [
                OpeningHours(weekday=day, opens=WEEKDAY_HOURS[0], closes=WEEKDAY_HOURS[1])
                for day in range(5)
            ]
            + [OpeningHours(weekday=5, opens=SATURDAY_HOURS[0], closes=SATURDAY_HOURS[1])]
        )

    today = local_today()
    if not Closure.objects.filter(reason_en__endswith=DEMO_CLOSURE, last_day__gte=today).exists():
        day, name_en, name_fr = next_public_holiday(today)
        with translation.override("en"):  # `reason` is the active language's column
            Closure.objects.create(
                first_day=day,
                last_day=day,
                reason=name_en + DEMO_CLOSURE,
                reason_en=name_en + DEMO_CLOSURE,
                reason_fr=name_fr + DEMO_CLOSURE_FR,
            )

    created = ensure_default_pages(Page, now=timezone.now())
    command.stdout.write(
        "Clinic demo: demo address, hours Mon–Fri 8:00–19:00 and Sat 9:00–13:00, one demo "
        f"closure; {created} default page{'s' if created != 1 else ''} created."
    )

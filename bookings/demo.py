"""Demo services, therapists, hours and staff logins for `manage.py load_demo`.

A second run changes nothing. No demo appointments or patients: nothing that looks like a real
person's health data. One login of each kind: a therapist per demo therapist (group Therapists),
`demo-frontdesk` (Front desk) and `demo-editor` (Content editors); the groups come from
migration bookings 0004.
"""

from datetime import time
from decimal import Decimal

from bookings import permissions
from bookings.intake_questions import ensure_default_questions
from bookings.models import BookingRules, IntakeQuestion, Service, Therapist, WorkingHours

SERVICES = [
    {
        "slug": "initial-assessment",
        "name_en": "Initial assessment",
        "name_fr": "Bilan initial",
        "duration_minutes": 60,
        "buffer_minutes": 15,
        "price": Decimal("140.00"),
        "order": 1,
        "needs_intake": True,
        "description_en": "A first visit: history, examination, a diagnosis and a treatment plan.",
        "description_fr": (
            "Une première séance\u00a0: vos antécédents, un examen, un diagnostic et un plan "
            "de traitement."
        ),
    },
    {
        "slug": "follow-up",
        "name_en": "Follow-up",
        "name_fr": "Séance de suivi",
        "duration_minutes": 30,
        "buffer_minutes": 10,
        "price": Decimal("85.00"),
        "order": 2,
        "description_en": "Treatment and progress check for patients already assessed.",
        "description_fr": "Soins et point sur vos progrès, après un premier bilan.",
    },
    {
        "slug": "sports-massage",
        "name_en": "Sports massage",
        "name_fr": "Massage sportif",
        "duration_minutes": 45,
        "buffer_minutes": 15,
        "price": Decimal("95.00"),
        "order": 3,
        "online_course_max_visits": 6,
        "description_en": "Soft tissue massage for recovery, tightness and cramps.",
        "description_fr": (
            "Massage des tissus mous pour la récupération, les tensions et les crampes."
        ),
    },
]

MORNING = (time(9), time(12, 30))
AFTERNOON = (time(13, 30), time(17, 30))

THERAPISTS = [
    {
        "username": "demo-therapist-alex",
        "display_name": "Demo: Alex Rivera",
        "credentials": "DPT",
        "licence_number": "DEMO-PT-0001",
        "languages": "English, Spanish",
        "special_interests_en": "Demo profile: running injuries, calf and shin pain.",
        "special_interests_fr": (
            "Profil de démonstration\u00a0: blessures de course, mollet et tibia."
        ),
        "bio_en": "Demo therapist (sample profile). Running and lower-leg injuries.",
        "bio_fr": (
            "Thérapeute de démonstration (profil fictif). Blessures de course à pied et du bas "
            "de la jambe."
        ),
        "services": ["initial-assessment", "follow-up", "sports-massage"],
        "weekdays": [0, 1, 2, 3, 4],
    },
    {
        "username": "demo-therapist-sam",
        "display_name": "Demo: Sam Okafor",
        "credentials": "PT, OCS",
        "licence_number": "DEMO-PT-0002",
        "languages": "English, French",
        "special_interests_en": "Demo profile: knee and ankle rehabilitation after surgery.",
        "special_interests_fr": (
            "Profil de démonstration\u00a0: rééducation du genou et de la cheville après une "
            "opération."
        ),
        "bio_en": "Demo therapist (sample profile). Knee and ankle rehabilitation.",
        "bio_fr": (
            "Thérapeute de démonstration (profil fictif). Rééducation du genou et de la cheville."
        ),
        "services": ["initial-assessment", "follow-up"],
        "weekdays": [0, 2, 4, 5],
    },
    {
        "username": "demo-therapist-jordan",
        "display_name": "Demo: Jordan Lee",
        "credentials": "LMT",
        "licence_number": "",
        "languages": "English",
        "special_interests_en": "Demo profile: sports massage for recovery and cramps.",
        "special_interests_fr": (
            "Profil de démonstration\u00a0: massage sportif pour la récupération et les crampes."
        ),
        "bio_en": "Demo massage therapist (sample profile).",
        "bio_fr": "Massothérapeute de démonstration (profil fictif).",
        "services": ["sports-massage", "follow-up"],
        "weekdays": [1, 3, 5],
    },
]


# What the team page shows, in both languages; no photos (the page shows initials).
TEAM_PAGE_FIELDS = [
    "licence_number",
    "languages",
    "special_interests_en",
    "special_interests_fr",
    "bio_en",
    "bio_fr",
]

STAFF = [
    ("demo-frontdesk", permissions.FRONT_DESK, "front desk (every schedule, bookings admin)"),
    ("demo-editor", permissions.CONTENT_EDITORS, "content editor (condition articles)"),
]


def load(command) -> None:
    groups = permissions.ensure_staff_groups()
    rules = BookingRules.objects.order_by("pk").first() or BookingRules.objects.create()
    command.stdout.write(
        f"Booking rules: {rules.minimum_notice_minutes} min notice, {rules.horizon_days} days "
        f"ahead, {rules.cancellation_cutoff_hours} h cut-off, {rules.slot_step_minutes} min step"
    )
    added = ensure_default_questions(IntakeQuestion)
    if added:
        command.stdout.write(f"Intake questionnaire: {added} built-in questions")
    services = {}
    for fields in SERVICES:
        slug = fields["slug"]
        defaults = {key: value for key, value in fields.items() if key != "slug"}
        services[slug], created = Service.objects.get_or_create(slug=slug, defaults=defaults)
        if not created and not services[slug].name_fr:  # a demo from before French
            Service.objects.filter(pk=services[slug].pk).update(
                name_fr=fields["name_fr"], description_fr=fields["description_fr"]
            )
    for spec in THERAPISTS:
        user = command.ensure_user(
            spec["username"],
            f"{spec['username']}-password",
            role=f"therapist ({spec['display_name']}): /schedule/",
            staff=False,
        )
        user.groups.add(groups[permissions.THERAPISTS])
        profile = {name: spec[name] for name in TEAM_PAGE_FIELDS}
        therapist, created = Therapist.objects.get_or_create(
            display_name=spec["display_name"],
            defaults={"credentials": spec["credentials"], "user": user, **profile},
        )
        missing = {name: value for name, value in profile.items() if not getattr(therapist, name)}
        if not created and missing:  # a demo from before the team page
            Therapist.objects.filter(pk=therapist.pk).update(**missing)
        if therapist.user_id is None:
            therapist.user = user
            therapist.save(update_fields=["user", "updated_at"])
        if created:
            therapist.services.set([services[slug] for slug in spec["services"]])
        if not therapist.working_hours.exists():
            WorkingHours.objects.bulk_create(
                WorkingHours(therapist=therapist, weekday=weekday, start_time=start, end_time=end)
                for weekday in spec["weekdays"]
                for start, end in (MORNING, AFTERNOON)
            )
    for username, group_name, role in STAFF:
        user = command.ensure_user(username, f"{username}-password", role=role, staff=True)
        user.groups.add(groups[group_name])
    command.stdout.write(
        f"Bookings demo: {len(services)} services, {len(THERAPISTS)} demo therapists, "
        f"{len(STAFF)} staff logins."
    )

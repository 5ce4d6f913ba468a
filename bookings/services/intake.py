"""The intake questionnaire: opened when a first visit is booked, saved section by section (a draft
on the server after each, so a slow phone loses nothing), changeable until the visit, ended by a
consent to treatment. A "yes" to a warning sign sets the form's flag for the therapist at once.

Answers are read through `read_answers`, which records who looked; they are never logged and
never emailed. `purge_expired_health_data` deletes them HEALTH_DATA_RETENTION_YEARS after the
patient's last visit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from bookings.models import Appointment, IntakeForm, IntakeQuestion, IntakeView, Patient
from bookings.services.common import logger, refusal
from clinic.clock import local
from clinic.encryption import decrypt_json, encrypt_json
from conditions.models import RedFlag

SECTIONS = [choice for choice, _label in IntakeQuestion.Section.choices]
# Most urgent first: the form's flag is the first of these any "yes" reaches.
URGENCY_ORDER = ["emergency", "today", "tell"]
# The library's red flags, as the questionnaire's urgencies.
LIBRARY_URGENCY = {
    RedFlag.Urgency.EMERGENCY: "emergency",
    RedFlag.Urgency.TODAY: "today",
    RedFlag.Urgency.BOOK: "tell",
}
DATE_OF_BIRTH = "date-of-birth"
ADULT_AGE = 18


@dataclass(frozen=True)
class Question:
    """A question as the form asks it: an IntakeQuestion, or one of the red flags of the
    condition the patient booked about (`redflag-<id>`)."""

    key: str
    section: str
    text: str
    help_text: str
    kind: str
    choices: tuple[str, ...]
    required: bool
    urgency: str


def _from_model(question: IntakeQuestion) -> Question:
    urgency = question.urgency
    if question.red_flag_id and not urgency:
        urgency = LIBRARY_URGENCY.get(question.red_flag.urgency, "tell")
    return Question(
        key=question.key,
        section=question.section,
        text=question.text,
        help_text=question.help_text,
        kind=question.kind,
        choices=tuple(question.choice_list),
        required=question.required,
        urgency=urgency,
    )


def ensure_intake(appointment: Appointment) -> IntakeForm | None:
    """The appointment's intake form, made when its service asks for one and the patient has no
    form waiting for another upcoming visit (a course of assessments asks once); else None."""
    if not appointment.service.needs_intake:
        return None
    waiting = IntakeForm.objects.filter(
        appointment__patient_id=appointment.patient_id,
        appointment__status=Appointment.Status.BOOKED,
        appointment__starts_at__gt=timezone.now(),
    ).exclude(appointment=appointment)
    if waiting.exists():
        return None
    form, _created = IntakeForm.objects.get_or_create(appointment=appointment)
    return form


def is_minor(answers: dict, *, on: date) -> bool:
    born = answers.get(DATE_OF_BIRTH)
    if not born:
        return False
    born = date.fromisoformat(born)
    years = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    return years < ADULT_AGE


def questions_for(form: IntakeForm, section: str, *, answers: dict | None = None) -> list[Question]:
    """The questions of `section` for this form's patient, in order. Warning signs add the red
    flags of the condition the patient booked about; guardian questions appear for under-18s."""
    answers = decrypt_answers(form) if answers is None else answers
    minor = is_minor(answers, on=local(form.appointment.starts_at).date())
    questions = [
        _from_model(question)
        for question in IntakeQuestion.objects.active()
        .filter(section=section)
        .select_related("red_flag")
        if minor or not question.minors_only
    ]
    condition_id = form.appointment.condition_id
    if section == IntakeQuestion.Section.SCREENING and condition_id:
        linked = {q.red_flag_id for q in IntakeQuestion.objects.active() if q.red_flag_id}
        for flag in RedFlag.objects.filter(condition_id=condition_id).exclude(pk__in=linked):
            questions.append(
                Question(
                    key=f"redflag-{flag.pk}",
                    section=section,
                    text=flag.sign,
                    help_text=flag.meaning,
                    kind=IntakeQuestion.Kind.YES_NO,
                    choices=(),
                    required=True,
                    urgency=LIBRARY_URGENCY.get(flag.urgency, "tell"),
                )
            )
    return questions


def decrypt_answers(form: IntakeForm) -> dict:
    return decrypt_json(form.answers_encrypted, default={})


def _flag(form: IntakeForm, answers: dict) -> str:
    urgencies = {
        question.urgency
        for section in SECTIONS
        for question in questions_for(form, section, answers=answers)
        if question.urgency and answers.get(question.key) == "yes"
    }
    return next((urgency for urgency in URGENCY_ORDER if urgency in urgencies), "")


def can_change(form: IntakeForm, *, now: datetime) -> bool:
    appointment = form.appointment
    return appointment.status == Appointment.Status.BOOKED and appointment.starts_at > now


@transaction.atomic
def save_section(
    *, form: IntakeForm, section: str, values: dict, now: datetime | None = None
) -> IntakeForm:
    """Keep `values` (question key -> answer, already validated) as the section's answers."""
    now = now or timezone.now()
    form = IntakeForm.objects.select_for_update().select_related("appointment").get(pk=form.pk)
    if not can_change(form, now=now):
        raise refusal("intake_closed")
    answers = decrypt_answers(form)
    for question in questions_for(form, section, answers={**answers, **values}):
        value = values.get(question.key)
        if value in (None, ""):
            answers.pop(question.key, None)
        else:
            answers[question.key] = value
    form.answers_encrypted = encrypt_json(answers)
    form.flag = _flag(form, answers)
    if section not in form.sections_saved:
        form.sections_saved = [*form.sections_saved, section]
    form.save(update_fields=["answers_encrypted", "flag", "sections_saved", "updated_at"])
    # The appointment id only: never the answers, never the patient.
    logger.info("Intake form %s: section %s saved", form.pk, section)
    return form


def missing_required(form: IntakeForm) -> list[Question]:
    answers = decrypt_answers(form)
    return [
        question
        for section in SECTIONS
        for question in questions_for(form, section, answers=answers)
        if question.required and answers.get(question.key) in (None, "")
    ]


@transaction.atomic
def submit_intake(*, form: IntakeForm, consent: bool, now: datetime | None = None) -> IntakeForm:
    now = now or timezone.now()
    form = IntakeForm.objects.select_for_update().select_related("appointment").get(pk=form.pk)
    if not can_change(form, now=now):
        raise refusal("intake_closed")
    if missing_required(form):
        raise refusal("intake_incomplete")
    if not consent:
        raise refusal("intake_consent")
    form.status = IntakeForm.Status.DONE
    form.consented_at = form.consented_at or now
    form.submitted_at = now
    form.save(update_fields=["status", "consented_at", "submitted_at", "updated_at"])
    logger.info("Intake form %s submitted", form.pk)
    return form


@dataclass(frozen=True)
class Answer:
    question: Question
    value: object

    @property
    def is_flag(self) -> bool:
        return bool(self.question.urgency) and self.value == "yes"


def answers_in_order(form: IntakeForm, answers: dict) -> list[Answer]:
    """Every answered question, the warning signs answered yes first (most urgent first)."""
    rows = [
        Answer(question, answers[question.key])
        for section in SECTIONS
        for question in questions_for(form, section, answers=answers)
        if question.key in answers
    ]
    flags = sorted(
        (row for row in rows if row.is_flag),
        key=lambda row: URGENCY_ORDER.index(row.question.urgency),
    )
    return flags + [row for row in rows if not row.is_flag]


def read_answers(*, form: IntakeForm, viewer) -> list[Answer]:
    """The answers for a member of staff whose access the caller has checked; the view is
    recorded (who, when, which patient) in the same transaction as it is read."""
    with transaction.atomic():
        IntakeView.objects.create(patient_id=form.appointment.patient_id, form=form, viewer=viewer)
        return answers_in_order(form, decrypt_answers(form))


def purge_expired_health_data(*, now: datetime | None = None, years: int | None = None) -> int:
    """Delete the intake forms of patients whose last visit was more than `years` ago
    (HEALTH_DATA_RETENTION_YEARS). Returns how many. Safe to run twice at once."""
    now = now or timezone.now()
    years = years or settings.HEALTH_DATA_RETENTION_YEARS
    cutoff = now - timedelta(days=round(365.25 * years))
    expired_patients = (
        Patient.objects.annotate(last_visit=Max("appointments__starts_at"))
        .filter(last_visit__lt=cutoff)
        .values("pk")
    )
    deleted, _by_model = IntakeForm.objects.filter(
        appointment__patient__in=expired_patients
    ).delete()
    return deleted

"""The health questionnaire before a first visit: its questions (edited by staff), each
appointment's form with the patient's answers (encrypted at rest), and every staff view of them.

The answers are one encrypted JSON object per form (clinic/encryption.py): the database, its
backups and replicas hold ciphertext only. Two plain columns say what staff must see at a glance
without decrypting: the most urgent red flag answered yes, and whether the form is done.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bookings.models.appointments import Appointment, Patient
from bookings.models.base import new_token


class IntakeQuestionQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class IntakeQuestion(models.Model):
    class Kind(models.TextChoices):
        YES_NO = "yes_no", _("Yes or no")
        CHOICE = "choice", _("One of a list")
        TEXT = "text", _("Text")
        NUMBER = "number", _("Number")
        PAIN = "pain", _("Pain scale 0–10")
        DATE = "date", _("Date")

    class Section(models.TextChoices):
        # In the order the form asks them.
        PROBLEM = "problem", _("Your problem")
        SCREENING = "screening", _("Warning signs")
        HISTORY = "history", _("Your health")
        ACTIVITY = "activity", _("Sport and goals")
        CONTACTS = "contacts", _("Contacts")

    class Urgency(models.TextChoices):
        # A "yes" to a screening question: what the patient is told to do, at once.
        EMERGENCY = "emergency", _("Call 911 now")
        TODAY = "today", _("See a doctor today")
        TELL = "tell", _("Tell your therapist")

    key = models.SlugField(max_length=60, unique=True, help_text="A stable name for the answer.")
    section = models.CharField(max_length=10, choices=Section)
    order = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(max_length=300)
    help_text = models.CharField(max_length=300, blank=True)
    kind = models.CharField(max_length=6, choices=Kind)
    choices = models.TextField(blank=True, help_text="For “one of a list”: one choice per line.")
    required = models.BooleanField(default=False)
    urgency = models.CharField(
        max_length=9,
        choices=Urgency,
        blank=True,
        help_text="Yes-or-no warning signs only: what a “yes” means.",
    )
    red_flag = models.ForeignKey(
        "conditions.RedFlag",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="intake_questions",
        help_text="The condition library's red flag this screens for, if any.",
    )
    minors_only = models.BooleanField(
        default=False, help_text="Asked only when the patient is under 18 (a parent or guardian)."
    )
    active = models.BooleanField(default=True)

    objects = IntakeQuestionQuerySet.as_manager()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = "intake question"
        constraints = [
            models.CheckConstraint(
                condition=Q(urgency="") | Q(kind="yes_no"),
                name="bookings_intakequestion_flags_are_yes_no",
                violation_error_message="Only a yes-or-no question can be a warning sign.",
            ),
        ]

    def __str__(self):
        return self.text

    @property
    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


class IntakeForm(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Not finished")
        DONE = "done", _("Done")

    appointment = models.OneToOneField(Appointment, on_delete=models.CASCADE, related_name="intake")
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    status = models.CharField(max_length=4, choices=Status, default=Status.OPEN)
    # {question key: answer}, encrypted (clinic/encryption.py). Never logged, never emailed.
    answers_encrypted = models.TextField(blank=True, editable=False)
    sections_saved = ArrayField(models.CharField(max_length=10), default=list, blank=True)
    # The most urgent warning sign answered "yes" (an IntakeQuestion.Urgency), "" for none.
    flag = models.CharField(max_length=9, blank=True, editable=False)
    consented_at = models.DateTimeField(null=True, blank=True, editable=False)
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "intake form"

    def __str__(self):
        return f"Intake form for appointment {self.appointment_id}"


class IntakeView(models.Model):
    """Who at the clinic looked at a patient's answers, and when. Kept after the answers are
    purged: the record of access outlives the data."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="+")
    form = models.ForeignKey(
        IntakeForm, on_delete=models.SET_NULL, null=True, blank=True, related_name="views"
    )
    viewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    viewed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-viewed_at", "-pk"]
        verbose_name = "view of intake answers"
        verbose_name_plural = "views of intake answers"

    def __str__(self):
        return f"{self.viewer} viewed patient {self.patient_id} at {self.viewed_at:%Y-%m-%d %H:%M}"

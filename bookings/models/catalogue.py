"""What can be booked, with whom and when: booking rules, services, therapists, working hours."""

from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from bookings.models.base import new_token
from clinic.versioned import kept_while_unchanged


class BookingRules(models.Model):
    """The clinic's booking rules: one row, edited by staff in the admin."""

    minimum_notice_minutes = models.PositiveIntegerField(
        default=120, help_text="How long before a time it can still be booked online (minutes)."
    )
    horizon_days = models.PositiveSmallIntegerField(
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(730)],
        help_text="How far ahead patients can book (days).",
    )
    cancellation_cutoff_hours = models.PositiveSmallIntegerField(
        default=24,
        help_text="Patients can cancel or move online until this many hours before the start.",
    )
    slot_step_minutes = models.PositiveSmallIntegerField(
        default=15,
        validators=[MinValueValidator(5), MaxValueValidator(240)],
        help_text="Offered start times are this many minutes apart.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "booking rules"
        verbose_name_plural = "booking rules"

    def __str__(self):
        return "Booking rules"

    @classmethod
    def load(cls) -> "BookingRules":
        """The row staff edit, or the defaults when it is missing (kept between requests while
        the content version stands, which its changes bump: clinic/versioned.py)."""
        return kept_while_unchanged(
            "booking_rules", lambda: cls.objects.order_by("pk").first() or cls()
        )

    @property
    def minimum_notice(self) -> timedelta:
        return timedelta(minutes=self.minimum_notice_minutes)

    @property
    def horizon(self) -> timedelta:
        return timedelta(days=self.horizon_days)

    @property
    def cancellation_cutoff(self) -> timedelta:
        return timedelta(hours=self.cancellation_cutoff_hours)

    @property
    def slot_step(self) -> timedelta:
        return timedelta(minutes=self.slot_step_minutes)


class ServiceQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class Service(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    duration_minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(5), MaxValueValidator(480)]
    )
    buffer_minutes = models.PositiveSmallIntegerField(
        default=0,
        validators=[MaxValueValidator(240)],
        help_text="Time kept free after each appointment (notes, cleaning the room).",
    )
    price = models.DecimalField(max_digits=8, decimal_places=2)
    online_course_max_visits = models.PositiveSmallIntegerField(
        "weekly visits patients may book online",
        default=0,
        validators=[MaxValueValidator(52)],
        help_text="Up to this many weekly visits booked online in one step; 0: staff plan courses.",
    )
    needs_intake = models.BooleanField(
        "needs the health questionnaire",
        default=False,
        help_text="A first visit (an assessment): the patient gets the intake form.",
    )
    active = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gt=0), name="bookings_service_duration_positive"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.duration_minutes)

    @property
    def buffer(self) -> timedelta:
        return timedelta(minutes=self.buffer_minutes)


class TherapistQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def offering(self, service):
        return self.filter(active=True, services=service)


class Therapist(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="therapist",
        help_text="The login this therapist uses to see their own schedule.",
    )
    display_name = models.CharField(max_length=120)
    credentials = models.CharField(max_length=120, blank=True, help_text="e.g. DPT, OCS")
    licence_number = models.CharField(
        max_length=60,
        blank=True,
        help_text="As the licensing board issued it, e.g. PT 123456 (CA).",
    )
    languages = models.CharField(
        "languages spoken", max_length=200, blank=True, help_text="e.g. English, French, Spanish"
    )
    special_interests = models.TextField(
        blank=True, help_text="What they treat most, e.g. running injuries, ACL rehabilitation."
    )
    bio = models.TextField(blank=True)
    services = models.ManyToManyField(Service, related_name="therapists", blank=True)
    active = models.BooleanField(default=True)
    calendar_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TherapistQuerySet.as_manager()

    class Meta:
        ordering = ["display_name"]

    def __str__(self):
        return self.display_name

    @property
    def full_name(self) -> str:
        return f"{self.display_name}, {self.credentials}" if self.credentials else self.display_name


class WorkingHours(models.Model):
    """One block of a therapist's week, in the clinic's wall-clock time; a day may have several."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, "Monday"
        TUESDAY = 1, "Tuesday"
        WEDNESDAY = 2, "Wednesday"
        THURSDAY = 3, "Thursday"
        FRIDAY = 4, "Friday"
        SATURDAY = 5, "Saturday"
        SUNDAY = 6, "Sunday"

    therapist = models.ForeignKey(Therapist, on_delete=models.CASCADE, related_name="working_hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday)
    start_time = models.TimeField()
    end_time = models.TimeField()

    class Meta:
        ordering = ["therapist", "weekday", "start_time"]
        verbose_name_plural = "working hours"
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=F("start_time")),
                name="bookings_workinghours_ends_after_start",
                violation_error_message="The block must end after it starts.",
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6), name="bookings_workinghours_weekday"
            ),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}–{self.end_time:%H:%M}"

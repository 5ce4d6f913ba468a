"""The site-wide rows every app reads: the clinic's identity and the pages' content version."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from clinic.phones import format_phone, phone_region, tel_href, validate_e164
from clinic.versioned import kept_while_unchanged


class ClinicProfile(models.Model):
    """The clinic's public identity, shown in every page's header and footer.

    One row; staff edit it in the admin. `ClinicProfile.load()` falls back to the values from the
    clinic's own letterhead when the row is missing, so the site frame always renders.
    """

    name = models.CharField(max_length=120)
    tagline = models.CharField(max_length=200, blank=True)
    phone = models.CharField(
        "main phone",
        max_length=20,
        validators=[validate_e164],
        help_text="E.164, e.g. +16508156552; shown as +1 650-815-6552.",
    )
    phone_label = models.CharField(max_length=40, blank=True, default="US")
    second_phone = models.CharField(
        max_length=20, blank=True, validators=[validate_e164], help_text="E.164, e.g. +33784264352."
    )
    second_phone_label = models.CharField(max_length=40, blank=True, default="France")
    award_line = models.CharField(
        max_length=200, blank=True, help_text="In the clinic's own words, exactly as awarded."
    )
    email = models.EmailField(
        blank=True, help_text="Public contact address; the contact form's messages go here."
    )
    # Where the clinic is: the footer, the contact page, every patient email and .ics LOCATION.
    street_address = models.CharField(
        max_length=200, blank=True, help_text="e.g. 1200 Main Street, Suite 3"
    )
    city = models.CharField(max_length=100, blank=True)
    region = models.CharField(
        "state or region", max_length=100, blank=True, help_text="e.g. CA (left out if empty)."
    )
    postal_code = models.CharField(max_length=20, blank=True)
    country = models.CharField(
        max_length=2, default="US", help_text="ISO 3166 code, e.g. US or FR."
    )
    map_url = models.URLField(
        "map link",
        blank=True,
        help_text="A link to the clinic on an ordinary map site (nothing is embedded in the page).",
    )
    latitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    directions = models.TextField(blank=True, help_text="How to find the entrance, which floor.")
    parking = models.TextField(blank=True)
    public_transport = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    DEFAULTS = {
        "name": "Sports Medicine",
        "tagline_en": "Sports Injury Prevention & Rehabilitation",
        "phone": "+16508156552",
        "phone_label": "US",
        "second_phone": "+33784264352",
        "second_phone_label": "France",
        "award_line_en": (
            "Voted Best Sports Therapy Clinic in the San Francisco Bay Area 2010-2018!"
        ),
        "tagline_fr": "Prévention et rééducation des blessures du sport",
        "award_line_fr": (
            "Élu meilleur cabinet de kinésithérapie du sport de la baie de San Francisco "
            "de 2010 à 2018\u00a0!"
        ),
    }

    class Meta:
        verbose_name = "clinic profile"
        verbose_name_plural = "clinic profile"

    def __str__(self):
        return self.name

    @classmethod
    def load(cls) -> "ClinicProfile":
        """The row staff edit, or the defaults (kept between requests while the content version
        stands: clinic/versioned.py)."""
        return kept_while_unchanged(
            "clinic_profile", lambda: cls.objects.order_by("pk").first() or cls(**cls.DEFAULTS)
        )

    @property
    def phones(self) -> list[dict]:
        """Each phone as label, its international format and a tel: link in E.164."""
        numbers = [(self.phone_label, self.phone), (self.second_phone_label, self.second_phone)]
        return [
            {
                "label": label,
                "number": format_phone(number),
                "e164": number,
                "href": tel_href(number),
            }
            for label, number in numbers
            if number
        ]

    @property
    def phone_regions(self) -> list[str]:
        """The countries of the clinic's own numbers: where a patient's number is likely from."""
        regions = [phone_region(number) for number in (self.phone, self.second_phone) if number]
        return [region for region in dict.fromkeys([self.country, *regions]) if region]

    @property
    def locality_line(self) -> str:
        """The city line: "San Francisco, CA 94110" in the US, "75011 Paris" elsewhere."""
        if self.country == "US" or self.country == "CA":
            place = ", ".join(part for part in (self.city, self.region) if part)
            return " ".join(part for part in (place, self.postal_code) if part)
        return " ".join(part for part in (self.postal_code, self.city) if part)

    @property
    def address_lines(self) -> list[str]:
        return [line for line in (self.street_address, self.locality_line) if line]

    @property
    def address(self) -> str:
        """The address as lines of text (street, city line)."""
        return "\n".join(self.address_lines)

    @property
    def address_text(self) -> str:
        """The address on one line, for a calendar event's LOCATION."""
        return ", ".join([self.name, *self.address_lines]) if self.address_lines else ""


class OpeningHours(models.Model):
    """One block of the clinic's week, in its wall-clock time; a day may have several.

    A block whose closing time is not after its opening time runs past midnight into the next
    day (e.g. 20:00–02:00). No rows at all means the clinic's hours are not set: only the
    therapists' own hours bound the bookable times.
    """

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    weekday = models.PositiveSmallIntegerField(choices=Weekday)
    opens = models.TimeField()
    closes = models.TimeField(help_text="Earlier than the opening time: open past midnight.")

    class Meta:
        ordering = ["weekday", "opens"]
        verbose_name = "opening hours"
        verbose_name_plural = "opening hours"
        constraints = [
            models.CheckConstraint(
                condition=~Q(closes=F("opens")),
                name="clinic_openinghours_not_empty",
                violation_error_message="The block must close at another time than it opens.",
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6), name="clinic_openinghours_weekday"
            ),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"

    @property
    def past_midnight(self) -> bool:
        return self.closes <= self.opens


class ClosureQuerySet(models.QuerySet):
    def overlapping(self, first_day, last_day):
        return self.filter(first_day__lte=last_day, last_day__gte=first_day)


class Closure(models.Model):
    """Whole days the clinic is closed (holidays): no bookable time on them, whoever works."""

    first_day = models.DateField()
    last_day = models.DateField(help_text="The same as the first day for a single day.")
    reason = models.CharField(max_length=120, help_text="Shown to patients, e.g. Thanksgiving.")

    objects = ClosureQuerySet.as_manager()

    class Meta:
        ordering = ["first_day"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_day__gte=F("first_day")),
                name="clinic_closure_ends_after_start",
                violation_error_message="The last day cannot be before the first.",
            ),
        ]

    def __str__(self):
        if self.first_day == self.last_day:
            return f"{self.reason} ({self.first_day:%Y-%m-%d})"
        return f"{self.reason} ({self.first_day:%Y-%m-%d} to {self.last_day:%Y-%m-%d})"


class PageQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Page.Status.PUBLISHED)


class Page(models.Model):
    """A page staff write in Markdown: the privacy notice, terms, policies, about.

    Each published page has a URL of its own (`/<slug>/`) and is linked from the footer when
    `in_footer`. `version` goes up each time the text changes, so an appointment can record which
    privacy notice its patient agreed to.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    # The pages the site links to by name; staff may add others.
    PRIVACY = "privacy"
    TERMS = "terms"
    CANCELLATION = "cancellation-policy"
    ACCESSIBILITY = "accessibility"
    ABOUT = "about"

    slug = models.SlugField(max_length=80, unique=True, help_text="The page's address: /<slug>/")
    title = models.CharField(max_length=160)
    summary = models.CharField(
        max_length=300, blank=True, help_text="One sentence for search engines and link previews."
    )
    body = models.TextField(help_text="Markdown: ## headings, lists, links. No raw HTML.")
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    in_footer = models.BooleanField("linked from the footer", default=True)
    order = models.PositiveSmallIntegerField(default=0)
    version = models.PositiveIntegerField(default=1, editable=False)
    revised_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When the text last changed."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PageQuerySet.as_manager()

    class Meta:
        ordering = ["order", "title"]

    def __str__(self):
        return self.title


class ContentVersion(models.Model):
    """The version of everything the public pages show: the page cache keys each page by it.

    One row, never written by the application: triggers on every table those pages read set it
    from a sequence in the same transaction as the change (conditions migration 0006), whoever
    writes (the admin, the importer, a shell, raw SQL). A new version is seen only once the change
    commits, and a number is never handed out twice, even by a transaction that rolled back.
    """

    value = models.BigIntegerField()

    class Meta:
        verbose_name = "content version"

    def __str__(self):
        return str(self.value)


class AvailabilityVersion(models.Model):
    """The version of everything free times are computed from: cached slot pages are keyed by it.

    One row, never written by the application: triggers on appointments, hours, time off,
    resources, services, rules and the clinic's hours set it in the same transaction as the
    change (clinic/availability_version.py).
    """

    value = models.BigIntegerField()

    class Meta:
        verbose_name = "availability version"

    def __str__(self):
        return str(self.value)

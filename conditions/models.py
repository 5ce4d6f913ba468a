from datetime import date

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import connection, models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clinic.i18n import content_language

# The text-search configuration of each language's stored vector and every query against it.
SEARCH_CONFIG = "english"
SEARCH_CONFIGS = {"en": "english", "fr": "french"}
# What a list of conditions shows (index, search, related), in every language's columns:
# modeltranslation reads the page's language, or the English where the French is missing.
LIST_FIELDS = (
    *(
        f"{field}_{code}"
        for field in ("title", "slug", "summary", "alternate_names")
        for code in SEARCH_CONFIGS
    ),
    "is_sample",
)


# The regions patients browse by (name, slug, French name), as migrations 0005 and 0011 make them.
DEFAULT_BODY_REGIONS = [
    ("Head & neck", "head-neck", "Tête et cou"),
    ("Shoulder", "shoulder", "Épaule"),
    ("Elbow & forearm", "elbow-forearm", "Coude et avant-bras"),
    ("Wrist & hand", "wrist-hand", "Poignet et main"),
    ("Back", "back", "Dos"),
    ("Hip & groin", "hip-groin", "Hanche et aine"),
    ("Thigh", "thigh", "Cuisse"),
    ("Knee", "knee", "Genou"),
    ("Lower leg", "lower-leg", "Jambe"),
    ("Ankle & foot", "ankle-foot", "Cheville et pied"),
]


class BodyRegion(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("conditions:index") + f"?region={self.slug}"

    @classmethod
    def ensure_defaults(cls) -> None:
        """Create any of the default regions that are missing (after a flush, say)."""
        for order, (name, slug, name_fr) in enumerate(DEFAULT_BODY_REGIONS, start=1):
            cls.objects.get_or_create(
                slug=slug, defaults={"name_en": name, "name_fr": name_fr, "order": order * 10}
            )


class RiskFactorQuerySet(models.QuerySet):
    def public(self):
        """Risk factors linked to at least one published condition: the ones patients can see."""
        return self.filter(
            pk__in=ConditionRiskFactor.objects.filter(
                condition__status=Condition.Status.PUBLISHED
            ).values("risk_factor_id")
        )


class RiskFactor(models.Model):
    """Something that raises the risk of one or more conditions; one row shared by all of them."""

    class Category(models.TextChoices):
        TRAINING = "training", _("Training and activity")
        NUTRITION = "nutrition", _("Nutrition and hydration")
        MUSCLE_JOINT = "muscle_joint", _("Muscles and joints")
        BIOMECHANICS = "biomechanics", _("Biomechanics and equipment")
        RECOVERY = "recovery", _("Rest and recovery")
        MEDICAL = "medical", _("Medical")
        OTHER = "other", _("Other")

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    description = models.TextField(blank=True, help_text="Markdown: what it is and what helps.")
    category = models.CharField(max_length=20, choices=Category, default=Category.OTHER)
    modifiable = models.BooleanField(
        default=True, help_text="Can a patient change it (training, footwear) or not (age)?"
    )

    objects = RiskFactorQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="riskfactor_name_unique_ci"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("conditions:risk_factor", args=[self.slug])


class Treatment(models.Model):
    """A treatment the clinic offers; one row shared by every condition it helps."""

    class Kind(models.TextChoices):
        MANUAL = "manual", _("Manual therapy")
        EXERCISE = "exercise", _("Exercise")
        MODALITY = "modality", _("Modality (heat, electrotherapy)")
        EDUCATION = "education", _("Education and advice")
        EQUIPMENT = "equipment", _("Footwear, taping and equipment")
        OTHER = "other", _("Other")

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    description = models.TextField(blank=True, help_text="Markdown.")
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.OTHER)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="treatment_name_unique_ci"),
        ]

    def __str__(self):
        return self.name


class ConditionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Condition.Status.PUBLISHED)

    def review_due_by(self, day: date):
        return self.filter(next_review_due__lte=day)

    def with_links(self):
        """With the body regions, risk factors and treatments a page lists (3 queries)."""
        return self.prefetch_related(
            "body_regions",
            models.Prefetch(
                "risk_factor_links",
                queryset=ConditionRiskFactor.objects.select_related("risk_factor"),
            ),
            models.Prefetch(
                "treatment_links", queryset=ConditionTreatment.objects.select_related("treatment")
            ),
        )

    def with_slug(self, slug: str):
        """The conditions with this slug in any language (a link keeps its slug when the
        language switcher changes the page's), the page's own language's first."""
        slugs = models.Q()
        for code in SEARCH_CONFIGS:
            slugs |= models.Q(**{f"slug_{code}": slug})
        own_first = models.Case(
            models.When(**{f"slug_{content_language()}": slug}, then=0), default=1
        )
        return self.filter(slugs).order_by(own_first)


class Condition(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    alternate_names = ArrayField(
        models.CharField(max_length=120),
        blank=True,
        default=list,
        help_text="Lay terms and other names patients search for, comma-separated "
        "(e.g. charley horse).",
    )
    summary = models.TextField(
        blank=True,
        max_length=400,
        help_text="One or two plain sentences: shown in lists, search results and search engines.",
    )
    body_regions = models.ManyToManyField(BodyRegion, related_name="conditions", blank=True)
    overview = models.TextField(blank=True, help_text="Markdown. Empty sections are not shown.")
    anatomy = models.TextField(blank=True, help_text="Markdown.")
    causes = models.TextField(
        blank=True, help_text="Markdown. The risk factors below are listed after this text."
    )
    symptoms = models.TextField("signs and symptoms", blank=True, help_text="Markdown.")
    diagnosis = models.TextField(blank=True, help_text="Markdown.")
    treatment = models.TextField(blank=True, help_text="Markdown.")
    physical_therapy = models.TextField(
        blank=True, help_text="Markdown. The treatments below are listed after this text."
    )
    prevention = models.TextField(blank=True, help_text="Markdown.")
    risk_factors = models.ManyToManyField(
        RiskFactor, through="ConditionRiskFactor", related_name="conditions", blank=True
    )
    treatments = models.ManyToManyField(
        Treatment, through="ConditionTreatment", related_name="conditions", blank=True
    )
    related_conditions = models.ManyToManyField("self", blank=True)
    featured = models.BooleanField(default=False, help_text="Shown on the home page.")
    is_sample = models.BooleanField(
        "sample content",
        default=False,
        help_text="Demo text written for this site, not clinical advice; the page says so.",
    )
    published_at = models.DateTimeField(null=True, blank=True)
    last_reviewed = models.DateField(null=True, blank=True)
    next_review_due = models.DateField(null=True, blank=True)
    reviewed_by = models.CharField(
        max_length=200, blank=True, help_text="Name and credentials, e.g. Jane Doe, PT, DPT."
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    # Written only by the database: triggers recompute each language's vector from the row and
    # its links (migrations 0008 and 0010), whoever changes them.
    search_vector = SearchVectorField(null=True, editable=False)
    search_vector_fr = SearchVectorField(null=True, editable=False)

    objects = ConditionQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        indexes = [
            GinIndex(fields=["search_vector"], name="condition_search_gin"),
            GinIndex(fields=["search_vector_fr"], name="condition_search_fr_gin"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(next_review_due__isnull=True)
                | models.Q(last_reviewed__isnull=True)
                | models.Q(next_review_due__gte=models.F("last_reviewed")),
                name="condition_review_due_after_review",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("conditions:detail", args=[self.slug])

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_review_due(self) -> bool:
        return self.next_review_due is not None and self.next_review_due <= timezone.localdate()

    def publish(self) -> None:
        self.status = self.Status.PUBLISHED
        self.published_at = self.published_at or timezone.now()


class ConditionDueForReview(Condition):
    """Admin list of conditions whose review is overdue or due within 30 days."""

    class Meta:
        proxy = True
        verbose_name = "condition due for review"
        verbose_name_plural = "conditions due for review"


class ConditionRiskFactor(models.Model):
    condition = models.ForeignKey(
        Condition, on_delete=models.CASCADE, related_name="risk_factor_links"
    )
    risk_factor = models.ForeignKey(
        RiskFactor, on_delete=models.PROTECT, related_name="condition_links"
    )
    order = models.PositiveSmallIntegerField(default=0)
    note = models.CharField(
        max_length=300,
        blank=True,
        help_text="Optional: how this factor matters for this condition.",
    )

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = "risk factor"
        constraints = [
            models.UniqueConstraint(
                fields=["condition", "risk_factor"], name="condition_risk_factor_once"
            ),
        ]

    def __str__(self):
        return f"{self.condition}: {self.risk_factor}"


class ConditionTreatment(models.Model):
    condition = models.ForeignKey(
        Condition, on_delete=models.CASCADE, related_name="treatment_links"
    )
    treatment = models.ForeignKey(
        Treatment, on_delete=models.PROTECT, related_name="condition_links"
    )
    order = models.PositiveSmallIntegerField(default=0)
    note = models.CharField(
        max_length=300, blank=True, help_text="Optional: how it is used for this condition."
    )

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = "treatment"
        constraints = [
            models.UniqueConstraint(
                fields=["condition", "treatment"], name="condition_treatment_once"
            ),
        ]

    def __str__(self):
        return f"{self.condition}: {self.treatment}"


class SearchMiss(models.Model):
    """A search that found nothing, counted so editors know what patients look for."""

    query = models.CharField(max_length=200, unique=True)
    count = models.PositiveIntegerField(default=1)
    first_seen = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-last_seen"]
        verbose_name = "search without results"
        verbose_name_plural = "searches without results"

    def __str__(self):
        return self.query

    @classmethod
    def record(cls, query: str) -> None:
        """Count one more miss for `query` (normalised) in one atomic INSERT ... ON CONFLICT."""
        query = " ".join(query.lower().split())[:200]
        if not query:
            return
        now = timezone.now()
        table = connection.ops.quote_name(cls._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (query, count, first_seen, last_seen) "
                "VALUES (%s, 1, %s, %s) ON CONFLICT (query) DO UPDATE "
                f"SET count = {table}.count + 1, last_seen = EXCLUDED.last_seen",
                [query, now, now],
            )


class RedFlag(models.Model):
    """A sign that needs care sooner than a booked session: shown near the top of the article,
    most urgent first."""

    class Urgency(models.TextChoices):
        # Declared most urgent first: the page groups the cards in this order.
        EMERGENCY = "emergency", _("Call 911 now")
        TODAY = "today", _("See a doctor today")
        BOOK = "book", _("Book a physical therapist")

    # The number the emergency cards dial (the clinic is in the United States).
    EMERGENCY_NUMBER = "911"

    condition = models.ForeignKey(Condition, on_delete=models.CASCADE, related_name="red_flags")
    sign = models.CharField(
        max_length=300,
        help_text="What the patient notices, e.g. “A swollen, warm, red calf”.",
    )
    meaning = models.CharField(
        max_length=300, blank=True, help_text="What it may be, e.g. “may be a blood clot”."
    )
    urgency = models.CharField(max_length=10, choices=Urgency, default=Urgency.TODAY)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = "red flag"

    def __str__(self):
        return f"{self.condition}: {self.sign}"

    @property
    def urgency_rank(self) -> int:
        return list(self.Urgency.values).index(self.urgency)


class SearchSynonyms(models.Model):
    """Words that mean the same for search, in one language: the words patients use and the words
    articles use (shin, tibia, lower leg). A search for any of them looks for all of them
    (conditions/query.py), from the next search after an edit."""

    language = models.CharField(max_length=8, choices=settings.LANGUAGES, default="en")
    words = ArrayField(
        models.CharField(max_length=60),
        help_text="Comma-separated words or short phrases, e.g. shin, tibia, lower leg.",
    )
    note = models.CharField(
        max_length=200, blank=True, help_text="Why they belong together, for other editors."
    )

    class Meta:
        ordering = ["language", "pk"]
        verbose_name = "search synonyms"
        verbose_name_plural = "search synonyms"

    def __str__(self):
        return ", ".join(self.words)

    @classmethod
    def ensure_defaults(cls) -> None:
        """The starting vocabulary (conditions/vocabulary.py) for a language that has none."""
        from conditions.vocabulary import DEFAULT_SYNONYMS

        for language, lines in DEFAULT_SYNONYMS.items():
            if not cls.objects.filter(language=language).exists():
                cls.objects.bulk_create(
                    cls(language=language, words=[word.strip() for word in line.split(",")])
                    for line in lines
                )

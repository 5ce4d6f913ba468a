from datetime import timedelta

from django.contrib import admin, messages
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from clinic.admin import DateDrillDownInRange, day_column, moment_column
from conditions.forms import ConditionForm
from conditions.models import (
    BodyRegion,
    Condition,
    ConditionDueForReview,
    ConditionRiskFactor,
    ConditionTreatment,
    RedFlag,
    RiskFactor,
    SearchMiss,
    SearchSynonyms,
    Treatment,
)
from conditions.sections import SECTION_NAMES

REVIEW_HORIZON_DAYS = 30


class ReviewDueFilter(admin.SimpleListFilter):
    title = "review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [
            ("overdue", "Overdue"),
            ("next30", "Due in the next 30 days"),
            ("never", "Never reviewed"),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "overdue":
            return queryset.filter(next_review_due__lt=today)
        if self.value() == "next30":
            return queryset.filter(
                next_review_due__gte=today, next_review_due__lte=today + timedelta(days=30)
            )
        if self.value() == "never":
            return queryset.filter(last_reviewed__isnull=True)
        return queryset


class ConditionRiskFactorInline(admin.TabularInline):
    model = ConditionRiskFactor
    autocomplete_fields = ["risk_factor"]
    fields = ["order", "risk_factor", "note"]
    extra = 1
    ordering = ["order", "pk"]


class ConditionTreatmentInline(admin.TabularInline):
    model = ConditionTreatment
    autocomplete_fields = ["treatment"]
    fields = ["order", "treatment", "note"]
    extra = 1
    ordering = ["order", "pk"]


class RedFlagInline(TranslationTabularInline):
    """The article's “When to get urgent help” cards; the page shows them most urgent first."""

    model = RedFlag
    fields = ["order", "urgency", "sign", "meaning"]
    extra = 1
    ordering = ["order", "pk"]
    verbose_name_plural = "when to get urgent help (red flags)"


@admin.register(Condition)
class ConditionAdmin(DateDrillDownInRange, TranslationAdmin):
    form = ConditionForm
    # What an editor scans for, fitting 1280 px beside the filters; the last review, sample
    # content and dates are on the change page (sample content and review due also filters).
    list_display = [
        "title",
        "in_french",
        "status",
        "region_names",
        "next_review",
        "review_due",
    ]
    next_review = day_column("next_review_due", "Next review due")
    list_filter = ["status", "body_regions", ReviewDueFilter, "is_sample", "featured"]
    # Found by its words in either language.
    search_fields = ["title_en", "title_fr", "slug_en", "slug_fr", "summary_en", "summary_fr"]
    prepopulated_fields = {"slug_en": ["title_en"], "slug_fr": ["title_fr"]}
    autocomplete_fields = ["related_conditions"]
    filter_horizontal = ["body_regions"]
    inlines = [RedFlagInline, ConditionRiskFactorInline, ConditionTreatmentInline]
    actions = ["publish", "unpublish"]
    readonly_fields = ["preview_link", "published_at", "created_at", "updated_at"]
    date_hierarchy = "updated_at"
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "slug",
                    "alternate_names",
                    "summary",
                    "body_regions",
                    ("status", "preview_link"),
                    ("featured", "is_sample"),
                ]
            },
        ),
        (
            "Article (Markdown: lists, links, emphasis; HTML is shown as text)",
            {"fields": SECTION_NAMES},
        ),
        ("Review", {"fields": [("last_reviewed", "next_review_due"), "reviewed_by"]}),
        ("Related", {"fields": ["related_conditions"]}),
        (
            "Dates",
            {"fields": [("published_at", "created_at", "updated_at")], "classes": ["collapse"]},
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("body_regions")

    @admin.display(description="in French", boolean=True, ordering="title_fr")
    def in_french(self, condition):
        return bool(condition.title_fr)

    @admin.display(description="body regions")
    def region_names(self, condition):
        return ", ".join(region.name for region in condition.body_regions.all()) or "—"

    @admin.display(description="review due", boolean=True)
    def review_due(self, condition):
        return condition.is_review_due

    @admin.display(description="page")
    def preview_link(self, condition):
        if not condition.pk:
            return "Save first to preview."
        label = "View on site" if condition.is_published else "Preview draft"
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            condition.get_absolute_url(),
            label,
        )

    def save_model(self, request, obj, form, change):
        if obj.is_published and obj.published_at is None:
            obj.publish()
        super().save_model(request, obj, form, change)

    @admin.action(description="Publish selected conditions", permissions=["change"])
    def publish(self, request, queryset):
        now = timezone.now()
        drafts = queryset.exclude(status=Condition.Status.PUBLISHED)
        count = drafts.filter(published_at__isnull=True).update(
            status=Condition.Status.PUBLISHED, published_at=now, updated_at=now
        )
        count += drafts.update(status=Condition.Status.PUBLISHED, updated_at=now)
        self.message_user(request, f"Published {count} condition(s).", messages.SUCCESS)

    @admin.action(
        description="Unpublish selected conditions (back to draft)", permissions=["change"]
    )
    def unpublish(self, request, queryset):
        count = queryset.filter(status=Condition.Status.PUBLISHED).update(
            status=Condition.Status.DRAFT, updated_at=timezone.now()
        )
        self.message_user(request, f"Moved {count} condition(s) back to draft.", messages.SUCCESS)


@admin.register(ConditionDueForReview)
class ConditionDueForReviewAdmin(admin.ModelAdmin):
    """Read-only worklist: reviews overdue or due within 30 days, soonest first."""

    list_display = ["title", "status", "next_review", "last_review", "reviewed_by"]
    next_review = day_column("next_review_due", "Next review due")
    last_review = day_column("last_reviewed", "Last reviewed")
    list_display_links = None
    list_filter = ["status", "body_regions"]
    search_fields = ["title_en", "title_fr"]
    ordering = ["next_review_due", "title_en"]

    def get_queryset(self, request):
        horizon = timezone.localdate() + timedelta(days=REVIEW_HORIZON_DAYS)
        return super().get_queryset(request).review_due_by(horizon)

    @admin.display(description="condition")
    def title(self, condition):
        url = reverse("admin:conditions_condition_change", args=[condition.pk])
        return format_html('<a href="{}">{}</a>', url, condition.title)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("conditions.view_condition") or request.user.has_perm(
            "conditions.change_condition"
        )


class LinkedConditionsMixin:
    @admin.display(description="linked conditions")
    def linked_conditions(self, obj):
        links = obj.condition_links.select_related("condition").order_by("condition__title")
        if not links:
            return "None yet."
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}">{}</a> ({})</li>',
                (
                    (
                        reverse("admin:conditions_condition_change", args=[link.condition_id]),
                        link.condition.title,
                        link.condition.get_status_display().lower(),
                    )
                    for link in links
                ),
            ),
        )

    @admin.display(description="conditions", ordering="condition_count")
    def condition_count(self, obj):
        return obj.condition_count

    def get_queryset(self, request):
        queryset = super().get_queryset(request).annotate(condition_count=Count("condition_links"))
        return queryset.order_by("name")


@admin.register(RiskFactor)
class RiskFactorAdmin(LinkedConditionsMixin, TranslationAdmin):
    list_display = ["name", "name_fr", "category", "modifiable", "condition_count"]
    list_filter = ["category", "modifiable"]
    search_fields = ["name_en", "name_fr", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}
    readonly_fields = ["linked_conditions"]
    fields = ["name", "slug", "category", "modifiable", "description", "linked_conditions"]
    view_on_site = True


@admin.register(Treatment)
class TreatmentAdmin(LinkedConditionsMixin, TranslationAdmin):
    list_display = ["name", "name_fr", "kind", "condition_count"]
    list_filter = ["kind"]
    search_fields = ["name_en", "name_fr", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}
    readonly_fields = ["linked_conditions"]
    fields = ["name", "slug", "kind", "description", "linked_conditions"]


@admin.register(BodyRegion)
class BodyRegionAdmin(TranslationAdmin):
    list_display = ["name", "name_fr", "slug", "order"]
    list_editable = ["order"]
    search_fields = ["name_en", "name_fr"]
    prepopulated_fields = {"slug": ["name_en"]}


@admin.register(SearchMiss)
class SearchMissAdmin(DateDrillDownInRange, admin.ModelAdmin):
    """What patients searched for and did not find: a to-do list for editors."""

    list_display = ["query", "count", "last", "first"]
    last = moment_column("last_seen", "Last seen")
    first = moment_column("first_seen", "First seen")
    search_fields = ["query"]
    ordering = ["-count", "-last_seen"]
    date_hierarchy = "last_seen"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SearchSynonyms)
class SearchSynonymsAdmin(admin.ModelAdmin):
    """The words patients use, with the words articles use: searched together from the next
    search on (conditions/query.py)."""

    list_display = ["__str__", "language", "note"]
    list_filter = ["language"]
    search_fields = ["note"]
    fields = ["language", "words", "note"]

    def get_search_results(self, request, queryset, search_term):
        # A word of the set, as typed ("shin"), besides the note's words.
        found, duplicates = super().get_search_results(request, queryset, search_term)
        words = [word for word in search_term.lower().split() if word]
        if words:
            found = found | queryset.filter(words__overlap=words)
        return found, duplicates

from django.contrib import admin
from django.contrib.admin.views.main import ERROR_FLAG
from django.http import HttpResponseRedirect
from modeltranslation.admin import TranslationAdmin

from clinic.dates import year_in_range
from clinic.models import ClinicProfile


class DateDrillDownInRange:
    """ModelAdmin mixin: the date drill-down (`date_hierarchy`'s ?<field>__year=) kept in range.

    Django steps the chosen year, month or day forward to bound its query, which overflows at
    year 9999 (a 500); a year out of range is treated as the admin treats any bad lookup: back to
    the unfiltered list with ?e=1.
    """

    def changelist_view(self, request, extra_context=None):
        if self.date_hierarchy:
            year = request.GET.get(f"{self.date_hierarchy}__year")
            if year is not None and not year_in_range(year):
                return HttpResponseRedirect(f"{request.path}?{ERROR_FLAG}=1")
        return super().changelist_view(request, extra_context)


@admin.register(ClinicProfile)
class ClinicProfileAdmin(TranslationAdmin):
    list_display = ["name", "tagline", "phone", "second_phone", "updated_at"]
    fieldsets = [
        (None, {"fields": ["name", "tagline", "award_line"]}),
        (
            "Contact",
            {
                "fields": [
                    "phone",
                    "phone_label",
                    "second_phone",
                    "second_phone_label",
                    "address",
                    "email",
                ]
            },
        ),
    ]

    def has_add_permission(self, request):
        # One clinic, one profile: the row exists from the first migration on.
        return not ClinicProfile.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

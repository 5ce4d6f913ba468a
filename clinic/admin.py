from django.contrib import admin

from clinic.models import ClinicProfile


@admin.register(ClinicProfile)
class ClinicProfileAdmin(admin.ModelAdmin):
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

"""The therapist's photo on their admin change page: upload, alt text, a preview and removal.

The fields belong to the therapist's own form (the photo is part of their team-page profile),
so whoever may change a therapist may change their photo, and no one else. The upload is
checked and resized while the form validates (services.photos.prepare_photo), so a refused file
is an error beside the field and nothing is saved, the therapist's other changes included; the
photo is stored once the therapist row is (TherapistPhotoAdminMixin.save_related).
"""

import base64

from django import forms
from django.contrib import admin
from django.utils.html import format_html

from bookings.models import PhotoRendition, Therapist, TherapistPhoto
from bookings.services import photos

PHOTO_FIELDS = ["photo_preview", "photo", "photo_alt_text_en", "photo_alt_text_fr", "remove_photo"]
PREVIEW_WIDTH = photos.WIDTHS[0]


class TherapistAdminForm(forms.ModelForm):
    photo = forms.FileField(
        required=False,
        label="Upload a photo",
        help_text=(
            "JPEG, PNG or WebP, up to 10 MB. The team page shows it as a 4:5 portrait cropped "
            f"around the centre, at least {photos.WIDTHS[0]} pixels wide; upload one at least "
            f"{photos.WIDTHS[-1]} × {photos.WIDTHS[-1] * 5 // 4} for sharp screens. Location "
            "and camera details are removed."
        ),
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    photo_alt_text_en = forms.CharField(
        required=False,
        max_length=250,
        label="Alt text (English)",
        help_text="Required with a photo: what it shows, for people who cannot see it.",
    )
    photo_alt_text_fr = forms.CharField(
        required=False,
        max_length=250,
        label="Alt text (French)",
        help_text="For the French page; the English is used while this is empty.",
    )
    remove_photo = forms.BooleanField(
        required=False,
        label="Remove the photo",
        help_text="The team page shows the therapist’s initials instead.",
    )

    class Meta:
        model = Therapist
        # Every field, as a plain ModelAdmin's form has: TherapistAdmin lists them.
        fields = "__all__"  # noqa: DJ007

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.prepared_photo = None
        self.current_photo = (
            TherapistPhoto.objects.filter(therapist=self.instance).first()
            if self.instance.pk
            else None
        )
        if self.current_photo is not None:
            self.initial.setdefault("photo_alt_text_en", self.current_photo.alt_text_en or "")
            self.initial.setdefault("photo_alt_text_fr", self.current_photo.alt_text_fr or "")

    def clean_photo(self):
        upload = self.cleaned_data.get("photo")
        if upload:
            self.prepared_photo = photos.prepare_photo(upload)
        return upload

    def clean(self):
        cleaned = super().clean()
        removing = cleaned.get("remove_photo")
        if removing and cleaned.get("photo"):
            self.add_error(
                "remove_photo", "Either upload a new photo or remove this one, not both."
            )
        has_photo = self.prepared_photo is not None or (self.current_photo and not removing)
        if has_photo and not (cleaned.get("photo_alt_text_en") or "").strip():
            self.add_error("photo_alt_text_en", photos.MESSAGES["alt_text_required"])
        return cleaned

    def save_photo(self, *, actor) -> None:
        """Store, describe or remove the photo, as the validated form says."""
        data = self.cleaned_data
        if data.get("remove_photo"):
            photos.remove_therapist_photo(therapist=self.instance, actor=actor)
        elif self.prepared_photo is not None or (
            self.current_photo is not None
            and {"photo_alt_text_en", "photo_alt_text_fr"} & set(self.changed_data)
        ):
            photos.save_therapist_photo(
                therapist=self.instance,
                prepared=self.prepared_photo,
                alt_text_en=data.get("photo_alt_text_en", ""),
                alt_text_fr=data.get("photo_alt_text_fr", ""),
                actor=actor,
            )


class TherapistPhotoAdminMixin:
    """For TherapistAdmin: the photo fields in their own fieldset, the preview, the save."""

    form = TherapistAdminForm

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "photo_preview"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if len(fieldsets) != 1:  # fieldsets declared on the admin: theirs to arrange
            return fieldsets
        name, options = fieldsets[0]
        fields = [field for field in options["fields"] if field not in PHOTO_FIELDS]
        may_edit = (
            self.has_change_permission(request, obj) if obj else self.has_add_permission(request)
        )
        if not may_edit:
            photo_fields = ["photo_preview"]
        elif obj is None or not TherapistPhoto.objects.filter(therapist=obj).exists():
            photo_fields = ["photo", "photo_alt_text_en", "photo_alt_text_fr"]
        else:
            photo_fields = PHOTO_FIELDS
        return [
            (name, {**options, "fields": fields}),
            (
                "Photo on the team page",
                {
                    "fields": photo_fields,
                    "description": "Without a photo the team page shows the initials.",
                },
            ),
        ]

    @admin.display(description="Current photo")
    def photo_preview(self, obj):
        rendition = (
            PhotoRendition.objects.filter(
                photo__therapist=obj, format=PhotoRendition.Format.JPEG, width=PREVIEW_WIDTH
            )
            .select_related("photo")
            .first()
            if obj is not None and obj.pk
            else None
        )
        if rendition is None:
            return "No photo"
        # A data: URL (the admin's CSP allows it): the public URL serves active therapists only.
        data = base64.b64encode(bytes(rendition.content)).decode("ascii")
        photo = rendition.photo
        return format_html(
            '<img src="data:image/jpeg;base64,{}" width="{}" height="{}" alt="{}"><br>'
            "Uploaded {} × {} pixels, {} KB; {} renditions.",
            data,
            rendition.width,
            rendition.height,
            photo.alt_text_en or "",
            photo.original_width,
            photo.original_height,
            max(1, round(photo.original_bytes / 1024)),
            photo.renditions.count(),
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.save_photo(actor=request.user)

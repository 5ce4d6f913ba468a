"""Therapists' photos for the team page, kept in PostgreSQL with their resized renditions.

Design: the web tier is stateless (any number of gunicorn processes on any number of hosts) and
all data lives in PostgreSQL, so a photo is stored in the database, not on a local disk that the
other hosts would not see and a redeploy would lose. An upload is processed once
(bookings/services/photos.py: EXIF orientation applied, metadata stripped, cropped centred to a
4:5 portrait, a few widths, never upscaled) and each rendition's bytes are a row here, WebP with a
JPEG fallback. They are served by bookings/views/team.py at a URL that carries the original's
digest, so browsers and proxies may keep them for a year: a new photo is a new URL.

The photo and its renditions are written together by `save_therapist_photo`, the one write path;
database triggers (migration 0014) bump the page cache's content version on any change to either
table, so the cached team page never links a rendition that is gone.
"""

from django.db import models

from bookings.models.catalogue import Therapist


class TherapistPhoto(models.Model):
    therapist = models.OneToOneField(Therapist, on_delete=models.CASCADE, related_name="photo")
    alt_text = models.CharField(
        "alt text",
        max_length=250,
        help_text="What the photo shows, for people who cannot see it.",
    )
    original_width = models.PositiveIntegerField(editable=False)
    original_height = models.PositiveIntegerField(editable=False)
    original_bytes = models.PositiveIntegerField("original size (bytes)", editable=False)
    digest = models.CharField(
        max_length=64, editable=False, help_text="SHA-256 of the uploaded file, in its URLs."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "therapist photo"

    def __str__(self):
        return f"Photo of {self.therapist}"


class PhotoRendition(models.Model):
    """One width of a photo in one format; `content` is the file as served."""

    class Format(models.TextChoices):
        WEBP = "webp", "WebP"
        JPEG = "jpg", "JPEG"

    photo = models.ForeignKey(TherapistPhoto, on_delete=models.CASCADE, related_name="renditions")
    format = models.CharField(max_length=4, choices=Format)
    width = models.PositiveSmallIntegerField()
    height = models.PositiveSmallIntegerField()
    content = models.BinaryField()
    byte_size = models.PositiveIntegerField()

    class Meta:
        ordering = ["photo", "format", "width"]
        constraints = [
            models.UniqueConstraint(
                fields=["photo", "format", "width"], name="bookings_photorendition_one_per_width"
            ),
        ]

    def __str__(self):
        return f"{self.photo} {self.width}px {self.get_format_display()}"

    @property
    def content_type(self) -> str:
        return "image/webp" if self.format == self.Format.WEBP else "image/jpeg"

"""Therapists' photos: an upload checked and turned into renditions with Pillow, and the one
write path for the photo rows (bookings/models/photos.py says why they live in PostgreSQL).

`prepare_photo` does the work and writes nothing, so a form can call it while validating and
show a refusal next to the field; `save_therapist_photo` stores what it made, replacing any
photo the therapist had, in one transaction. Refusals are `ValidationError`s with a code:
not_an_image, too_many_bytes, too_many_pixels, too_small, alt_text_required.

The messages are in English: only staff upload photos, in the admin.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from PIL import Image, ImageCms, ImageOps

from bookings.models import PhotoRendition, Therapist, TherapistPhoto
from bookings.services.common import logger

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# A decompression bomb is a small file that decodes to billions of pixels; 40 million is more
# than any camera photo a clinic would use (8000 x 5000) and bounds a worker's memory.
MAX_PIXELS = 40_000_000
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")
# The team page shows every photo as a 4:5 portrait.
ASPECT_WIDTH, ASPECT_HEIGHT = 4, 5
WIDTHS = (160, 320, 640)
WEBP_QUALITY = 80
JPEG_QUALITY = 82

MESSAGES = {
    "not_an_image": "Upload a photo (JPEG, PNG or WebP).",
    "too_many_bytes": "This file is larger than 10 MB. Upload a smaller photo (JPEG, PNG or WebP).",
    "too_many_pixels": (
        "This image has too many pixels ({pixels:,}). Upload a photo under 40 million pixels, "
        "e.g. 6000 × 4000."
    ),
    "too_small": (
        "This photo is too small to look sharp: once cropped to a 4:5 portrait it must be at "
        "least {width} pixels wide (e.g. {width} × {height})."
    ),
    "alt_text_required": (
        "Describe the photo for people who cannot see it, e.g. “Alex Rivera smiling, in the "
        "clinic’s treatment room”."
    ),
}


def _refuse(code: str, **values) -> ValidationError:
    return ValidationError(MESSAGES[code].format(**values), code=code)


@dataclass(frozen=True)
class Rendition:
    format: str  # PhotoRendition.Format
    width: int
    height: int
    content: bytes


@dataclass(frozen=True)
class PreparedPhoto:
    original_width: int
    original_height: int
    original_bytes: int
    digest: str
    renditions: tuple[Rendition, ...]


def prepare_photo(upload) -> PreparedPhoto:
    """The renditions of an uploaded file (a Django UploadedFile or any binary file object).

    Refuses anything Pillow does not read as a JPEG, PNG or WebP, a file over 10 MB and an image
    over MAX_PIXELS before decoding it. Applies the EXIF orientation, converts to sRGB, crops the
    centre to 4:5 and makes each of WIDTHS that the crop can fill (never upscaled), as WebP and
    as JPEG, with no metadata (no EXIF, so no GPS position or camera serial, no ICC profile).
    """
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise _refuse("too_many_bytes")
    upload.seek(0)
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise _refuse("too_many_bytes")
    try:
        # Only these decoders are tried: an SVG, a PDF or a TIFF is refused, not parsed.
        image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
    except Image.DecompressionBombError:
        raise _refuse("too_many_pixels", pixels=_header_pixels(data)) from None
    except (OSError, SyntaxError, ValueError):
        raise _refuse("not_an_image") from None
    with image:
        original_width, original_height = image.size
        if original_width * original_height > MAX_PIXELS:
            raise _refuse("too_many_pixels", pixels=original_width * original_height)
        try:
            image.seek(0)  # an animated WebP or PNG: its first frame
            # A JPEG decodes straight at a reduced scale, still at least this large.
            image.draft("RGB", (WIDTHS[-1] * ASPECT_HEIGHT // ASPECT_WIDTH,) * 2)
            image.load()
            icc_profile = image.info.get("icc_profile")
            upright = ImageOps.exif_transpose(image)
        except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError):
            # Truncated or corrupt past its header.
            raise _refuse("not_an_image") from None
    try:
        cropped = _crop_portrait(_to_srgb(upright, icc_profile))
        cropped.info = {}  # no EXIF, XMP or colour profile carried into the renditions
    except (OSError, ValueError):
        raise _refuse("not_an_image") from None  # a mode Pillow cannot turn into RGB
    widths = [width for width in WIDTHS if width <= cropped.width]
    if not widths:
        raise _refuse(
            "too_small", width=WIDTHS[0], height=WIDTHS[0] * ASPECT_HEIGHT // ASPECT_WIDTH
        )
    renditions = []
    for width in widths:
        height = width * ASPECT_HEIGHT // ASPECT_WIDTH
        resized = cropped.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
        renditions.append(
            Rendition(PhotoRendition.Format.WEBP, width, height, _encode(resized, "WEBP"))
        )
        renditions.append(
            Rendition(PhotoRendition.Format.JPEG, width, height, _encode(resized, "JPEG"))
        )
    return PreparedPhoto(
        original_width=original_width,
        original_height=original_height,
        original_bytes=len(data),
        digest=hashlib.sha256(data).hexdigest(),
        renditions=tuple(renditions),
    )


def _header_pixels(data: bytes) -> int:
    # Pillow refused to open it: read the size from the header alone, with the check off.
    previous = Image.MAX_IMAGE_PIXELS
    try:
        Image.MAX_IMAGE_PIXELS = None
        with Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS) as image:
            return image.width * image.height
    except Exception:
        return 0
    finally:
        Image.MAX_IMAGE_PIXELS = previous


def _to_srgb(image: Image.Image, icc_profile: bytes | None) -> Image.Image:
    """RGB in sRGB: transparency on white, CMYK and greyscale converted, an embedded colour
    profile applied (browsers read untagged images as sRGB, and the profile is stripped)."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    if icc_profile:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
            converted = ImageCms.profileToProfile(
                image, source, ImageCms.createProfile("sRGB"), outputMode="RGB"
            )
            if converted is not None:
                return converted
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken profile: the colours as they are
    return image.convert("RGB")


def _crop_portrait(image: Image.Image) -> Image.Image:
    """The largest centred 4:5 portrait inside `image`."""
    width, height = image.size
    crop_width = min(width, height * ASPECT_WIDTH // ASPECT_HEIGHT)
    crop_height = crop_width * ASPECT_HEIGHT // ASPECT_WIDTH
    left = (width - crop_width) // 2
    top = (height - crop_height) // 2
    return image.crop((left, top, left + crop_width, top + crop_height))


def _encode(image: Image.Image, format_name: str) -> bytes:
    buffer = io.BytesIO()
    if format_name == "WEBP":
        image.save(buffer, "WEBP", quality=WEBP_QUALITY, method=4)
    else:
        image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return buffer.getvalue()


@transaction.atomic
def save_therapist_photo(
    *,
    therapist: Therapist,
    prepared: PreparedPhoto | None = None,
    alt_text_en: str,
    alt_text_fr: str = "",
    actor=None,
) -> TherapistPhoto:
    """Store `prepared` as the therapist's photo (replacing theirs), or, without it, change the
    alt text of the photo they have. The English alt text is required; the French one falls back
    to it on the French pages."""
    alt_text_en = " ".join(alt_text_en.split())
    alt_text_fr = " ".join(alt_text_fr.split())
    if not alt_text_en:
        raise _refuse("alt_text_required")
    therapist = Therapist.objects.select_for_update().get(pk=therapist.pk)
    photo = TherapistPhoto.objects.filter(therapist=therapist).first()
    if prepared is None:
        if photo is None:
            raise ValueError("No photo to describe: pass the prepared upload.")
        photo.alt_text_en = alt_text_en
        photo.alt_text_fr = alt_text_fr or None
        photo.save(update_fields=["alt_text", "alt_text_en", "alt_text_fr", "updated_at"])
        return photo
    if photo is None:
        photo = TherapistPhoto(therapist=therapist)
    photo.alt_text_en = alt_text_en
    photo.alt_text_fr = alt_text_fr or None
    photo.original_width = prepared.original_width
    photo.original_height = prepared.original_height
    photo.original_bytes = prepared.original_bytes
    photo.digest = prepared.digest
    photo.save()
    photo.renditions.all().delete()
    PhotoRendition.objects.bulk_create(
        PhotoRendition(
            photo=photo,
            format=rendition.format,
            width=rendition.width,
            height=rendition.height,
            content=rendition.content,
            byte_size=len(rendition.content),
        )
        for rendition in prepared.renditions
    )
    logger.info(
        "Photo of therapist %s replaced by user %s", therapist.pk, getattr(actor, "pk", None)
    )
    return photo


@transaction.atomic
def remove_therapist_photo(*, therapist: Therapist, actor=None) -> bool:
    """Delete the therapist's photo and its renditions; False when they had none."""
    deleted, _ = TherapistPhoto.objects.filter(therapist=therapist).delete()
    if deleted:
        logger.info(
            "Photo of therapist %s removed by user %s", therapist.pk, getattr(actor, "pk", None)
        )
    return bool(deleted)

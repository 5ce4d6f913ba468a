"""Therapists' photos: uploaded on the therapist's admin page, checked and resized with Pillow,
stored in PostgreSQL and served at a digest URL that browsers may keep for a year."""

import io
import re
import struct
import zlib
from datetime import date, time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from bookings.models import PhotoRendition, Therapist, TherapistPhoto
from bookings.services import photos
from tests.bookings.conftest import make_user

pytestmark = pytest.mark.django_db

NOT_AN_IMAGE = "Upload a photo (JPEG, PNG or WebP)."


def image_bytes(size=(900, 1000), *, format_name="PNG", color=(30, 120, 200), **save) -> bytes:
    buffer = io.BytesIO()
    mode = "RGBA" if format_name == "PNG" else "RGB"
    Image.new(mode, size, color).save(buffer, format_name, **save)
    return buffer.getvalue()


def upload(content: bytes, name="portrait.png", content_type="image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def change_url(therapist) -> str:
    return reverse("admin:bookings_therapist_change", args=[therapist.pk])


def change_form_data(client, therapist) -> dict:
    """The therapist's change form as the admin page fills it, inline hours included."""
    response = client.get(change_url(therapist))
    assert response.status_code == 200
    forms = [response.context["adminform"].form]
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{name}"] = value
        forms.extend(formset.forms)
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False or name == "photo":
                continue
            if value is True:
                value = "on"
            elif isinstance(value, list | tuple):
                value = [str(item) for item in value]
            elif isinstance(value, date | time):
                value = value.isoformat()
            data[form.add_prefix(name)] = value
    return data


def post_photo(client, therapist, *, file=None, **fields):
    data = change_form_data(client, therapist)
    data.update(fields)
    if file is not None:
        data["photo"] = file
    return client.post(change_url(therapist), data)


@pytest.fixture
def desk_client(client, front_desk_user):
    client.force_login(front_desk_user)
    return client


def with_photo(therapist, *, size=(900, 1000), alt="Alex Rivera in the treatment room"):
    prepared = photos.prepare_photo(io.BytesIO(image_bytes(size)))
    return photos.save_therapist_photo(therapist=therapist, prepared=prepared, alt_text_en=alt)


# --- the admin upload ------------------------------------------------------------------------


def test_the_front_desk_uploads_a_photo_and_gets_portrait_renditions(desk_client, alex):
    response = post_photo(
        desk_client,
        alex,
        file=upload(image_bytes((1200, 900))),
        photo_alt_text_en="Alex Rivera smiling",
        photo_alt_text_fr="Alex Rivera souriant",
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    photo = TherapistPhoto.objects.get(therapist=alex)
    assert (photo.alt_text_en, photo.alt_text_fr) == ("Alex Rivera smiling", "Alex Rivera souriant")
    assert (photo.original_width, photo.original_height) == (1200, 900)
    assert len(photo.digest) == 64
    # A 1200 x 900 landscape crops to 720 x 900: 160 and 320 and 640 wide, never 1280.
    assert sorted(photo.renditions.values_list("format", "width", "height")) == [
        ("jpg", 160, 200),
        ("jpg", 320, 400),
        ("jpg", 640, 800),
        ("webp", 160, 200),
        ("webp", 320, 400),
        ("webp", 640, 800),
    ]
    for rendition in photo.renditions.all():
        assert rendition.byte_size == len(bytes(rendition.content)) > 0


def test_a_served_rendition_is_an_image_of_its_width(desk_client, client, alex):
    post_photo(desk_client, alex, file=upload(image_bytes()), photo_alt_text_en="Alex")
    photo = TherapistPhoto.objects.get(therapist=alex)
    for extension, pillow_format in [("webp", "WEBP"), ("jpg", "JPEG")]:
        url = f"/team/photos/{alex.pk}/{photo.digest}-320.{extension}"
        response = client.get(url)
        assert response.status_code == 200
        image = Image.open(io.BytesIO(response.content))
        assert (image.format, image.size) == (pillow_format, (320, 400))
        assert response["Content-Type"] == f"image/{'webp' if extension == 'webp' else 'jpeg'}"


def test_a_file_that_is_not_an_image_is_refused_and_nothing_is_saved(desk_client, alex):
    response = post_photo(
        desk_client,
        alex,
        file=upload(
            b"just some words, not a photo\n" * 20, name="me.jpg", content_type="image/jpeg"
        ),
        photo_alt_text_en="Alex",
        display_name="Alex Renamed",
    )
    assert response.status_code == 200
    assert NOT_AN_IMAGE in response.content.decode()
    assert TherapistPhoto.objects.count() == 0 and PhotoRendition.objects.count() == 0
    assert Therapist.objects.get(pk=alex.pk).display_name == "Alex Rivera"


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 40,  # a PNG signature and nothing after
        image_bytes(format_name="GIF"),  # an image, but not one the site serves
        image_bytes(format_name="JPEG")[:300],  # truncated
    ],
    ids=["empty", "png-signature-only", "gif", "truncated-jpeg"],
)
def test_other_files_that_are_not_usable_photos_are_refused(content):
    with pytest.raises(Exception) as caught:
        photos.prepare_photo(io.BytesIO(content))
    assert getattr(caught.value, "code", None) == "not_an_image"


def test_the_alt_text_is_required_with_a_photo(desk_client, alex):
    response = post_photo(desk_client, alex, file=upload(image_bytes()), photo_alt_text_en="  ")
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "photo_alt_text_en" in errors
    assert TherapistPhoto.objects.count() == 0


def test_the_alt_text_stays_required_while_the_photo_is_kept(desk_client, alex):
    with_photo(alex)
    response = post_photo(desk_client, alex, photo_alt_text_en="")
    assert "photo_alt_text_en" in response.context["adminform"].form.errors
    assert TherapistPhoto.objects.get().alt_text_en == "Alex Rivera in the treatment room"


def test_a_huge_file_is_refused_before_it_is_read():
    huge = SimpleUploadedFile("big.jpg", b"\xff\xd8" + b"\x00" * (10 * 1024 * 1024), "image/jpeg")
    with pytest.raises(Exception) as caught:
        photos.prepare_photo(huge)
    assert caught.value.code == "too_many_bytes"


def png_claiming(width: int, height: int) -> bytes:
    """A few bytes of PNG whose header claims width x height pixels."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize("width, height", [(8_000, 8_000), (30_000, 30_000)])
def test_a_decompression_bomb_is_refused_without_decoding_it(width, height):
    bomb = png_claiming(width, height)
    assert len(bomb) < 200
    with pytest.raises(Exception) as caught:
        photos.prepare_photo(io.BytesIO(bomb))
    assert caught.value.code == "too_many_pixels"
    assert f"{width * height:,}" in caught.value.messages[0]


def test_a_photo_too_small_for_the_smallest_width_is_refused():
    with pytest.raises(Exception) as caught:
        photos.prepare_photo(io.BytesIO(image_bytes((150, 400))))
    assert caught.value.code == "too_small"


def test_a_small_photo_is_never_upscaled():
    prepared = photos.prepare_photo(io.BytesIO(image_bytes((400, 500))))
    assert sorted({rendition.width for rendition in prepared.renditions}) == [160, 320]


def test_the_exif_orientation_is_applied_and_the_metadata_stripped():
    # A landscape picture whose EXIF says "rotate 90°" (a phone held upright), with a camera
    # serial and a GPS position that must not reach the website.
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to view
    exif[0xA431] = "SERIAL-123"  # BodySerialNumber
    exif[0x8825] = {1: "N", 2: (37.0, 46.0, 0.0)}  # GPS
    picture = Image.new("RGB", (1000, 800), (255, 255, 255))
    picture.paste((200, 0, 0), (0, 0, 500, 800))  # red on the left half, as stored
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", exif=exif)

    prepared = photos.prepare_photo(io.BytesIO(buffer.getvalue()))
    jpeg = next(r for r in prepared.renditions if r.format == "jpg" and r.width == 640)
    shown = Image.open(io.BytesIO(jpeg.content))
    assert shown.size == (640, 800)  # upright: 800 x 1000, cropped to 4:5
    assert not shown.getexif() and b"SERIAL-123" not in jpeg.content
    assert "icc_profile" not in shown.info and "exif" not in shown.info
    # Rotated clockwise, the stored left half is now the top half.
    shown = shown.convert("RGB")
    top, bottom = shown.getpixel((320, 50)), shown.getpixel((320, 750))
    assert top[0] > 150 and top[1] < 60
    assert min(bottom) > 240


def test_a_transparent_png_is_put_on_white():
    prepared = photos.prepare_photo(io.BytesIO(image_bytes(color=(0, 0, 0, 0))))
    jpeg = next(r for r in prepared.renditions if r.format == "jpg")
    assert min(Image.open(io.BytesIO(jpeg.content)).convert("RGB").getpixel((10, 10))) > 240


def test_a_portrait_is_cropped_around_its_centre():
    picture = Image.new("RGB", (800, 2000), (255, 255, 255))
    picture.paste((0, 0, 0), (0, 900, 800, 1100))  # a black band across the middle
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    prepared = photos.prepare_photo(io.BytesIO(buffer.getvalue()))
    jpeg = next(r for r in prepared.renditions if r.format == "jpg" and r.width == 640)
    shown = Image.open(io.BytesIO(jpeg.content)).convert("RGB")
    assert max(shown.getpixel((320, 400))) < 40  # the middle kept
    assert min(shown.getpixel((320, 5))) > 215


def test_a_new_upload_replaces_the_photo_and_its_url(desk_client, client, alex):
    old = with_photo(alex)
    old_url = f"/team/photos/{alex.pk}/{old.digest}-320.jpg"
    post_photo(
        desk_client,
        alex,
        file=upload(image_bytes(color=(200, 30, 30))),
        photo_alt_text_en="Alex, new photo",
    )
    photo = TherapistPhoto.objects.get(therapist=alex)
    assert photo.digest != old.digest and photo.alt_text_en == "Alex, new photo"
    assert PhotoRendition.objects.count() == 6
    assert client.get(old_url).status_code == 404
    assert client.get(f"/team/photos/{alex.pk}/{photo.digest}-320.jpg").status_code == 200


def test_the_change_page_previews_the_photo(desk_client, alex):
    with_photo(alex)
    page = desk_client.get(change_url(alex)).content.decode()
    assert re.search(r'<img src="data:image/jpeg;base64,[^"]+" width="160" height="200"', page)
    assert "Remove the photo" in page


def test_the_front_desk_removes_the_photo(desk_client, client, alex):
    photo = with_photo(alex)
    response = post_photo(desk_client, alex, remove_photo="on")
    assert response.status_code == 302
    assert TherapistPhoto.objects.count() == 0 and PhotoRendition.objects.count() == 0
    assert client.get(f"/team/photos/{alex.pk}/{photo.digest}-320.jpg").status_code == 404
    assert "team-photo-placeholder" in client.get("/team/").content.decode()


def test_only_the_alt_text_can_be_changed(desk_client, alex):
    photo = with_photo(alex)
    post_photo(desk_client, alex, photo_alt_text_en="Alex at the desk", photo_alt_text_fr="Alex")
    changed = TherapistPhoto.objects.get()
    assert (changed.alt_text_en, changed.alt_text_fr, changed.digest) == (
        "Alex at the desk",
        "Alex",
        photo.digest,
    )


def test_staff_without_change_therapist_cannot_upload_a_photo(client, alex):
    # A content editor: staff, no bookings permissions. A second staff user may view therapists
    # but not change them.
    editor = make_user("editor", groups=["Content editors"], staff=True)
    client.force_login(editor)
    assert client.get(change_url(alex)).status_code == 403
    response = client.post(
        change_url(alex),
        {"display_name": "Alex", "photo": upload(image_bytes()), "photo_alt_text_en": "A"},
    )
    assert response.status_code == 403

    from django.contrib.auth.models import Permission

    viewer = make_user("viewer", staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_therapist"))
    client.force_login(viewer)
    page = client.get(change_url(alex)).content.decode()
    assert 'type="file"' not in page
    response = client.post(
        change_url(alex),
        {"display_name": "Alex", "photo": upload(image_bytes()), "photo_alt_text_en": "A"},
    )
    assert response.status_code == 403
    assert TherapistPhoto.objects.count() == 0


# --- serving ---------------------------------------------------------------------------------


def test_a_photo_url_is_cached_for_a_year_with_an_etag(client, alex, settings):
    settings.DEBUG = False
    photo = with_photo(alex)
    response = client.get(f"/team/photos/{alex.pk}/{photo.digest}-160.webp")
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    etag = response["ETag"]
    assert etag.startswith('"') and etag.endswith('"')
    again = client.get(f"/team/photos/{alex.pk}/{photo.digest}-160.webp", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert again["Cache-Control"] == "public, max-age=31536000, immutable"


def test_a_wrong_digest_width_or_therapist_is_a_404(client, alex, sam):
    photo = with_photo(alex)
    wrong = "0" * 64
    assert client.get(f"/team/photos/{alex.pk}/{wrong}-160.webp").status_code == 404
    assert client.get(f"/team/photos/{alex.pk}/{photo.digest}-200.webp").status_code == 404
    assert client.get(f"/team/photos/{sam.pk}/{photo.digest}-160.webp").status_code == 404
    assert client.get(f"/team/photos/{alex.pk}/{photo.digest}-160.png").status_code == 404
    assert client.get(f"/fr/team/photos/{alex.pk}/{photo.digest}-160.webp").status_code == 404


def test_an_inactive_therapists_photo_is_not_served(client, alex):
    photo = with_photo(alex)
    Therapist.objects.filter(pk=alex.pk).update(active=False)
    assert client.get(f"/team/photos/{alex.pk}/{photo.digest}-160.webp").status_code == 404

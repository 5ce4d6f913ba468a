"""The clinic's front door for choosing whom to see and what to book: "Our team" (/team/), the
services and prices (/services/), and the therapists' photos those pages show.

Both pages are page-cached for visitors: every table they read (therapists, services, which
therapist offers what, photos and their renditions) bumps the content version, so an edit in
the admin shows on the next request. A photo's URL carries the digest of its upload, so each
rendition is cached by browsers and proxies for a year; a new photo is a new URL.
"""

from django.conf import global_settings
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from bookings.models import PhotoRendition, Service, Therapist, TherapistPhoto
from bookings.views.flow import _url
from clinic.page_cache import cached_for_visitors

# The first photos are in the first screenful: loaded at once, the others when scrolled to.
EAGER_PHOTOS = 2
# The photo's width on the page (static/css/team.css): the browser picks a rendition from it.
PHOTO_SIZES = "(min-width: 768px) 192px, 160px"
ONE_YEAR = 365 * 24 * 60 * 60
# Language names as staff type them ("English, French"), shown in the page's language through
# Django's own translations of its language list ("Anglais, Français" on the French page).
LANGUAGE_NAMES = {name.casefold(): name for _code, name in global_settings.LANGUAGES}


@require_safe
@cached_for_visitors
def team(request):
    """Each active therapist: photo or initials, credentials, languages, interests, bio, the
    services they offer and a link to book with them."""
    therapists = (
        Therapist.objects.active()
        .select_related("photo")
        .prefetch_related(
            Prefetch("services", queryset=Service.objects.active()),
            Prefetch(
                "photo__renditions",
                queryset=PhotoRendition.objects.defer("content").order_by("width"),
            ),
        )
        .order_by("display_name", "pk")
    )
    members = []
    for index, therapist in enumerate(therapists):
        offered = list(therapist.services.all())
        photo = _photo_of(therapist)
        members.append(
            {
                "therapist": therapist,
                "photo": photo_sources(photo, eager=index < EAGER_PHOTOS) if photo else None,
                "initials": initials(therapist.display_name),
                "languages": languages_spoken(therapist.languages),
                "services": offered,
                "book_url": book_with_url(therapist, offered),
            }
        )
    return render(request, "bookings/team.html", {"members": members})


@require_safe
@cached_for_visitors
def services(request):
    """Each active service: duration, price, what happens, who offers it, a link to book it."""
    offered = (
        Service.objects.active()
        .prefetch_related(
            Prefetch("therapists", queryset=Therapist.objects.active().order_by("display_name"))
        )
        .order_by("order", "name")
    )
    items = []
    for service in offered:
        therapists = list(service.therapists.all())
        items.append(
            {
                "service": service,
                "therapists": therapists,
                "book_url": _url("book", {}, service=service) if therapists else "",
            }
        )
    return render(request, "bookings/services.html", {"items": items})


@require_safe
def photo(request, therapist_id: str, digest: str, width: str, extension: str):
    """One rendition's bytes, for a year (the URL changes with the photo). A digest that is not
    the therapist's current photo, or a therapist no longer on the team page, is a 404."""
    rendition = (
        PhotoRendition.objects.filter(
            photo__therapist_id=int(therapist_id),
            photo__therapist__active=True,
            photo__digest=digest,
            width=int(width),
            format=extension,
        )
        .only("content", "format", "byte_size")
        .first()
    )
    if rendition is None:
        raise Http404("No such photo.")
    etag = f'"{digest[:32]}-{width}-{extension}"'
    headers = {"Cache-Control": f"public, max-age={ONE_YEAR}, immutable", "ETag": etag}
    if etag in _etags(request.headers.get("If-None-Match", "")):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(bytes(rendition.content), content_type=rendition.content_type)
    for name, value in headers.items():
        response[name] = value
    return response


def _etags(header: str) -> set[str]:
    return {tag.strip().removeprefix("W/") for tag in header.split(",")}


def _photo_of(therapist: Therapist) -> TherapistPhoto | None:
    try:
        return therapist.photo
    except TherapistPhoto.DoesNotExist:
        return None


def photo_url(photo: TherapistPhoto, rendition: PhotoRendition) -> str:
    return reverse(
        "team:photo",
        kwargs={
            "therapist_id": photo.therapist_id,
            "digest": photo.digest,
            "width": rendition.width,
            "extension": rendition.format,
        },
    )


def photo_sources(photo: TherapistPhoto, *, eager: bool = False) -> dict | None:
    """What templates/includes/therapist_photo.html needs for a <picture>: a WebP srcset, a
    JPEG srcset and fallback src (the middle width) with its size; None without renditions."""
    renditions = sorted(photo.renditions.all(), key=lambda rendition: rendition.width)
    jpegs = [item for item in renditions if item.format == PhotoRendition.Format.JPEG]
    webps = [item for item in renditions if item.format == PhotoRendition.Format.WEBP]
    if not jpegs:
        return None
    fallback = jpegs[min(1, len(jpegs) - 1)]

    def srcset(items):
        return ", ".join(f"{photo_url(photo, item)} {item.width}w" for item in items)

    return {
        "webp_srcset": srcset(webps),
        "jpeg_srcset": srcset(jpegs),
        "src": photo_url(photo, fallback),
        "width": fallback.width,
        "height": fallback.height,
        "sizes": PHOTO_SIZES,
        "alt": photo.alt_text,
        "eager": eager,
    }


def initials(display_name: str) -> str:
    """The first and last names' first letters, a title or prefix (a word ending in "." or
    ":") skipped: AR for "Alex Rivera", "Dr. Alex Rivera" and "Demo: Alex Rivera" alike."""
    words = [word for word in display_name.split() if not word.endswith((".", ":"))]
    letters = [next((char for char in word if char.isalpha()), "") for word in words]
    letters = [letter for letter in letters if letter]
    if not letters:
        return ""
    chosen = letters[:1] + letters[1:][-1:]
    return "".join(chosen).upper()


def languages_spoken(typed: str) -> list[str]:
    """The therapist's languages, each in the page's language when it is one Django names
    ("French" is "français" on the French page), else as staff typed it."""
    spoken = []
    for name in (part.strip() for part in typed.replace(";", ",").split(",")):
        if not name:
            continue
        known = LANGUAGE_NAMES.get(name.casefold())
        spoken.append(gettext(known) if known else name)
    return spoken


def book_with_url(therapist: Therapist, offered: list[Service]) -> str:
    """The booking flow with this therapist chosen: their one service's days straight away, or
    the choice among the services they offer. Empty when they offer none."""
    if not offered:
        return ""
    if len(offered) == 1:
        return _url("book", {}, service=offered[0], therapist=therapist)
    return _url("book", {}, therapist=therapist)

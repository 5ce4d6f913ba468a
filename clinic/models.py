"""The site-wide rows every app reads: the clinic's identity and the pages' content version."""

import re

from django.db import models


class ClinicProfile(models.Model):
    """The clinic's public identity, shown in every page's header and footer.

    One row; staff edit it in the admin. `ClinicProfile.load()` falls back to the values from the
    clinic's own letterhead when the row is missing, so the site frame always renders.
    """

    name = models.CharField(max_length=120)
    tagline = models.CharField(max_length=200, blank=True)
    phone = models.CharField("main phone", max_length=40)
    phone_label = models.CharField(max_length=40, blank=True, default="US")
    second_phone = models.CharField(max_length=40, blank=True)
    second_phone_label = models.CharField(max_length=40, blank=True, default="France")
    award_line = models.CharField(max_length=200, blank=True)
    address = models.TextField(
        blank=True, help_text="Street address, shown in the footer and in calendar invitations."
    )
    email = models.EmailField(blank=True, help_text="Public contact address, if any.")
    updated_at = models.DateTimeField(auto_now=True)

    DEFAULTS = {
        "name": "Sports Medicine",
        "tagline_en": "Sports Injury Prevention & Rehabilitation",
        "phone": "+1-650-815-6552",
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
        return cls.objects.order_by("pk").first() or cls(**cls.DEFAULTS)

    @property
    def phones(self) -> list[dict]:
        """Each phone as label, text and a tel: link (digits and a leading + only)."""
        numbers = [(self.phone_label, self.phone), (self.second_phone_label, self.second_phone)]
        return [
            {"label": label, "number": number, "href": "tel:" + re.sub(r"(?!^\+)[^\d]", "", number)}
            for label, number in numbers
            if number
        ]


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

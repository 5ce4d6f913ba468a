"""The sections of a condition article, listed once.

Each is a `Condition` text field; the page shows them in this order under their headings, the
admin and the editing form list them, the search vector weighs them (migration 0008), and the
importer recognises them in the clinic's plain-text articles by their usual headings.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Section:
    name: str  # the Condition field
    heading: str  # shown on the condition page
    article_heading: str  # how the clinic's plain-text articles head it, for error messages
    pattern: re.Pattern  # that heading, in a line of an article file

    def heads(self, line: str) -> bool:
        return self.pattern.fullmatch(line) is not None


def _heading(pattern: str) -> re.Pattern:
    return re.compile(pattern, re.IGNORECASE)


SECTIONS = (
    Section("overview", _("Overview"), "What is …?", _heading(r"what (is|are) .+\?")),
    Section("anatomy", _("Anatomy"), "Anatomy of …", _heading(r"(relevant )?anatomy( of .+)?")),
    Section("causes", _("Causes"), "Causes of …", _heading(r"causes of .+")),
    Section(
        "symptoms",
        _("Signs and symptoms"),
        "Signs and symptoms of …",
        _heading(r"signs and symptoms of .+"),
    ),
    Section("diagnosis", _("Diagnosis"), "Diagnosis of …", _heading(r"diagnosis of .+")),
    Section("treatment", _("Treatment"), "Treatment for …", _heading(r"treatment (for|of) .+")),
    Section(
        "physical_therapy",
        _("Physical therapy"),
        "Physical therapy for …",
        _heading(r"physical therapy (for|of) .+"),
    ),
    Section(
        "prevention", _("Prevention"), "Prevention of …", _heading(r"(prevention of|preventing) .+")
    ),
)
SECTION_NAMES = tuple(section.name for section in SECTIONS)

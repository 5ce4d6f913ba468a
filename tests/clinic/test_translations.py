"""The French catalogue: complete, faithful to its placeholders, and current with the code."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po"
# %(name)s, %s and %d, and the {{ name }} Django leaves in blocktranslate's msgids as %(name)s.
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdr]|%[sdr]")


def entries():
    return [entry for entry in polib.pofile(str(CATALOGUE)) if not entry.obsolete]


def test_every_string_has_a_french_translation_that_is_not_fuzzy():
    missing = [
        entry.msgid
        for entry in entries()
        if "fuzzy" in entry.flags
        or not (entry.msgstr or (entry.msgid_plural and all(entry.msgstr_plural.values())))
    ]
    assert missing == []


def test_no_translation_drops_or_invents_a_placeholder():
    wrong = []
    for entry in entries():
        wanted = sorted(PLACEHOLDER.findall(entry.msgid_plural or entry.msgid))
        for text in [entry.msgstr, *entry.msgstr_plural.values()]:
            if text and sorted(PLACEHOLDER.findall(text)) != wanted:
                # A singular French form may leave the count out ("une heure").
                if entry.msgid_plural and set(PLACEHOLDER.findall(text)) <= set(wanted):
                    continue
                wrong.append((entry.msgid, text))
    assert wrong == []


def test_the_plural_rule_is_frances():
    catalogue = polib.pofile(str(CATALOGUE))
    assert not catalogue.metadata_is_fuzzy  # msgfmt would drop a fuzzy header, and the rule
    assert catalogue.metadata["Plural-Forms"] == "nplurals=2; plural=(n > 1);"


def test_the_catalogue_has_every_string_the_code_marks(tmp_path):
    # makemessages over a copy of the code: a string marked since the last `make messages` (or a
    # catalogue edited by hand) shows up as a difference in msgids.
    if not shutil.which("xgettext"):
        if os.environ.get("CLINIC_REQUIRE_BROWSER"):  # CI: .ci/run installs gettext
            pytest.fail("GNU gettext (xgettext) is not installed but CLINIC_REQUIRE_BROWSER is set")
        pytest.skip("GNU gettext (xgettext) is not installed")
    copy = tmp_path / "site"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", "var", "staticfiles", "mutants", "test-artifacts", "node_modules"
        ),
    )
    subprocess.run(  # noqa: S603 - the project's own command, as `make messages` runs it
        [sys.executable, "manage.py", "update_translations", "--verbosity", "0"],
        cwd=copy,
        check=True,
        capture_output=True,
        env={**os.environ, "DEBUG": "true"},
    )
    fresh = polib.pofile(str(copy / "locale" / "fr" / "LC_MESSAGES" / "django.po"))
    ids = {(entry.msgctxt, entry.msgid) for entry in entries()}
    fresh_ids = {(entry.msgctxt, entry.msgid) for entry in fresh if not entry.obsolete}
    assert fresh_ids - ids == set(), "marked in the code but not in locale/fr: run make messages"
    assert ids - fresh_ids == set(), "in locale/fr but no longer in the code: run make messages"

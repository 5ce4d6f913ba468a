"""The Nu HTML Checker (npm package vnu-jar, run on Java) finds no error on the public pages."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.pages import PUBLIC_PAGES

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
VNU = ROOT / "var" / "tools" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


@pytest.fixture
def vnu():
    if not VNU.exists() or shutil.which("java") is None:
        if os.environ.get("CLINIC_REQUIRE_BROWSER"):
            pytest.fail(f"the Nu HTML Checker is missing at {VNU} (see .ci/run)")
        pytest.skip("vnu-jar not installed: npm install --prefix var/tools vnu-jar")
    return VNU


def test_public_pages_are_valid_html(client, demo_data, vnu, tmp_path):
    files = {}
    for index, path in enumerate(PUBLIC_PAGES):
        response = client.get(path)
        document = tmp_path / f"page{index}.html"
        document.write_bytes(response.content)
        files[document.as_uri()] = path
    result = subprocess.run(
        ["java", "-jar", str(vnu), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr)["messages"]
    errors = [
        f"{files.get(message.get('url'), message.get('url'))} line {message.get('lastLine')}: "
        f"{message['message']}"
        for message in messages
    ]
    assert errors == []

"""npm packages the project's own tools run (PurgeCSS and clean-css for `make css`, Lighthouse
for `make bench`): pinned, each set in a folder of its own under var/tools, never in a
package.json of the checkout. Separate folders, because `npm install --no-save` into a folder
removes what an earlier one put there."""

import json
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path


def installed_version(folder: Path, name: str) -> str | None:
    package = folder / "node_modules" / name / "package.json"
    return json.loads(package.read_text())["version"] if package.exists() else None


def ensure(folder: Path, packages: Sequence[str], *, needed_for: str) -> None:
    """Install `packages` ("name@version") into `folder` unless each is there at its version."""
    pinned = [package.rsplit("@", 1) for package in packages]
    if all(installed_version(folder, name) == version for name, version in pinned):
        return
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit(f"npm is needed {needed_for}: apt-get install nodejs npm")
    print(f"== installing {' '.join(packages)} into {folder}", flush=True)
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(  # noqa: S603 (our own fixed command)
        [
            npm,
            "install",
            "--prefix",
            str(folder),
            "--no-save",
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
            *packages,
        ],
        check=True,
    )

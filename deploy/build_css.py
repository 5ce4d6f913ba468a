"""Build static/css/clinic.css, the public site's one stylesheet (`make css`).

    .venv/bin/python deploy/build_css.py           # rebuild it (needs node and npm)
    .venv/bin/python deploy/build_css.py --check   # exit 1 if it is stale (Python only)

The pages' own sheets, Bootstrap, site.css, conditions.css and bookings.css, concatenated in the
order the pages used to link them, stripped by PurgeCSS of every rule no page can use, then
minified by clean-css (level 1: no merging or reordering, so the cascade is unchanged). The
output is committed: `make run`, `make test` and production never need node.

What PurgeCSS keeps is decided by words: a rule stays when every class, id and element in its
selector is a word found in the templates (ours, the crispy-bootstrap5 ones the |crispy and
|as_crispy_field filters render, Django's form widgets'), the 502 page, or the Python of
clinic/, conditions/ and bookings/ (widget attrs, format_html; not migrations). Classes a
template builds (`alert-{{ message.tags }}`) keep every class with that prefix.

The header records a hash of what decides the output: the source sheets, the versions and
options, and the scanned words that name something in those sheets (not every word: an edit to
Python that names no class leaves it current). tests/clinic/test_stylesheet.py fails when the
file is stale.
"""

import argparse
import hashlib
import importlib.util
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: deploy/ is then all Python can see
from deploy import npm_tools  # noqa: E402

STATIC = ROOT / "static"
OUTPUT = STATIC / "css" / "clinic.css"
# The cascade order the pages had. team.css, find_us.css and intake.css came first: the pages
# that needed them linked them in {% block head %}, above the base sheets; their selectors match
# nothing on any other page.
SOURCES = (
    "css/team.css",
    "css/find_us.css",
    "css/intake.css",
    "vendor/bootstrap/bootstrap.min.css",
    "css/site.css",
    "css/conditions.css",
    "css/bookings.css",
)
# Sheets some pages still add (staff pages) or the browser swaps in (print): custom properties
# they read are kept even when no rule of the bundle reads them.
EXTRA_SHEETS = ("css/print.css", "css/schedule.css", "css/grid.css")
TOOLS = ROOT / "var" / "tools" / "css"
PACKAGES = ("purgecss@8.0.0", "clean-css@5.3.3")
# The Bootstrap states the server itself writes (the pages run no script to add the others).
STATE_CLASSES = ("active", "disabled", "is-invalid")
PURGE_OPTIONS = {"fontFace": True, "keyframes": True, "variables": True}
CLEAN_OPTIONS = {"level": 1}

# PurgeCSS's default extractor: the words it looks for in content.
WORD = re.compile(r"[A-Za-z0-9_-]+")
COMMENT = re.compile(r"/\*.*?\*/", re.S)
# The text before each "{": a selector list or an at-rule's prelude.
PRELUDE = re.compile(r"([^{};]*)\{")
# [attr^=value] and its kin: PurgeCSS matches part of a word, and a word never holds ":".
ATTRIBUTE_PART = re.compile(r"\[\s*[\w-]+\s*[\^$*~|]=\s*[\"']?([^\"'\]]+)[\"']?\s*\]")
CUSTOM_PROPERTY_USE = re.compile(r"var\(\s*(--[\w-]+)")
# `alert-{{ message.tags }}`, `tg-{% ... %}` in templates; f"btn-{kind}" in Python.
TEMPLATE_PREFIX = re.compile(r"([A-Za-z0-9_-]+-)\{[{%]")
PYTHON_PREFIX = re.compile(r"([A-Za-z0-9_-]+-)\{")
# `container{% if grid %}-fluid{% endif %}`.
TEMPLATE_SUFFIX = re.compile(r"([A-Za-z0-9_-]+)\{%[^%]*%\}(-[A-Za-z0-9_-]+)")
INCLUDE = re.compile(r"\{% include [\"']([^\"']+)[\"']")
CRISPY_ENTRY_POINTS = ("uni_form.html", "uni_formset.html", "field.html")
NOTICE = re.compile(r"/\*!.*?\*/", re.S)
DIGEST_LINE = re.compile(r"inputs sha256: ([0-9a-f]{64})")

DRIVER = """
const { createRequire } = require("module");
let input = "";
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", async () => {
  const job = JSON.parse(input);
  const load = createRequire(job.tools + "/");
  const { PurgeCSS } = load("purgecss");
  const CleanCSS = load("clean-css");
  const [purged] = await new PurgeCSS().purge({
    // The words as given: PurgeCSS's own extractor would split "tel:" into "tel".
    content: [{ raw: job.words.join(" "), extension: "txt" }],
    defaultExtractor: (content) => content.split(" "),
    css: [{ raw: job.css }],
    safelist: { variables: job.variables },
    ...job.purge,
  });
  const minified = new CleanCSS(job.clean).minify(purged.css);
  if (minified.errors.length) {
    console.error(minified.errors.join("\\n"));
    process.exit(1);
  }
  process.stdout.write(minified.styles);
});
"""


def package_folder(name: str) -> Path:
    return Path(importlib.util.find_spec(name).submodule_search_locations[0])


def crispy_templates(python: list[Path]) -> list[Path]:
    """The crispy-bootstrap5 templates the site renders: those its filters start from (|crispy,
    |as_crispy_field) and what they include; all of them once a FormHelper lays out a form."""
    folder = package_folder("crispy_bootstrap5") / "templates"
    if any("FormHelper" in path.read_text() for path in python):
        return list(folder.rglob("*.html"))
    found, pending = set(), [folder / "bootstrap5" / name for name in CRISPY_ENTRY_POINTS]
    while pending:
        path = pending.pop()
        if path in found or not path.exists():
            continue
        found.add(path)
        pending.extend(folder / name for name in INCLUDE.findall(path.read_text()))
    return list(found)


def scanned_files() -> list[Path]:
    """Every file whose words can put a class on a public or staff page, in a stable order."""
    # Migrations never render HTML; their field names would only make the hash move.
    python = [
        path
        for app in ("clinic", "conditions", "bookings")
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
    ]
    templates = [
        *(ROOT / "templates").rglob("*.html"),
        *(ROOT / "deploy" / "errors").glob("*.html"),
        *crispy_templates(python),
        *(package_folder("django") / "forms" / "templates").rglob("*.html"),
    ]
    return sorted(templates) + sorted(python)


def source_css() -> str:
    # Bootstrap opens with @charset, which is only valid as the file's first bytes.
    return "\n".join(
        (STATIC / name).read_text().replace('@charset "UTF-8";', "") for name in SOURCES
    )


def selector_words(css: str) -> tuple[set[str], set[str]]:
    """The words in the sheets' selectors, and the values of their [attr^=...] selectors."""
    preludes = [
        prelude
        for prelude in PRELUDE.findall(COMMENT.sub("", css))
        if not prelude.strip().startswith("@")
    ]
    words = {word for prelude in preludes for word in WORD.findall(prelude)}
    parts = {part for prelude in preludes for part in ATTRIBUTE_PART.findall(prelude)}
    return words, parts


def used_words(css: str) -> list[str]:
    """The scanned files' words that the sheets' selectors name, sorted: what PurgeCSS is given."""
    names, parts = selector_words(css)
    found = set(STATE_CLASSES)
    prefixes = set()
    for path in scanned_files():
        text = path.read_text(errors="replace")
        found.update(WORD.findall(text))
        found.update(part for part in parts if part in text)
        if path.suffix == ".py":
            prefixes.update(PYTHON_PREFIX.findall(text))
        else:
            prefixes.update(TEMPLATE_PREFIX.findall(text))
            found.update(stem + suffix for stem, suffix in TEMPLATE_SUFFIX.findall(text))
    found.update(name for name in names if name.startswith(tuple(prefixes)))
    return sorted(found & (names | parts))


def kept_variables() -> list[str]:
    return sorted(
        {
            name
            for sheet in EXTRA_SHEETS
            for name in CUSTOM_PROPERTY_USE.findall((STATIC / sheet).read_text())
        }
    )


def build_inputs() -> dict:
    css = source_css()
    return {
        "builder": hashlib.sha256(Path(__file__).read_bytes()).hexdigest(),
        "packages": PACKAGES,
        "purge": PURGE_OPTIONS,
        "clean": CLEAN_OPTIONS,
        "sources": {
            name: hashlib.sha256((STATIC / name).read_bytes()).hexdigest() for name in SOURCES
        },
        "words": used_words(css),
        "variables": kept_variables(),
    }


def input_digest(inputs: dict | None = None) -> str:
    """The hash clinic.css records: a change to any input changes it."""
    inputs = build_inputs() if inputs is None else inputs
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


def recorded_digest(path: Path = OUTPUT) -> str | None:
    """The hash in clinic.css's header, if it has one."""
    if not path.exists():
        return None
    match = DIGEST_LINE.search(path.read_text()[:1000])
    return match.group(1) if match else None


def header(digest: str) -> str:
    sources = "\n".join(f"   static/{name}" for name in SOURCES)
    return (
        "/* GENERATED by `make css` (deploy/build_css.py): do not edit. PurgeCSS and clean-css\n"
        f"   made it from these, in this order:\n{sources}\n   inputs sha256: {digest} */\n"
    )


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise SystemExit(f"{name} is needed to build the stylesheet: apt-get install nodejs npm")
    return found


def install_tools() -> None:
    npm_tools.ensure(TOOLS, PACKAGES, needed_for="to build the stylesheet")


def build() -> str:
    """clinic.css's new text, header included."""
    install_tools()
    inputs = build_inputs()
    job = {
        "tools": str(TOOLS),
        "css": source_css(),
        "words": inputs["words"],
        "variables": inputs["variables"],
        "purge": PURGE_OPTIONS,
        "clean": CLEAN_OPTIONS,
    }
    done = subprocess.run(  # noqa: S603 (our own fixed command)
        [tool("node"), "-e", DRIVER],
        input=json.dumps(job),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise SystemExit(f"PurgeCSS or clean-css failed:\n{done.stderr}")
    # PurgeCSS drops comments; Bootstrap's licence asks for its notice to stay with the code.
    notices = "".join(f"{notice}\n" for notice in NOTICE.findall(job["css"]))
    return header(input_digest(inputs)) + notices + done.stdout.strip() + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if clinic.css is stale")
    args = parser.parse_args(argv)
    relative = OUTPUT.relative_to(ROOT)
    if args.check:
        if recorded_digest() != input_digest():
            print(f"{relative} is stale: run `make css`", file=sys.stderr)
            return 1
        print(f"{relative} is current")
        return 0
    text = build()
    OUTPUT.write_text(text)
    print(f"wrote {relative}: {len(text.encode()) / 1024:.1f} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())

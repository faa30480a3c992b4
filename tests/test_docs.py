"""The documentation travels with the code: README's relative links resolve inside the
repository, and nothing points at the shared folder next to it, which a clone lacks."""

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_readme_and_docs_links_resolve_inside_the_repository():
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    assert {p.name for p in pages} >= {"README.md", "domain.md", "api.md", "architecture.md"}
    for page in pages:
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", page.read_text()):
            resolved = (page.parent / target).resolve()
            assert resolved.is_relative_to(ROOT), (page.name, target)
            assert resolved.exists(), (page.name, target)


def test_nothing_refers_to_the_shared_folder_outside_the_repository():
    tracked = subprocess.run(
        # Bracketed so that this file does not match its own patterns.
        ["git", "grep", "-l", "-e", "[.][.]/shared", "-e", "/work[/]shared"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if tracked.returncode == 128:  # not a git checkout (an sdist, a container build)
        return
    assert tracked.stdout == "", tracked.stdout


DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
# Made at run time, never tracked: a doc may name them.
RUNTIME = ("var/", ".venv/", "mutants/", "tests/artifacts/")
APPS = [p.parent for p in ROOT.glob("*/apps.py")] + [ROOT / "mesoplan"]


def named_paths(text: str) -> set[str]:
    """The repository paths a page names in backticks: a file with a slash in its path
    (`sessions/recording.py`, `deploy/nginx.conf`), or a folder under one of the
    repository's own (`templates/lots/`); no URL, no placeholder, no MIME type."""
    paths = set()
    for token in re.findall(r"`([^`\s]+)`", text):
        token = token.split("::")[0].rstrip(".,;:")
        if "/" not in token or token.startswith(("/", "http", "~")) or "://" in token:
            continue
        if re.search(r"[<>{}*$=?|@]|\.\.\.", token) or token.startswith(RUNTIME):
            continue
        if not re.fullmatch(r"[\w.-]+(/[\w.-]+)*/?", token):
            continue
        is_file = re.search(r"\.\w+$", token) is not None
        if is_file or (ROOT / token.split("/")[0]).is_dir():
            paths.add(token)
    return paths


def exists_in_repository(path: str) -> bool:
    """At the root, or inside an app when the page lists an app's modules (`api/strict.py`
    right after `mesoplan/...`)."""
    return (ROOT / path).exists() or any((app / path).exists() for app in APPS)


def test_every_path_a_doc_names_exists():
    missing = {
        page.name: sorted(p for p in named_paths(page.read_text()) if not exists_in_repository(p))
        for page in DOCS
    }
    assert {page: paths for page, paths in missing.items() if paths} == {}


def test_every_make_target_a_doc_names_exists():
    targets = set(re.findall(r"^([\w-]+):", (ROOT / "Makefile").read_text(), re.M))
    named = {
        (page.name, target)
        for page in DOCS
        for target in re.findall(r"(?:`|^)make ([a-z][\w-]*)", page.read_text(), re.M)
    }
    assert {(page, target) for page, target in named if target not in targets} == set()


def test_every_setting_read_from_the_environment_is_in_the_readme_table():
    settings_py = (ROOT / "mesoplan" / "settings.py").read_text()
    read = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z][A-Z0-9_]+)"', settings_py))
    assert len(read) > 20  # the pattern still finds them
    readme = (ROOT / "README.md").read_text()
    table = readme[readme.index("## Configuration") : readme.index("## Architecture")]
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", table))
    assert read - documented == set()


def test_documents_cited_in_the_code_exist():
    """Code cites DOMAIN.md and API.md (docs/domain.md, docs/api.md, README says so) and
    the docs by path; a cited page that a clone does not have (a style guide kept outside
    the repository, say) is a dead end. Landed migrations are frozen and left out."""
    tracked = subprocess.run(
        ["git", "ls-files", "*.py", "*.toml", "*.html", "*.yml", "*.cfg", "Makefile"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if tracked.returncode != 0:  # not a git checkout
        return
    aliases = {"DOMAIN.md": "docs/domain.md", "API.md": "docs/api.md"}
    dead = set()
    for name in tracked.stdout.split():
        if "/migrations/" in name:
            continue
        for cited in re.findall(
            r"(?<![\w/.-])((?:[\w-]+/)*[\w-]+\.md)\b", (ROOT / name).read_text()
        ):
            target = aliases.get(cited, cited)
            if not ((ROOT / target).exists() or (ROOT / "docs" / target).exists()):
                dead.add((name, cited))
    assert dead == set()


def test_the_path_check_catches_a_module_that_moved_and_spares_what_is_not_a_path():
    text = "`sessions/photos.py`, `outcomes/photos.py`, `image/jpeg`, `/api/v1/lots/`, `history/`"
    assert named_paths(text) == {"sessions/photos.py", "outcomes/photos.py"}
    assert not exists_in_repository("sessions/photos.py")
    assert exists_in_repository("outcomes/photos.py") and exists_in_repository("api/strict.py")


def test_what_api_md_marks_planned_is_not_served_yet():
    """A heading marked "(planned)" names a path that answers 404 today; once it is
    served, the doc must say so (drop the mark), and this test says when."""
    from django.urls import Resolver404, resolve

    planned = re.findall(
        r"^### .*`(/api/v1/[^`?]+)[^`]*` \(planned\)$", (ROOT / "docs" / "api.md").read_text(), re.M
    )
    assert set(planned) == set()  # the reports landed; a new planned path goes here
    for path in planned:
        with pytest.raises(Resolver404):
            resolve(path)

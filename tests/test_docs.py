"""The documentation travels with the code: README's relative links resolve inside the
repository, and nothing points at the shared folder next to it, which a clone lacks."""

import re
import subprocess
from pathlib import Path

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

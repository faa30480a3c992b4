"""One practice date format everywhere (mesoplan/date_display.py): the named formats,
the template filters in the practice's zone, and guards that fail when a template or a
message writes a date its own way again (issue 16.C: three formats and ISO in errors)."""

import ast
import re
import zoneinfo
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.utils import timezone

from mesoplan import date_display
from mesoplan.date_display import practice_date, practice_datetime, practice_time

ROOT = Path(__file__).resolve().parents[2]
APPS = ("mesoplan", "protocols", "patients", "scheduling", "lots", "sessions", "outcomes")
APPS += ("reports", "office")
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
# 23:30 UTC on 4 March is already the 5th in Berlin (00:30).
LATE = datetime(2026, 3, 4, 23, 30, tzinfo=UTC)
# Where a date is written for machines or parsed, not shown: typed entry patterns and
# the lot recall's CSV export, which keeps ISO 8601 as the API does.
NOT_FOR_READING = {"mesoplan/date_entry.py", "sessions/lot_recall.py"}
# strftime's date directives (a time of day alone, %H:%M, is the practice's time format).
DATE_DIRECTIVE = re.compile(r"%[aAbBdmyYjUWGVex]")


def render(text, **context):
    return Template(text).render(Context(context))


def test_a_day_a_time_and_both_read_the_same_everywhere():
    assert practice_date(date(2026, 3, 5)) == "05 Mar 2026"
    assert practice_date(date(2026, 3, 5), weekday=True) == "Thu 05 Mar 2026"
    assert practice_date(date(2026, 3, 5), year=False) == "05 Mar"
    assert practice_datetime(LATE, BERLIN) == "05 Mar 2026, 00:30"
    assert practice_datetime(LATE, BERLIN, weekday=True) == "Thu 05 Mar 2026, 00:30"
    assert practice_time(LATE, BERLIN) == "00:30"
    assert practice_date(LATE, BERLIN) == "05 Mar 2026"  # the practice's day, not UTC's


def test_a_datetime_without_a_zone_keeps_the_one_it_carries():
    local = LATE.astimezone(BERLIN)
    assert practice_datetime(local) == "05 Mar 2026, 00:30"
    assert practice_datetime(LATE) == "04 Mar 2026, 23:30"


def test_the_filters_show_the_practice_zone_the_request_activated():
    with timezone.override(BERLIN):
        html = render(
            "{{ at|practice_date }} | {{ at|practice_date:'weekday' }} | "
            "{{ at|practice_datetime:'weekday short' }} | {{ at|practice_time }} | "
            "{{ at|practice_time:'seconds' }} | {{ day|practice_weekday:'short' }} | "
            "{{ day|practice_month }} | {{ missing|practice_date }}.",
            at=LATE,
            day=date(2026, 3, 5),
            missing=None,
        )
    assert html == (
        "05 Mar 2026 | Thu 05 Mar 2026 | Thu 05 Mar, 00:30 | 00:30 | 00:30:00 | Thu | Mar 2026 | ."
    )


def test_a_date_rendered_without_a_filter_reads_as_the_pages_write_it():
    with timezone.override(BERLIN):
        assert render("{{ d }} / {{ at }}", d=date(2026, 3, 5), at=LATE) == (
            "05 Mar 2026 / 05 Mar 2026, 00:30"
        )
    assert render("{{ t }}", t=time(9, 5)) == "09:05"


def test_an_unknown_style_fails_loudly_instead_of_writing_another_format():
    with pytest.raises(TemplateSyntaxError):
        render("{{ d|practice_date:'long' }}", d=date(2026, 3, 5))


def test_every_named_format_is_one_of_the_approved_set():
    for shape in (
        date_display.DATE,
        date_display.DATETIME,
        date_display.day_format(weekday=True, year=False) + ", " + date_display.TIME,
    ):
        assert shape in date_display.HUMAN_FORMATS


def template_files():
    return sorted((ROOT / "templates").rglob("*.html"))


def test_templates_write_dates_only_through_the_practice_filters():
    """`|date:"..."` only for attributes and URLs (`c`, `Y-m-d`); `|time` never: every
    date a person reads goes through |practice_date and its siblings."""
    found = []
    for path in template_files():
        text = path.read_text()
        for match in re.finditer(r"""\|date(?::(["'])(.*?)\1)?""", text):
            if match.group(2) not in date_display.MACHINE_FORMATS:
                found.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
        found += [f"{path.relative_to(ROOT)}: |time" for _ in re.finditer(r"\|time\b", text)]
    assert not found, "dates in a format of their own:\n" + "\n".join(found)
    assert any("|practice_date" in p.read_text() for p in template_files())


def app_modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "migrations" not in path.parts and relative not in NOT_FOR_READING:
                yield relative, ast.parse(path.read_text())


def dates_written_by_hand(tree: ast.AST) -> list[tuple[int, str]]:
    """Where code writes a date itself: an f-string date spec (`{day:%d %b %Y}`), a
    strftime with a date directive, an isoformat() inside an f-string."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FormattedValue) and node.format_spec is not None:
            spec = ast.unparse(node.format_spec)
            if DATE_DIRECTIVE.search(spec):
                found.append((node.lineno, spec))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            pattern = node.args[0] if node.args else None
            if (
                node.func.attr == "strftime"
                and isinstance(pattern, ast.Constant)
                and DATE_DIRECTIVE.search(str(pattern.value))
            ):
                found.append((node.lineno, "strftime"))
        if isinstance(node, ast.JoinedStr):
            found += [
                (node.lineno, "isoformat() in text")
                for part in ast.walk(node)
                if isinstance(part, ast.Call)
                and isinstance(part.func, ast.Attribute)
                and part.func.attr == "isoformat"
            ]
    return found


def test_messages_write_dates_only_through_the_practice_helpers():
    """Messages, errors and audit lines use mesoplan.date_display."""
    found = [
        f"{relative}:{line}: {what}"
        for relative, tree in app_modules()
        for line, what in dates_written_by_hand(tree)
    ]
    assert not found, "dates written their own way:\n" + "\n".join(sorted(set(found)))


def test_the_guard_sees_each_way_of_writing_a_date_by_hand():
    code = (
        'f"{day:%d %b %Y}"\n'
        'f"from {at.isoformat()}"\n'
        'day.strftime("%-d.%m.")\n'
        'f"{t:%H:%M}"\n'
        '{"starts_at": at.isoformat()}\n'
    )
    assert sorted(line for line, _ in dates_written_by_hand(ast.parse(code))) == [1, 2, 3]

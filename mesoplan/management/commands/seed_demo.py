"""Demo network for `make run`, demos and tests (API.md, "Demo and test data").

Deterministic for a seed and safe to re-run: every row is found by a natural key (slug,
username) or a UUID derived from the seed, so a second run adds nothing.

The foundation seeds the network, practices and staff; every other app that has demo
data says so with a `seed_demo(staff, patients=N, seed=S) -> list[str]` function in its
`demo.py` (the lines to print). Apps are asked in INSTALLED_APPS order, so an app's demo
data can build on the data of the apps listed before it.
"""

from collections.abc import Callable, Iterator
from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import module_has_submodule

from mesoplan.demo import DemoStaff, seed_staff

DemoSeeder = Callable[..., list[str]]


def app_demo_seeders() -> Iterator[DemoSeeder]:
    """Each installed app's `demo.seed_demo`, in INSTALLED_APPS order."""
    for app_config in apps.get_app_configs():
        if not module_has_submodule(app_config.module, "demo"):
            continue
        module = import_module(f"{app_config.name}.demo")
        seeder = getattr(module, "seed_demo", None)
        if callable(seeder):
            yield seeder


class Command(BaseCommand):
    help = "Create (or complete) the demo network, practices, staff and patients."

    def add_arguments(self, parser):
        parser.add_argument("--patients", type=int, default=40, help="synthetic patients in all")
        parser.add_argument(
            "--seed", type=int, default=1, help="random seed (same seed, same data)"
        )
        parser.add_argument("--password", default="mesoplan-demo", help="password of every account")
        parser.add_argument(
            "--meso-report-2015",
            action="store_true",
            help="also recreate the network's 2015 survey: 13,878 synthetic surveyed courses",
        )

    def handle(self, *args, **options):
        if options["patients"] < 0:
            self.stderr.write("--patients must be 0 or more")
            raise SystemExit(2)
        with transaction.atomic():
            staff = seed_staff(options["password"])
            extras = self.seed_apps(staff, options)
            if options["meso_report_2015"]:
                from reports.demo import recreate_2015

                extras += recreate_2015(staff, seed=options["seed"])
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        for line in extras:
            self.stdout.write(line)
        self.stdout.write(f"Accounts (password: {options['password']}):")
        for user in staff.accounts:
            where = user.practice or user.network
            self.stdout.write(f"  {user.username:<14} {user.get_role_display():<18} {where}")
        self.stdout.write(
            "Second factor: off in the demo practices. A practice manager switches it on "
            "under Staff > Second factor; the network admins' rule is the network's, in /admin/."
        )

    def seed_apps(self, staff: DemoStaff, options) -> list[str]:
        lines: list[str] = []
        for seed_demo in app_demo_seeders():
            lines += seed_demo(staff, patients=options["patients"], seed=options["seed"])
        return lines

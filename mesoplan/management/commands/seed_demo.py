"""Demo network for `make run`, demos and tests (API.md, "Provisioning").

Deterministic for a seed and safe to re-run: every row is found by a natural key (slug,
username) or a UUID derived from the seed, so a second run adds nothing.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from mesoplan.demo import seed_staff


class Command(BaseCommand):
    help = "Create (or complete) the demo network, practices, staff and patients."

    def add_arguments(self, parser):
        parser.add_argument("--patients", type=int, default=40, help="synthetic patients in all")
        parser.add_argument(
            "--seed", type=int, default=1, help="random seed (same seed, same data)"
        )
        parser.add_argument("--password", default="mesoplan-demo", help="password of every account")

    def handle(self, *args, **options):
        if options["patients"] < 0:
            self.stderr.write("--patients must be 0 or more")
            raise SystemExit(2)
        with transaction.atomic():
            staff = seed_staff(options["password"])
            extras = self.seed_domain(staff, options)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        for line in extras:
            self.stdout.write(line)
        self.stdout.write(f"Accounts (password: {options['password']}):")
        for user in staff.accounts:
            where = user.practice or user.network
            self.stdout.write(f"  {user.username:<14} {user.get_role_display():<18} {where}")

    def seed_domain(self, staff, options) -> list[str]:
        """Patients with screenings; later issues add courses, sessions and surveys."""
        from patients.demo import seed_patients

        new = seed_patients(staff.practices, options["patients"], options["seed"])
        return [f"Patients: {new} new ({options['patients']} requested, seed {options['seed']})."]

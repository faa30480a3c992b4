"""Give the application's own PostgreSQL role exactly what the running app needs.

Migrations run as the owner of the tables; web and worker processes connect as a role
that owns nothing (so it cannot ALTER a table or DISABLE its append-only triggers), may
not TRUNCATE anything, and may not UPDATE or DELETE the append-only records even where a
trigger would refuse anyway. Run it after every `migrate` (new tables need their grants):

    manage.py migrate && manage.py grant_app_role mesoplan_app --password-env APP_DB_PASSWORD
"""

import os

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from psycopg import sql

from mesoplan.append_only import append_only_tables


class Command(BaseCommand):
    help = "Create (if missing) and grant the app's PostgreSQL role: no ownership, no TRUNCATE."

    def add_arguments(self, parser):
        parser.add_argument("role", help="the role web and worker processes connect as")
        parser.add_argument(
            "--password-env",
            help="name of an environment variable holding the role's password (LOGIN role)",
        )

    def handle(self, *args, role, password_env=None, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Roles and grants are PostgreSQL's; the embedded SQLite has none.")
        password = os.environ.get(password_env, "") if password_env else ""
        if password_env and not password:
            raise CommandError(f"{password_env} is empty.")
        name = sql.Identifier(role)
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            if cursor.fetchone() is None:
                create = sql.SQL("CREATE ROLE {} LOGIN").format(name)
                if password:
                    create = sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                        name, sql.Literal(password)
                    )
                cursor.execute(create)
            cursor.execute(
                "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = %s",
                [role],
            )
            if cursor.fetchone()[0]:
                raise CommandError(f"{role} owns tables: use a role that owns none.")
            for statement in (
                "GRANT USAGE ON SCHEMA public TO {}",
                "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}",
                "REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA public FROM {}",
                "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}",
            ):
                cursor.execute(sql.SQL(statement).format(name))
            for table in append_only_tables():
                cursor.execute(
                    sql.SQL("REVOKE UPDATE, DELETE ON {} FROM {}").format(
                        sql.Identifier(table), name
                    )
                )
        self.stdout.write(f"{role}: read and append everywhere, no TRUNCATE, owns nothing.")

"""`make bench`: each bench_*.py module prints rows, times and ratios on a throw-away
test database (SQLite by default, PostgreSQL when DATABASE_URL points at it)."""

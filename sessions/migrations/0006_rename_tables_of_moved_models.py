"""The calendar, the lot registry and outcomes become apps of their own (scheduling,
lots, outcomes): first their tables are renamed in place, so every row, constraint,
index, foreign key, the exclusion constraint against double booking and the append-only
triggers stay exactly as they are (PostgreSQL and SQLite both carry them through ALTER
TABLE ... RENAME). The models themselves move in the state only, in 0007 and each new
app's 0001; no table is created or dropped."""

from django.db import migrations

from mesoplan.append_only import append_only_guards_moved

MOVED = {
    "openinghours": "scheduling",
    "closure": "scheduling",
    "workinghours": "scheduling",
    "absence": "scheduling",
    "kindlength": "scheduling",
    "course": "scheduling",
    "appointment": "scheduling",
    "recallentry": "scheduling",
    "productlot": "lots",
    "equipment": "lots",
    "outcomemeasure": "outcomes",
    "photo": "outcomes",
    "survey": "outcomes",
    "surveylink": "outcomes",
}
# Guarded in 0005: their triggers are renamed after their tables.
GUARDED = ("outcomemeasure", "photo", "survey")


class Migration(migrations.Migration):
    dependencies = [("clinical_sessions", "0005_session_records_append_only")]
    operations = [
        *(migrations.AlterModelTable(model, f"{app}_{model}") for model, app in MOVED.items()),
        append_only_guards_moved(
            {f"clinical_sessions_{model}": f"{MOVED[model]}_{model}" for model in GUARDED}
        ),
    ]

from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_every_model_change_has_a_migration():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


@pytest.mark.django_db
def test_insights_have_no_patient_only_index_beside_the_patient_current_one():
    from django.db import connection

    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "insights_insight")
    indexed = [c["columns"] for c in constraints.values() if c["index"] and not c["primary_key"]]
    assert ["patient_id"] not in indexed
    assert ["patient_id", "is_current"] in indexed

"""The shared read-only admin: append-only clinical records cannot be added, changed or
deleted in /admin/, not even by a superuser."""

import pytest
from django.contrib import admin

from mesoplan.admin_readonly import ReadOnlyAdmin
from patients.models import Screening, ScreeningAcknowledgement


@pytest.mark.parametrize("model", [Screening, ScreeningAcknowledgement])
def test_clinical_records_are_read_only_in_admin_even_for_a_superuser(model, rf):
    model_admin = admin.site._registry[model]
    assert isinstance(model_admin, ReadOnlyAdmin)
    request = rf.get("/admin/")
    request.user = type("Superuser", (), {"is_superuser": True, "is_active": True})()
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)

"""accounts.services: sharing invitations redeemed outside a web request (commands, scripts)."""

import pytest

from accounts import services
from accounts.models import ShareCodeAttempt
from tests.factories import ClinicianFactory

pytestmark = pytest.mark.django_db


def test_a_code_redeemed_without_a_request_binds_the_share(alice):
    share = services.share_create(patient=alice)
    clinician = ClinicianFactory()
    assert services.share_redeem(clinician=clinician, code=share.code).clinician == clinician


def test_a_wrong_code_without_a_request_is_counted_against_the_clinician(alice):
    clinician = ClinicianFactory()
    with pytest.raises(services.ShareError):
        services.share_redeem(clinician=clinician, code="AAAA-BBBB-CCCC")
    assert ShareCodeAttempt.objects.filter(clinician=clinician, ip_address=None).count() == 1

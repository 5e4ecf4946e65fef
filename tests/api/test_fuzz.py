"""Schema-driven fuzzing of the whole API with schemathesis, in-process over WSGI.

Every operation of ``/api/schema/`` is called with generated requests (a real token of a
patient with a diary) and must never answer 5xx; status codes, content types, headers and
bodies must conform to the schema. Deterministic (``derandomize``) and bounded so CI stays
under a couple of minutes; set ``FUZZ_EXAMPLES`` for a longer local run. The number of
requests sent is printed at the end of the run (``pytest_terminal_summary`` in conftest).
"""

import os

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from knox.models import AuthToken

from config.wsgi import application
from tests.api.conftest import write_diary

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
SENT = {"requests": 0, "operations": set()}

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


# Every check runs (``--checks all``), on positive and negative data. A request the schema
# allows may still break a diary rule no schema can state (a future day, a medication that is
# not on the list, a report period over 366 days, an If-Match that is no longer current): those
# answer 400 or 412 with a problem body, which the schema documents, so they count as accepted.
_positive = schema.config.checks.positive_data_acceptance
_positive.expected_statuses = [*_positive.expected_statuses, "400", "412"]


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Calling the real WSGI handler fires ``close_old_connections``, which closes the test's
    transaction on PostgreSQL; Django's own test client disconnects it the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def token(db, alice, carol):
    """A patient with a diary and a share, so reads and writes find real objects."""
    write_diary(alice)
    return AuthToken.objects.create(user=alice)[1]


@pytest.mark.slow
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_operation_fails_or_breaks_its_schema(case, token):
    SENT["requests"] += 1
    SENT["operations"].add(case.operation.label)
    # identity: schemathesis' WSGI transport does not undo the gzip the site applies.
    headers = {"Authorization": f"Token {token}", "Accept-Encoding": "identity"}
    case.call_and_validate(headers=headers)

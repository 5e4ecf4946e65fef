"""The Python client a mobile team generates from openapi.yaml (openapi-python-client, made by
``scripts/generate_clients.sh`` / ``make clients``) works against a real server as generated:
login, a full paged pull, a conflicting edit (412, merge, retry), a batch and a delta pull.
"""

import datetime
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings

GENERATED = Path(settings.BASE_DIR) / ".clients" / "python"
if (GENERATED / "flaremap_client").is_dir() and str(GENERATED) not in sys.path:
    sys.path.insert(0, str(GENERATED))
client_package = pytest.importorskip(
    "flaremap_client",
    reason="generated client absent: run `make clients` (CI does, before the tests)",
)

from flaremap_client import AuthenticatedClient, Client  # noqa: E402
from flaremap_client.api.auth import auth_token_create  # noqa: E402
from flaremap_client.api.days import days_list, days_partial_update, days_update  # noqa: E402
from flaremap_client.api.sync import sync_batch_create  # noqa: E402
from flaremap_client.models import (  # noqa: E402
    BatchOperationRequest,
    BatchOperationRequestData,
    BatchRequestRequest,
    Day,
    DayConflict,
    DayRequest,
    OpEnum,
    PatchedDayRequest,
    ResourceEnum,
    TokenRequestRequest,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
FIRST = datetime.date(2026, 3, 1)


def _pull(api, **filters) -> list[Day]:
    """Every page of /days/, following `next` by its cursor, two days a page."""
    days, cursor = [], None
    while True:
        page = days_list.sync(
            client=api, page_size=2, **filters, **({"cursor": cursor} if cursor else {})
        )
        days += page.results
        if page.next_ is None:
            return days
        cursor = parse_qs(urlsplit(page.next_).query)["cursor"][0]


def test_the_generated_client_logs_in_pulls_resolves_a_conflict_batches_and_syncs(
    live_server, alice, password
):
    login = auth_token_create.sync(
        client=Client(base_url=live_server.url, headers={"Connection": "close"}),
        body=TokenRequestRequest(email=alice.email, password=password, device_name="phone"),
    )
    # One connection per request: a kept-alive connection would hold the server thread's
    # database session open past the test (PostgreSQL then cannot drop the test database).
    once = {"Connection": "close"}
    phone = AuthenticatedClient(base_url=live_server.url, token=login.token, headers=once)
    laptop = AuthenticatedClient(base_url=live_server.url, token=login.token, headers=once)

    for offset in range(5):
        day = FIRST + datetime.timedelta(days=offset)
        stored = days_update.sync(key=day, client=phone, body=DayRequest(stress=offset))
        assert stored.version == 1 and stored.id
    everything = _pull(phone)
    assert [d.date for d in everything] == [FIRST + datetime.timedelta(days=n) for n in range(5)]
    since = max(d.updated_at for d in everything)

    read = days_update.sync_detailed(key=FIRST, client=phone, body=DayRequest(stress=1))
    etag = read.headers["ETag"]
    won = days_partial_update.sync_detailed(
        key=FIRST, client=phone, body=PatchedDayRequest(stress=7), if_match=etag
    )
    assert won.status_code == 200 and isinstance(won.parsed, Day)
    lost = days_partial_update.sync_detailed(
        key=FIRST, client=laptop, body=PatchedDayRequest(mood=3), if_match=etag
    )
    assert lost.status_code == 412 and isinstance(lost.parsed, DayConflict)
    current = lost.parsed.current
    assert current.stress == 7
    merged = days_partial_update.sync_detailed(
        key=FIRST,
        client=laptop,
        body=PatchedDayRequest(mood=3),
        if_match=f'W/"{current.version}"',
    )
    assert merged.status_code == 200
    assert (merged.parsed.stress, merged.parsed.mood) == (7, 3)

    second = FIRST + datetime.timedelta(days=1)
    batch = sync_batch_create.sync(
        client=phone,
        body=BatchRequestRequest(
            operations=[
                BatchOperationRequest(
                    op=OpEnum.PATCH,
                    resource=ResourceEnum.DAYS,
                    key=second.isoformat(),
                    data=BatchOperationRequestData.from_dict({"stress": 9}),
                ),
                BatchOperationRequest(
                    op=OpEnum.DELETE, resource=ResourceEnum.DAYS, key="2026-03-05"
                ),
                BatchOperationRequest(
                    op=OpEnum.PATCH,
                    resource=ResourceEnum.DAYS,
                    key="2999-01-01",
                    data=BatchOperationRequestData.from_dict({"stress": 1}),
                ),
            ]
        ),
    )
    patched, deleted, refused = batch.results
    assert patched.status == 200 and isinstance(patched.data, Day) and patched.data.stress == 9
    assert deleted.status == 204 and deleted.data is None
    assert refused.status == 400
    assert refused.errors.errors[0].attr == "date" and refused.errors.errors[0].code

    changes = _pull(phone, updated_since=since)
    changed = {d.date: d for d in changes}
    assert changed[FIRST].mood == 3 and changed[second].stress == 9
    assert changed[datetime.date(2026, 3, 5)].deleted is True

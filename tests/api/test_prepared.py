"""Lists with SQL compiled once per shape return exactly what the ORM returns."""

import datetime as dt
import itertools

import pytest
from django.db import connection, transaction
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from diary.api import prepared
from diary.api.prepared import PreparedRows
from diary.api.resources import DAYS, DOSES, HEADACHES, QUESTIONNAIRES
from diary.models import Day, HeadacheAttack

pytestmark = pytest.mark.django_db

START, END = dt.date(2026, 3, 3), dt.date(2026, 3, 12)


@pytest.fixture
def diary(alice, bob, api_as):
    for patient in (alice, bob):
        client = api_as(patient)
        for offset in range(15):
            day = dt.date(2026, 3, 1) + dt.timedelta(days=offset)
            client.put(f"/api/v1/days/{day}/", {"stress": offset % 11}, format="json")
        for offset in (1, 4, 9):
            client.post(
                "/api/v1/headaches/",
                {"started_at": f"2026-03-{offset:02}T21:00:00Z", "peak_intensity": 5},
                format="json",
            )
        client.delete("/api/v1/days/2026-03-05/")
    return alice


def _same(rows: PreparedRows) -> list:
    fetched, expected = list(rows), list(rows.queryset())
    assert [row.pk for row in fetched] == [row.pk for row in expected]
    assert [vars(row) | {"_state": None} for row in fetched] == [
        vars(row) | {"_state": None} for row in expected
    ]
    assert all(not row._state.adding and row._state.db == "default" for row in fetched)
    return fetched


SINCE = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
RANGES = [(None, None), (START, None), (None, END), (START, END)]


@pytest.mark.parametrize("resource", [DAYS, HEADACHES, DOSES, QUESTIONNAIRES])
@pytest.mark.parametrize(("start", "end"), RANGES)
@pytest.mark.parametrize("since", [None, SINCE])
def test_every_list_shape_returns_the_orms_rows(diary, resource, start, end, since):
    rows = resource.changes(diary, start=start, end=end, updated_since=since)
    ordering = resource.list_ordering(syncing=since is not None)
    _same(rows.order_by(*ordering)[0:101])
    _same(rows.order_by(*(f"-{name}" for name in ordering))[2:5])


def test_a_cursor_position_given_as_text_compares_as_the_fields_type(diary):
    days = DAYS.changes(diary, start=START, end=END).order_by("date")
    after = _same(days.filter(date__gt="2026-03-06")[0:101])
    assert [day.date.day for day in after] == [7, 8, 9, 10, 11, 12]
    before = _same(days.order_by("-date").filter(date__lt="2026-03-06")[0:3])
    assert [day.date.day for day in before] == [4, 3]  # the 5th is deleted
    synced = DAYS.changes(diary, updated_since=SINCE).order_by("updated_at", "id")
    middle = list(synced)[5].updated_at
    _same(synced.filter(updated_at__gt=str(middle))[0:101])


def test_other_patients_rows_never_appear(diary, bob):
    days = _same(DAYS.changes(diary).order_by("date")[0:101])
    assert {day.patient_id for day in days} == {diary.pk}
    assert len(days) == 14


def test_on_postgresql_the_sql_is_the_orms_own_and_compiled_once(diary):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite binds dates as text, so its lists run through the ORM")
    prepared._compile.cache_clear()
    for start, end in itertools.product((START, dt.date(2026, 3, 1)), (END, None)):
        rows = DAYS.changes(diary, start=start, end=end).order_by("date")[0:101]
        values: list = []
        shape = prepared._shape(rows.conditions, values)
        compiled = prepared._compile(Day, "default", shape, ("date",), (0, 101), False)
        assert compiled is not None
        orm_sql, orm_params = rows.queryset().query.get_compiler("default").as_sql()
        assert (compiled.sql, compiled.parameters(values)) == (orm_sql, list(orm_params))
        with CaptureQueriesContext(connection) as queries:
            _same(rows)
        assert len(queries) == 2  # the prepared one and the ORM's, for the comparison
    assert prepared._compile.cache_info().misses == 2  # two shapes: with and without `to`


def test_on_sqlite_a_shape_falls_back_to_the_orm(diary):
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL binds the values as they are")
    rows = DAYS.changes(diary, start=START).order_by("date")[0:101]
    values: list = []
    shape = prepared._shape(rows.conditions, values)
    assert prepared._compile(Day, "default", shape, ("date",), (0, 101), False) is None
    assert len(_same(rows)) == 12  # the 3rd to the 15th, without the deleted 5th


@pytest.mark.parametrize(
    "conditions",
    [
        Q(patient=1),  # fine: an int
        Q(date__in=[START, END]),  # a list
        Q(updated_at__gte=dt.datetime(2026, 3, 1)),  # a naive datetime
    ],
)
@pytest.mark.filterwarnings("ignore:DateTimeField Day.updated_at received a naive datetime")
def test_values_that_are_not_bound_as_they_are_run_through_the_orm(diary, conditions):
    rows = PreparedRows(Day, conditions & Q(patient_id=diary.pk)).order_by("date")
    assert _same(rows[0:50]) == list(rows.queryset()[0:50])


def test_a_model_instance_as_a_value_runs_through_the_orm(diary):
    rows = PreparedRows(HeadacheAttack, Q(patient=diary)).order_by("started_at")
    with pytest.raises(prepared.Unpreparable):
        prepared._shape(rows.conditions, [])
    assert len(_same(rows[0:10])) == 3


def test_indexing_and_stepped_slices_behave_like_a_queryset(diary):
    days = DAYS.changes(diary).order_by("date")
    assert days[0] == Day.objects.filter(patient=diary, deleted_at__isnull=True).order_by("date")[0]
    assert [day.pk for day in days[0:10:3]] == [day.pk for day in days.queryset()[0:10:3]]


def test_a_locking_read_is_the_orms_select_for_update(diary):
    rows = PreparedRows(Day, Q(patient_id=diary.pk, date=START)).select_for_update()
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        (day,) = _same(rows.order_by()[:1])
    assert day.date == START
    if connection.vendor == "postgresql":
        assert queries[0]["sql"].endswith("FOR UPDATE")

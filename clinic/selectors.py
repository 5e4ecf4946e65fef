"""Reads for the clinician side: dashboard rows, shares and the access log.

Authorization always comes from ``accounts.access``; the rows from ``diary.selectors`` and the
day definitions from ``diary.derive``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.cache import cache
from django.db.models import Max, OuterRef, QuerySet, Subquery
from django.utils import timezone

from accounts import access
from accounts.models import AccessEvent, Share, User, normalize_share_code
from clinic import criteria
from diary.days import diary_date_for
from diary.derive import WPI_WEEK_DAYS, DayFacts, WpiWeek, wpi_week
from diary.models import Day, HeadacheAttack, Medication, QuestionnaireResponse
from diary.selectors import day_facts_many
from insights.models import Insight

logger = logging.getLogger(__name__)

DASHBOARD_WINDOW_DAYS = 30
SSS_RECENT_DAYS = 30  # an SSS older than this gives no ACR screen
SUMMARY_CACHE_SECONDS = 26 * 3600
SUMMARY_VERSION = 2  # bump when the summary or the day rules change


# --- dashboard --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Trend:
    """Last window vs the window before; ``change`` > 0 means more days now."""

    now: int
    before: int

    @property
    def change(self) -> int:
        return self.now - self.before

    @property
    def direction(self) -> str:
        return "up" if self.change > 0 else "down" if self.change < 0 else "same"

    @property
    def arrow(self) -> str:
        return {"up": "↑", "down": "↓", "same": "→"}[self.direction]


@dataclass
class DashboardRow:
    patient: User
    diary_shared: bool
    insights_shared: bool
    last_entry: date | None = None
    today: date | None = None
    headache: Trend | None = None
    migraine: Trend | None = None
    medication: Trend | None = None
    overuse: list[criteria.OveruseRow] = field(default_factory=list)
    overuse_status: str = "below"
    chronic_pattern: bool = False
    wpi_week: WpiWeek | None = None  # the last 7 days
    acr: criteria.Acr2016Screen | None = None
    sss_date: date | None = None
    found_insights: int = 0
    new_insights: int = 0

    @property
    def wpi(self) -> int | None:
        """The WPI-like of the last 7 days; None with too few answered days."""
        return None if self.wpi_week is None else self.wpi_week.wpi

    @property
    def days_since_entry(self) -> int | None:
        if self.last_entry is None or self.today is None:
            return None
        return (self.today - self.last_entry).days


SORTS = {  # key: (label on the page, sort key, most first)
    "name": ("Patient", lambda row: row.patient.email, False),
    "last_entry": ("Last entry", lambda row: row.last_entry or date.min, True),
    "headache": ("Headache days", lambda row: row.headache.now if row.headache else -1, True),
    "migraine": ("Migraine days", lambda row: row.migraine.now if row.migraine else -1, True),
    "medication": (
        "Acute medication days",
        lambda row: row.medication.now if row.medication else -1,
        True,
    ),
    "wpi": ("WPI-like", lambda row: row.wpi if row.wpi is not None else -1, True),
    "insights": ("Insights", lambda row: (row.new_insights, row.found_insights), True),
}
DEFAULT_SORT = "name"


def _shared_patients(reader: User, query: str = "") -> list[User]:
    """Everyone sharing diary or insights with ``reader``, with what one row needs annotated.

    Four queries: the two scoped id lists from ``accounts.access``, the patients (with
    "latest row" subqueries that each use a per-patient index) and who has an ongoing attack.
    Per-row EXISTS or unindexed subqueries made PostgreSQL cost the patient query high enough
    to JIT-compile it, which alone took 0.3-1 s per load.
    """
    diary = set(access.readable_patients(reader, "diary").values_list("pk", flat=True))
    insights = set(access.readable_patients(reader, "insights").values_list("pk", flat=True))
    if not diary and not insights:
        return []
    live_days = Day.objects.filter(patient=OuterRef("pk"), deleted_at__isnull=True)
    live_attacks = HeadacheAttack.objects.filter(patient=OuterRef("pk"), deleted_at__isnull=True)
    latest_sss = QuestionnaireResponse.objects.filter(
        patient=OuterRef("pk"), instrument="sss", deleted_at__isnull=True
    ).order_by("-date")
    medications = Medication.objects.filter(patient=OuterRef("pk")).order_by("-updated_at")
    patients = User.objects.filter(pk__in=diary | insights)
    if query:
        patients = patients.filter(email__icontains=query)
    patients = list(
        patients.select_related("patient_profile", "analysis_state")
        .annotate(
            medications_changed=Subquery(medications.values("updated_at")[:1]),
            last_day=Subquery(live_days.order_by("-date").values("date")[:1]),
            last_attack=Subquery(live_attacks.order_by("-start_date").values("start_date")[:1]),
            sss_score=Subquery(latest_sss.values("score")[:1]),
            sss_date=Subquery(latest_sss.values("date")[:1]),
        )
        .order_by("email")
    )
    ongoing = set(
        HeadacheAttack.objects.filter(
            patient_id__in=diary, deleted_at__isnull=True, ended_at__isnull=True
        ).values_list("patient_id", flat=True)
    )
    for patient in patients:
        patient.diary_shared = patient.pk in diary
        patient.insights_shared = patient.pk in insights
        patient.has_ongoing_attack = patient.pk in ongoing
    return patients


def _insight_counts(*, reader: User, patient_ids: list[int]) -> dict[int, tuple[int, int]]:
    """(found, new since the reader's last recorded view) per patient, in two queries."""
    if not patient_ids:
        return {}
    last_seen = dict(
        AccessEvent.objects.filter(actor=reader, patient_id__in=patient_ids)
        .values("patient_id")
        .annotate(last=Max("at"))
        .values_list("patient_id", "last")
    )
    counts: dict[int, tuple[int, int]] = {}
    rows = Insight.objects.filter(
        patient_id__in=patient_ids, is_current=True, status="found"
    ).values_list("patient_id", "computed_at")
    for patient_id, computed_at in rows:
        found, new = counts.get(patient_id, (0, 0))
        seen = last_seen.get(patient_id)
        counts[patient_id] = (found + 1, new + (seen is None or computed_at > seen))
    return counts


@dataclass(frozen=True)
class DiarySummary:
    """The diary part of one dashboard row (cacheable: it depends only on the diary and day)."""

    headache: Trend
    migraine: Trend
    medication: Trend
    chronic_pattern: bool
    overuse: tuple[criteria.OveruseRow, ...]
    check_ins: tuple[DayFacts, ...]  # of the days a WPI-like week may need (see WPI_RECENT_DAYS)


WPI_RECENT_DAYS = SSS_RECENT_DAYS + WPI_WEEK_DAYS  # the SSS's week may start this far back


def summarize(facts: list[DayFacts]) -> DiarySummary:
    """Last 30 days vs the 30 before, overuse and chronic pattern now, and the check-ins that
    the WPI-like weeks need (this week's, and the week of a recent SSS)."""
    now, before = facts[-DASHBOARD_WINDOW_DAYS:], facts[:-DASHBOARD_WINDOW_DAYS]
    load_now, load_before = criteria.headache_load(now), criteria.headache_load(before)
    return DiarySummary(
        headache=Trend(load_now.headache_days, load_before.headache_days),
        migraine=Trend(load_now.migraine_days, load_before.migraine_days),
        medication=Trend(load_now.acute_medication_days, load_before.acute_medication_days),
        chronic_pattern=load_now.meets_chronic_pattern,
        overuse=tuple(criteria.overuse_rows(now)),
        check_ins=tuple(
            DayFacts(
                date=fact.date, recorded=True, pain=fact.pain, pain_answered=fact.pain_answered
            )
            for fact in facts[-WPI_RECENT_DAYS:]
            if fact.recorded
        ),
    )


def _fill_diary(row: DashboardRow, summary: DiarySummary, sss_score, sss_date) -> None:
    row.headache, row.migraine = summary.headache, summary.migraine
    row.medication = summary.medication
    row.chronic_pattern = summary.chronic_pattern
    row.overuse = list(summary.overuse)
    row.overuse_status = criteria.overuse_summary(row.overuse)
    row.wpi_week = wpi_week(summary.check_ins, end=row.today)
    row.sss_date = sss_date
    recent = sss_date is not None and (row.today - sss_date).days <= SSS_RECENT_DAYS
    row.acr = criteria.acr_screen(
        summary.check_ins,
        sss_score=sss_score if recent else None,
        sss_date=sss_date if recent else None,
        end=row.today,
    )


def _summary_key(patient: User, today: date) -> str | None:
    """Cache key that changes with every diary write (diary services bump the patient's
    ``AnalysisState.data_changed_at``), medication-list edit and diary day. Patients with an
    ongoing attack are not cached: its minutes, and so the day rules, change by the hour."""
    state = getattr(patient, "analysis_state", None)
    if state is None or patient.has_ongoing_attack:
        return None
    meds = patient.medications_changed.timestamp() if patient.medications_changed else 0
    stamp = f"{state.data_changed_at.timestamp()}:{meds}"
    return f"clinic:dashboard:{SUMMARY_VERSION}:{patient.pk}:{today.isoformat()}:{stamp}"


def _cached(keys: Iterable[str]) -> dict:
    try:
        return cache.get_many(list(keys))
    except Exception:  # a cache outage only costs speed
        logger.warning("dashboard cache unavailable; computing every row")
        return {}


def _store(entries: dict) -> None:
    try:
        cache.set_many(entries, SUMMARY_CACHE_SECONDS)
    except Exception:
        logger.warning("dashboard cache unavailable; rows not stored")


def diary_summaries(
    *, patients: Sequence[User], todays: dict[int, date]
) -> dict[int, DiarySummary]:
    """Summaries for the patients in ``todays``: from the cache where the diary is unchanged,
    otherwise from day facts loaded in three queries for all the others."""
    keys = {pk: _summary_key(p, todays[p.pk]) for p in patients if (pk := p.pk) in todays}
    hits = _cached(key for key in keys.values() if key)
    summaries = {pk: hits[key] for pk, key in keys.items() if key in hits}
    windows = {
        pk: (today - timedelta(days=2 * DASHBOARD_WINDOW_DAYS - 1), today)
        for pk, today in todays.items()
        if pk not in summaries
    }
    recent = min(
        (end - timedelta(days=WPI_RECENT_DAYS - 1) for _, end in windows.values()), default=None
    )
    facts = day_facts_many(patients=patients, windows=windows, full_days_since=recent)
    fresh = {pk: summarize(day_facts) for pk, day_facts in facts.items()}
    _store({keys[pk]: summary for pk, summary in fresh.items() if keys[pk]})
    return summaries | fresh


def dashboard_rows(
    *, reader: User, sort: str = DEFAULT_SORT, query: str = "", now: datetime | None = None
) -> list[DashboardRow]:
    """One row per patient sharing with ``reader``, in a constant number of queries.

    Diary figures cover the patient's last 30 diary days and, for trend arrows, the 30 before;
    the WPI-like count covers the last 7 days (``diary.derive.wpi_week``, as in the report).
    Only shared scopes are filled in.
    """
    now = now or timezone.now()
    patients = _shared_patients(reader, query)
    rows = {p.pk: DashboardRow(p, p.diary_shared, p.insights_shared) for p in patients}
    todays = {}
    for patient in patients:
        if patient.diary_shared:
            row = rows[patient.pk]
            row.today = todays[patient.pk] = diary_date_for(patient, now)
            row.last_entry = max(
                (d for d in (patient.last_day, patient.last_attack) if d), default=None
            )
    for patient_id, summary in diary_summaries(patients=patients, todays=todays).items():
        patient = rows[patient_id].patient
        _fill_diary(rows[patient_id], summary, patient.sss_score, patient.sss_date)
    insight_ids = [p.pk for p in patients if p.insights_shared]
    for patient_id, (found, new) in _insight_counts(reader=reader, patient_ids=insight_ids).items():
        rows[patient_id].found_insights, rows[patient_id].new_insights = found, new
    _, key, descending = SORTS.get(sort, SORTS[DEFAULT_SORT])
    ordered = sorted(rows.values(), key=lambda row: row.patient.email)
    return sorted(ordered, key=key, reverse=descending)


# --- consent and audit ------------------------------------------------------------------------


def shares_of(*, patient: User) -> QuerySet[Share]:
    """Every share the patient ever created, newest first, with the clinician's profile."""
    return (
        Share.objects.filter(patient=patient)
        .select_related("clinician__clinician_profile")
        .order_by("-created_at")
    )


def share_of(*, patient: User, share_id) -> Share | None:
    return shares_of(patient=patient).filter(pk=share_id).first()


def invitation_state(*, code: str) -> tuple[str, Share | None]:
    """What a typed code refers to: unknown | revoked | used | expired | pending (one query)."""
    normalized = normalize_share_code(code)  # as share_redeem reads it
    share = Share.objects.filter(code=normalized).first() if normalized else None
    if share is None:
        return "unknown", None
    if share.revoked_at is not None:
        return "revoked", share
    if share.clinician_id is not None:
        return "used", share
    if share.invite_expires_at <= timezone.now():
        return "expired", share
    return "pending", share


def access_events_for(*, patient: User) -> QuerySet[AccessEvent]:
    """The patient's "who viewed my diary" log, newest first."""
    return (
        AccessEvent.objects.filter(patient=patient)
        .select_related("actor__clinician_profile")
        .order_by("-at", "-id")
    )


def latest_by_instrument(
    responses: Iterable[QuestionnaireResponse],
) -> dict[str, QuestionnaireResponse]:
    latest: dict[str, QuestionnaireResponse] = {}
    for response in responses:
        current = latest.get(response.instrument)
        if current is None or response.date >= current.date:
            latest[response.instrument] = response
    return latest

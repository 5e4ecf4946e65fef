"""Benchmark data: realistic diaries from ``diary.demo``, copied in bulk to many patients.

A few *template* patients get a simulated diary through ``diary.demo.seed_patient_diary`` (the
``seed_demo`` generator: body pain maps, stress, sleep items, attacks crossing midnight, doses,
questionnaires) and their insights through ``insights.services.recompute_patient``. Every other
patient is a copy of one template's rows, written with PostgreSQL ``COPY`` through psycopg's
public ``copy()``: 10,000 patient-years take a few minutes, not hours. The copy reads the
template's rows with ``COPY (SELECT ...) TO STDOUT`` and only swaps the patient id and the first
eight hex digits of every UUID (the patient id in hex), so it follows any model change.

Users, profiles and shares go through the ORM (``bulk_create``, ``accounts.services``).
"""

BENCH_PASSWORD = "bench-pass-123"
ZONE = "Europe/London"
PATIENT_EMAIL = "p{:05d}@bench.example.com"
CLINICIAN_EMAIL = "clinician@bench.example.com"
LONG_EMAIL = "three-years@bench.example.com"


def _copied_models() -> list:
    """Per-patient tables, parents before children (doses point at medications and attacks)."""
    from diary.models import Day, Dose, HeadacheAttack, Medication, QuestionnaireResponse
    from insights.models import AnalysisState, Insight

    return [Medication, HeadacheAttack, Dose, Day, QuestionnaireResponse, Insight, AnalysisState]


def create_patients(emails: list[str], *, zone: str = ZONE) -> list:
    """Patient accounts with profiles; all share one password hash (hashing is slow on purpose)."""
    from django.contrib.auth.hashers import make_password

    from accounts.models import PatientProfile, User

    password = make_password(BENCH_PASSWORD)
    users = User.objects.bulk_create(
        [User(email=email, role=User.Role.PATIENT, password=password) for email in emails],
        batch_size=2000,
    )
    PatientProfile.objects.bulk_create(
        [PatientProfile(user=user, timezone=zone) for user in users], batch_size=2000
    )
    return users


def seed_template(patient, *, days: int, seed: int) -> None:
    """A simulated diary of ``days`` days ending yesterday, and its insights."""
    from diary import demo
    from insights import services

    demo.seed_patient_diary(patient=patient, days=days, seed=seed, persona=seed % 2)
    services.recompute_patient(patient.pk)


def _select(model, connection) -> tuple[str, str]:
    """Column list and SELECT expressions that turn a template row into a placeholder row."""
    from accounts.models import User

    quote = connection.ops.quote_name
    columns, expressions = [], []
    for field in model._meta.concrete_fields:
        kind = (field.target_field if field.is_relation else field).get_internal_type()
        if field.primary_key and kind in ("AutoField", "BigAutoField", "SmallAutoField"):
            continue  # the database numbers the copy
        column = quote(field.column)
        columns.append(column)
        if field.is_relation and field.related_model is User:
            expressions.append("'@@P@@'")
        elif kind == "UUIDField":
            expressions.append(f"'@@H@@' || substr({column}::text, 9)")
        else:
            expressions.append(column)
    return ", ".join(columns), ", ".join(expressions)


def _patient_column(model) -> str:
    from accounts.models import User

    for field in model._meta.concrete_fields:
        if field.is_relation and field.related_model is User:
            return field.column
    raise ValueError(f"{model.__name__} has no patient column")


def template_rows(template_id: int) -> dict:
    """The template's rows of every per-patient table, in COPY text with placeholders."""
    from django.db import connection

    rows = {}
    with connection.cursor() as cursor:
        for model in _copied_models():
            _, expressions = _select(model, connection)
            sql = (
                f"COPY (SELECT {expressions} FROM {connection.ops.quote_name(model._meta.db_table)}"
                f" WHERE {_patient_column(model)} = {int(template_id)}) TO STDOUT"
            )
            with cursor.copy(sql) as copy:
                rows[model] = b"".join(bytes(block) for block in copy)
    return rows


def copy_diaries(assignments: list[tuple[int, dict]]) -> None:
    """Write each (patient id, template rows) pair with one COPY per table for the whole list."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        for model in _copied_models():
            columns, _ = _select(model, connection)
            table = connection.ops.quote_name(model._meta.db_table)
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for patient_id, rows in assignments:
                    data = rows[model].replace(b"@@P@@", str(patient_id).encode())
                    copy.write(data.replace(b"@@H@@", f"{patient_id:08x}".encode()))


def grow(total: int, *, templates: int = 20, days: int = 365, chunk: int = 250) -> int:
    """Make sure patients ``p00000`` .. ``p{total-1}`` exist, each with a diary; returns how many
    were added. The first ``templates`` are simulated, the others are copies of them."""
    from accounts.models import User

    existing = User.objects.filter(email__endswith="@bench.example.com", email__startswith="p")
    have = existing.count()
    if have >= total:
        return 0
    seeded = min(templates, total)
    for index in range(have, seeded):
        (patient,) = create_patients([PATIENT_EMAIL.format(index)])
        seed_template(patient, days=days, seed=index)
    if total <= seeded:
        return total - have
    rows = [template_rows(template_id) for template_id in patient_ids(seeded)]
    for start in range(max(have, seeded), total, chunk):
        indices = range(start, min(start + chunk, total))
        users = create_patients([PATIENT_EMAIL.format(i) for i in indices])
        copy_diaries([(user.pk, rows[i % seeded]) for i, user in zip(indices, users, strict=True)])
    return total - have


def patient_ids(count: int) -> list[int]:
    """The first ``count`` bench patients' ids, in creation order."""
    from accounts.models import User

    emails = [PATIENT_EMAIL.format(i) for i in range(count)]
    by_email = dict(User.objects.filter(email__in=emails).values_list("email", "pk"))
    return [by_email[email] for email in emails if email in by_email]


def long_patient(*, years: int = 3) -> int:
    """The patient with a ``years``-year diary (made once), for the single-recompute figure."""
    from accounts.models import User

    found = User.objects.filter(email=LONG_EMAIL).values_list("pk", flat=True).first()
    if found:
        return found
    (patient,) = create_patients([LONG_EMAIL])
    seed_template(patient, days=365 * years, seed=3)
    return patient.pk


def clinician_with_patients(count: int):
    """A clinician with whom the first ``count`` bench patients share (diary and insights),
    through the same services as a patient's invitation and a clinician's redemption."""
    from accounts import services
    from accounts.models import Share, User

    clinician = User.objects.filter(email=CLINICIAN_EMAIL).first()
    if clinician is None:
        clinician = services.clinician_register(
            email=CLINICIAN_EMAIL, password=BENCH_PASSWORD, name="Dr Bench"
        )
    sharing = set(Share.objects.filter(clinician=clinician).values_list("patient_id", flat=True))
    for patient in User.objects.filter(pk__in=patient_ids(count)).exclude(pk__in=sharing):
        share = services.share_create(patient=patient)
        services.share_redeem(clinician=clinician, code=share.code)
    return clinician


def last_diary_day(patient_id: int):
    """The patient's newest diary day (the data may be older than today with ``--reuse``)."""
    from diary.models import Day

    days = Day.objects.filter(patient_id=patient_id).order_by("-date")
    return days.values_list("date", flat=True).first()

"""The ``import_diary`` / ``export_diary`` commands of the architecture contract."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from diary.models import Day, HeadacheAttack
from tests.diary.test_csv_import import EXAMPLE
from tests.factories import ClinicianFactory

pytestmark = pytest.mark.django_db


def run(*args, **options):
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def example_file(tmp_path):
    path = tmp_path / "diary.csv"
    path.write_text(EXAMPLE, encoding="utf-8")
    return path


def test_import_diary_loads_the_file_and_prints_a_summary(alice, example_file):
    out, err = run("import_diary", "alice@example.com", str(example_file))
    assert "Imported 2 row(s): 2 new day(s), 0 updated, 0 unchanged." in out
    assert err == ""
    assert Day.objects.filter(patient=alice).count() == 2


def test_export_diary_writes_the_csv_to_stdout(alice, example_file):
    run("import_diary", "alice@example.com", str(example_file))
    out, _ = run("export_diary", "alice@example.com")
    assert out == EXAMPLE


def test_export_diary_accepts_a_date_range(alice, example_file):
    run("import_diary", "alice@example.com", str(example_file))
    out, _ = run("export_diary", "alice@example.com", "--start", "2026-03-02")
    assert out.splitlines()[1:] == ["2026-03-02,0,,,,,2,7.5,4,neck:2,"]


def test_export_diary_refuses_a_bad_date(alice):
    with pytest.raises(CommandError, match="not a date"):
        run("export_diary", "alice@example.com", "--end", "tomorrow")


def test_importing_twice_reports_every_row_unchanged(alice, example_file):
    run("import_diary", "alice@example.com", str(example_file))
    out, _ = run("import_diary", "alice@example.com", str(example_file))
    assert "0 new day(s), 0 updated, 2 unchanged" in out
    assert HeadacheAttack.objects.filter(patient=alice).count() == 1


def test_errors_go_to_stderr_with_line_numbers_and_exit_non_zero(alice, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(EXAMPLE + "2026-03-03,1,12,2,,,,,,,\n2026-03-04,,,,,,,,,knee:2,\n")
    err = StringIO()
    with pytest.raises(CommandError, match="Nothing imported: 2 problem"):
        call_command("import_diary", "alice@example.com", str(path), stdout=StringIO(), stderr=err)
    lines = err.getvalue().splitlines()
    assert lines[0].startswith("line 4: headache_peak must be a whole number")
    assert lines[1].startswith("line 5: body_pain: unknown region “knee”")
    assert not Day.objects.filter(patient=alice).exists()


def test_warnings_are_printed_but_the_import_succeeds(alice, tmp_path):
    path = tmp_path / "extra.csv"
    path.write_text("date,stress,mood\n2026-03-01,3,4\n")
    out, err = run("import_diary", "alice@example.com", str(path))
    assert "warning: line 1: unknown column “mood” is ignored" in err
    assert "1 new day(s)" in out


def test_a_missing_account_is_an_error_without_create(example_file):
    with pytest.raises(CommandError, match="use --create"):
        run("import_diary", "new@example.com", str(example_file))
    assert not User.objects.filter(email="new@example.com").exists()


def test_create_makes_a_patient_with_an_unusable_password(example_file):
    out, _ = run(
        "import_diary", "New@Example.com", str(example_file), "--create", "--timezone", "Asia/Tokyo"
    )
    user = User.objects.get(email="new@example.com")
    assert user.is_patient and not user.has_usable_password()
    assert user.patient_profile.timezone == "Asia/Tokyo"
    assert "Created patient account new@example.com" in out
    assert Day.objects.filter(patient=user).count() == 2


def test_create_with_a_bad_file_leaves_no_account_behind(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("date,stress\n2026-03-01,99\n")
    with pytest.raises(CommandError):
        run("import_diary", "new@example.com", str(path), "--create")
    assert not User.objects.filter(email="new@example.com").exists()


def test_create_refuses_an_invalid_email(example_file):
    with pytest.raises(CommandError, match="valid email"):
        run("import_diary", "not-an-email", str(example_file), "--create")


def test_create_refuses_an_unknown_timezone(example_file):
    with pytest.raises(CommandError, match="Unknown time zone"):
        run("import_diary", "x@example.com", str(example_file), "--create", "--timezone", "Mars")


def test_create_reuses_an_existing_patient(alice, example_file):
    run("import_diary", "alice@example.com", str(example_file), "--create")
    assert User.objects.filter(email="alice@example.com").count() == 1
    assert alice.has_usable_password()


def test_a_clinician_account_cannot_receive_a_diary(example_file):
    ClinicianFactory(email="doc@example.com")
    with pytest.raises(CommandError, match="not a patient account"):
        run("import_diary", "doc@example.com", str(example_file))
    with pytest.raises(CommandError, match="No patient account"):
        run("export_diary", "doc@example.com")


def test_an_unreadable_or_non_utf8_file_is_a_clear_error(alice, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run("import_diary", "alice@example.com", str(tmp_path / "missing.csv"))
    latin = tmp_path / "latin.csv"
    latin.write_bytes("date,notes\n2026-03-01,caf\xe9\n".encode("latin-1"))
    with pytest.raises(CommandError, match="not UTF-8"):
        run("import_diary", "alice@example.com", str(latin))


def test_dry_run_checks_without_writing(alice, example_file):
    out, _ = run("import_diary", "alice@example.com", str(example_file), "--dry-run")
    assert "Checked 2 row(s)" in out
    assert not Day.objects.filter(patient=alice).exists()


def test_export_then_import_with_create_round_trips_through_the_commands(alice, example_file):
    run("import_diary", "alice@example.com", str(example_file))
    exported, _ = run("export_diary", "alice@example.com")
    copy = example_file.parent / "copy.csv"
    copy.write_text(exported)
    run("import_diary", "copy@example.com", str(copy), "--create", "--timezone", "Europe/London")
    assert run("export_diary", "copy@example.com")[0] == exported

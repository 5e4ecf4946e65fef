"""CSV download and upload pages for patients (format: design/diary-csv.md). Thin: the work is
in ``diary.csv_import`` and ``diary.csv_export``."""

from datetime import date

from django import forms
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from diary import csv_export, csv_import, scales
from diary.days import EARLIEST_DAY, LATEST_DAY, in_diary_range, patient_today
from diary.views import patient_required

MAX_UPLOAD_BYTES = 1024 * 1024
MAX_UPLOAD_ROWS = 500  # ~16 months per upload keeps one request well inside worker timeouts


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text=f"UTF-8 CSV with a header row, at most 1 MB and {MAX_UPLOAD_ROWS} days.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    dry_run = forms.BooleanField(required=False, label="Only check the file (import nothing yet)")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file is larger than 1 MB; split it into parts.")
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(
                "The file is not UTF-8 text. In your spreadsheet, save as “CSV UTF-8”."
            ) from None


def _optional_date(request, name: str) -> date | None:
    text = request.GET.get(name, "").strip()
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{name} must be a date in the form YYYY-MM-DD.") from None
    if not in_diary_range(day):
        raise ValueError(f"{name} must be a date from {EARLIEST_DAY.year} to {LATEST_DAY.year}.")
    return day


@require_GET
@patient_required
def export_csv(request):
    """Download the whole diary (or ?start=&end=) as daily CSV."""
    try:
        start, end = _optional_date(request, "start"), _optional_date(request, "end")
    except ValueError as error:
        return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
    text = csv_export.export_csv(request.user, start=start, end=end)
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    filename = f"flaremap-diary-{patient_today(request.user).isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
@patient_required
def import_csv(request):
    """Upload a daily CSV: shows every problem with its line, or what was imported."""
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    report = None
    if form.is_bound and form.is_valid():
        report = csv_import.import_csv(
            request.user,
            form.cleaned_data["file"],
            dry_run=form.cleaned_data["dry_run"],
            max_rows=MAX_UPLOAD_ROWS,
        )
    context = {
        "form": form,
        "report": report,
        "nav": "profile",
        "columns": ",".join(csv_export.COLUMNS),
        "feature_codes": csv_export.FEATURE_ORDER,
        "medication_classes": scales.MEDICATION_CLASS_CODES,
        "pain_areas": scales.PAIN_AREA_CODES,
        "earliest_year": scales.EARLIEST_DIARY_YEAR,
    }
    return render(request, "diary/import.html", context)

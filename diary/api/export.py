"""``GET /api/v1/export/csv/``, ``/export/fhir/`` and ``/export/report-pdf/``: a patient's
diary, and its one-page report, for the patient (data rights) or a clinician they share with
(logged; notes only with that scope).

The formats belong to ``diary.csv_export``, ``clinic.fhir`` and ``clinic.report_page`` /
``clinic.pdf``; these views only resolve who may read and hand the file over.
"""

from __future__ import annotations

import json

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.views import APIView

from config.api_errors import problem_response
from diary.api.common import PATIENT_PARAM, READ_ERRORS, ErrorSerializer, query_params, read_grant
from diary.api.views import DateRangeSerializer


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data.encode() if isinstance(data, str) else json.dumps(data).encode()


class FHIRJSONRenderer(JSONRenderer):
    media_type = "application/fhir+json"
    format = "fhir"


class PDFRenderer(BaseRenderer):
    media_type = "application/pdf"
    format = "pdf"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes) else json.dumps(data).encode()


class ExportView(APIView):
    """Errors stay JSON whatever the client accepts."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if getattr(response, "status_code", 200) >= 400 and hasattr(response, "data"):
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = JSONRenderer.media_type
        return response


def _date_range(request):
    params = DateRangeSerializer(data=query_params(request))
    params.is_valid(raise_exception=True)
    return params.validated_data.get("from"), params.validated_data.get("to")


class CSVExportView(ExportView):
    """The diary as daily CSV (docs: diary-csv.md), the same file as the web download."""

    renderer_classes = [CSVRenderer, JSONRenderer]

    @extend_schema(
        parameters=[PATIENT_PARAM, DateRangeSerializer],
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="Daily CSV."),
            **READ_ERRORS,
        },
        tags=["export"],
    )
    def get(self, request):
        from diary import csv_export

        start, end = _date_range(request)
        grant = read_grant(request, action="api.export.csv")
        text = csv_export.export_csv(
            grant.patient, start=start, end=end, notes=grant.allows("notes")
        )
        response = HttpResponse(text, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="flaremap-diary.csv"'
        return response


class FHIRExportView(ExportView):
    """A FHIR R4 Bundle: Patient, coded Observations and QuestionnaireResponses."""

    renderer_classes = [FHIRJSONRenderer, JSONRenderer]

    @extend_schema(
        parameters=[PATIENT_PARAM, DateRangeSerializer],
        responses={
            (200, "application/fhir+json"): OpenApiResponse(
                OpenApiTypes.OBJECT, description="FHIR R4 Bundle (resourceType `Bundle`)."
            ),
            **READ_ERRORS,
        },
        tags=["export"],
    )
    def get(self, request):
        from clinic import fhir  # the clinic engineer's module; imported when used

        start, end = _date_range(request)
        grant = read_grant(request, action="api.export.fhir")
        bundle = fhir.patient_bundle(
            grant.patient, include_notes=grant.allows("notes"), start=start, end=end
        )
        response = HttpResponse(
            json.dumps(bundle, default=str), content_type="application/fhir+json"
        )
        response["Content-Disposition"] = 'attachment; filename="flaremap-fhir.json"'
        return response


class ReportPeriodSerializer(DateRangeSerializer):
    """``from`` / ``to`` of a report: at most 366 days, ending today at the latest; by default
    the patient's last 90 diary days."""

    def period(self, patient):
        from clinic.report_page import check_period
        from diary.days import patient_today

        data = self.validated_data
        start, end, errors = check_period(data.get("from"), data.get("to"), patient_today(patient))
        if errors:
            raise ValidationError({_API_FIELD[name]: [text] for name, text in errors.items()})
        return start, end


_API_FIELD = {"start": "from", "end": "to"}


class ReportPDFView(ExportView):
    """The one-page clinical report as a PDF (the file the report page downloads): monthly
    headache and medication days, body map, WPI/SSS, sleep, stress, insights and, with the
    notes scope, notes."""

    renderer_classes = [PDFRenderer, JSONRenderer]

    @extend_schema(
        parameters=[PATIENT_PARAM, ReportPeriodSerializer],
        responses={
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY, description="One A4 page (more for very long notes)."
            ),
            **READ_ERRORS,
            503: OpenApiResponse(
                ErrorSerializer, description="PDF rendering is not installed on this server."
            ),
        },
        tags=["export"],
    )
    def get(self, request):
        from clinic import pdf, report_page

        params = ReportPeriodSerializer(data=query_params(request))
        params.is_valid(raise_exception=True)
        grant = read_grant(request, action="api.export.pdf")
        start, end = params.period(grant.patient)
        context = report_page.page_context(grant=grant, start=start, end=end)
        filename = report_page.pdf_filename(start, end)
        try:
            return pdf.pdf_response(
                request._request, "clinic/report.html", context, filename=filename
            )
        except pdf.PdfUnavailable:
            return problem_response(
                503, code="pdf_unavailable", detail="PDF export is not available on this server."
            )

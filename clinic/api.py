"""``GET /api/v1/export/fhir/`` and ``/export/report-pdf/``: a patient's diary as a FHIR R4
Bundle and its one-page report as a PDF, for the patient or a clinician they share with
(logged; notes only with that scope). The formats belong to ``clinic.fhir`` and
``clinic.report_page`` / ``clinic.pdf``; these views resolve who may read and hand them over.
"""

from __future__ import annotations

import json

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import BaseRenderer, JSONRenderer

from clinic import fhir, pdf, report_page
from clinic.report_page import check_period
from config.api_errors import problem_response
from config.openapi import PATIENT_PARAM, READ_ERRORS, ErrorSerializer
from diary.api.common import query_params, read_grant
from diary.api.export import ExportView, date_range
from diary.api.views import DateRangeSerializer
from diary.days import patient_today


class FHIRJSONRenderer(JSONRenderer):
    media_type = "application/fhir+json"
    format = "fhir"


class PDFRenderer(BaseRenderer):
    media_type = "application/pdf"
    format = "pdf"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes) else json.dumps(data).encode()


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
        start, end = date_range(request)
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

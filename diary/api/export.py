"""``GET /api/v1/export/csv/``: a patient's diary as daily CSV, for the patient (data rights)
or a clinician they share with (logged; notes only with that scope). The format belongs to
``diary.csv_export``; the view only resolves who may read and hands the file over.
``ExportView`` is shared with the clinic's FHIR and report-PDF exports (``clinic.api``).
"""

from __future__ import annotations

import json

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.views import APIView

from config.openapi import PATIENT_PARAM, READ_ERRORS
from diary.api.common import query_params, read_grant
from diary.api.views import DateRangeSerializer


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data.encode() if isinstance(data, str) else json.dumps(data).encode()


class ExportView(APIView):
    """Errors stay JSON whatever the client accepts."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if getattr(response, "status_code", 200) >= 400 and hasattr(response, "data"):
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = JSONRenderer.media_type
        return response


def date_range(request):
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

        start, end = date_range(request)
        grant = read_grant(request, action="api.export.csv")
        text = csv_export.export_csv(
            grant.patient, start=start, end=end, notes=grant.allows("notes")
        )
        response = HttpResponse(text, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="flaremap-diary.csv"'
        return response

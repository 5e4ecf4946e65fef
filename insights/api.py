"""``GET /api/v1/insights/``: the stored current insights of the requester (or, for a
clinician, of a patient who shares insights with them). Nothing is computed in the request.
"""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import access
from accounts.models import User
from config.openapi import READ_ERRORS
from diary.api.common import patient_id_from_query
from insights.mechanisms import mechanisms_for
from insights.models import Insight
from insights.selectors import current_insights

ACCESS_ACTION = "api.insights.list"


class InsightSerializer(serializers.ModelSerializer):
    """One insight with its evidence. Also the output of ``compute_insights --json``."""

    title = serializers.CharField(source="get_kind_display", help_text="Short human title.")
    learn_more = serializers.SerializerMethodField(
        help_text="Path of the page explaining the mechanism behind this kind of insight."
    )

    class Meta:
        model = Insight
        fields = [
            "kind",
            "title",
            "status",
            "effect",
            "ci_low",
            "ci_high",
            "p_value",
            "n_days",
            "n_events",
            "effect_label",
            "summary",
            "details",
            "computed_at",
            "algorithm_version",
            "learn_more",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "kind": {"help_text": "Which insight (stable identifier)."},
            "status": {
                "help_text": "`found`: the evidence rules are met; `not_found`: assessed, no "
                "clear effect yet; `insufficient_data`: not enough diary yet (the summary says "
                "what is missing)."
            },
            "effect": {
                "help_text": "The effect size in `effect_label` units (odds ratio, difference, "
                "slope or day count); null when not assessed."
            },
            "ci_low": {
                "help_text": "Lower end of the interval (for associations widened for the "
                "kinds tested, `details.interval_level`; null when not applicable)."
            },
            "ci_high": {
                "help_text": "Upper end of the interval (null when unbounded or not applicable)."
            },
            "p_value": {
                "help_text": "For associations: one-sided in the claimed direction, "
                "Bonferroni-adjusted across the association kinds tested."
            },
            "n_days": {"help_text": "Diary days the result is based on."},
            "n_events": {"help_text": "Events counted (e.g. headache starts), when relevant."},
            "effect_label": {"help_text": "What `effect` measures, in words."},
            "summary": {"help_text": "Plain-language sentence for the patient."},
            "details": {"help_text": "Kind-specific evidence (absolute risks, counts, trend)."},
            "computed_at": {"help_text": "When this result was last computed."},
        }

    @extend_schema_field(OpenApiTypes.STR)
    def get_learn_more(self, insight: Insight) -> str:
        return reverse("insights:mechanism", args=[mechanisms_for(insight.kind)[0].slug])


PATIENT_PARAM = OpenApiParameter(
    "patient",
    OpenApiTypes.INT,
    description=(
        "Whose insights to read. Patients omit it (or give their own id). Clinicians must give "
        "the id of a patient whose active share includes insights; otherwise the answer is 404. "
        "Every clinician read is recorded in the patient's access log."
    ),
)


def reading_patient(request) -> User:
    """The patient whose insights this request may read; clinician reads are recorded."""
    user: User = request.user
    patient_id = patient_id_from_query(request)
    if patient_id is None:
        if not user.is_patient:
            raise serializers.ValidationError(
                {"patient": ["Choose the patient to read with ?patient=<id> (see GET /shares/)."]}
            )
        return user
    patient = access.readable_patient(user, patient_id, scope="insights")
    access.record_access(actor=user, patient=patient, action=ACCESS_ACTION, request=request)
    return patient


class InsightListView(APIView):
    @extend_schema(
        operation_id="insights_list",
        tags=["insights"],
        summary="Current insights",
        description=(
            "The stored current insight of each kind (`found` first), recomputed in the "
            "background after diary changes. Associations are `found` only when the effect "
            "goes the claimed way and its interval, widened for the kinds tested "
            "(Bonferroni), excludes no effect."
        ),
        parameters=[PATIENT_PARAM],
        responses={200: InsightSerializer(many=True), **READ_ERRORS},
    )
    def get(self, request):
        patient = reading_patient(request)
        return Response(InsightSerializer(current_insights(patient=patient), many=True).data)

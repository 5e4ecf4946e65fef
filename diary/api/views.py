"""Endpoints of the synced diary resources: days (keyed by date), headaches, medications,
doses, questionnaires and own triggers (keyed by client UUIDs).

Reads resolve the patient through ``accounts.access`` (clinicians: ``?patient=<id>``, logged);
writes are the patient's own and go through ``diary.api.resources.write`` -> ``diary.services``.
"""

from __future__ import annotations

import uuid

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api_errors import problem
from config.openapi import (
    IF_MATCH_PARAM,
    PATIENT_PARAM,
    READ_ERRORS,
    WRITE_ERRORS,
    WRITE_PATIENT_PARAM,
)
from config.pagination import KeysetPagination
from config.throttling import WriteThrottledMixin
from diary import scales
from diary.api.common import (
    etag_for,
    if_match,
    not_modified,
    query_params,
    read_grant,
    writing_patient,
)
from diary.api.resources import (
    DAYS,
    DOSES,
    HEADACHES,
    MEDICATIONS,
    QUESTIONNAIRES,
    STALE,
    TRIGGERS,
    Resource,
    conflict_serializer,
    remove,
    write,
)
from diary.days import patient_today, patient_zone, validate_diary_date
from diary.selectors import awaiting_relief
from diary.services import VersionConflict


class DateRangeSerializer(serializers.Serializer):
    """``from`` / ``to`` query parameters (``from`` is a Python keyword, hence the rename)."""

    from_ = serializers.DateField(
        required=False,
        validators=[validate_diary_date],
        help_text="First diary day to include (YYYY-MM-DD).",
    )
    to = serializers.DateField(
        required=False,
        validators=[validate_diary_date],
        help_text="Last diary day to include (YYYY-MM-DD).",
    )

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields

    def validate(self, attrs):
        start, end = attrs.get("from"), attrs.get("to")
        if start and end and start > end:
            raise serializers.ValidationError({"to": ["`to` must not be before `from`."]})
        return attrs


class ListParamsSerializer(DateRangeSerializer):
    """Query parameters of every diary list."""

    updated_since = serializers.DateTimeField(
        required=False,
        validators=[validate_diary_date],
        help_text=(
            "Incremental sync: every object changed at or after this time (ISO 8601), "
            "tombstones (`deleted: true`) included, ordered by `updated_at`. Pass the largest "
            "`updated_at` you have seen; objects at exactly that time are sent again. "
            "Contract: a client that stores the largest `updated_at` it received and pulls "
            "from it (following `next` to the end) converges to the server's state once "
            "writers stop, whatever the commit order, page size or page boundaries."
        ),
    )


class AttackListParamsSerializer(ListParamsSerializer):
    ongoing = serializers.BooleanField(
        required=False,
        help_text="true: only attacks still going on (no end yet); false: only ended ones.",
    )


class DoseListParamsSerializer(ListParamsSerializer):
    awaiting_relief = serializers.BooleanField(
        required=False,
        help_text=(
            "true: only the acute doses taken 2-24 hours ago whose 2-hour relief is not rated "
            "yet (the relief follow-ups due); answer one with a PATCH of `relief_2h`. false: "
            "all the others."
        ),
    )


class SyncedResourceViewSet(WriteThrottledMixin, viewsets.GenericViewSet):
    """List / read / upsert / delete one synced resource (configured by ``resource``)."""

    resource: Resource
    params_serializer = ListParamsSerializer
    pagination_class = KeysetPagination
    lookup_url_kwarg = "key"

    def get_queryset(self):
        return self.resource.model.objects.none()  # for the schema; reads use read_grant

    def get_serializer_class(self):
        return self.resource.serializer

    def cursor_ordering(self, request):
        return self._ordering

    def list(self, request, *args, **kwargs):
        params = self.params_serializer(data=query_params(request))
        params.is_valid(raise_exception=True)
        grant = read_grant(request, action=f"api.{self.resource.name}.list")
        query = params.validated_data
        rows = self.resource.changes(
            grant.patient,
            start=query.get("from"),
            end=query.get("to"),
            updated_since=query.get("updated_since"),
        )
        rows = self.filter_rows(rows, query)
        self._ordering = self.resource.list_ordering(syncing="updated_since" in query)
        page = self.paginate_queryset(rows)
        context = {"show_notes": grant.allows("notes")}
        data = self.resource.serializer(page, many=True, context=context).data
        return self.get_paginated_response(data)

    def filter_rows(self, rows, query: dict):
        """The resource's own list filters (``params_serializer``) on top of the shared ones."""
        return rows

    def retrieve(self, request, *args, **kwargs):
        grant = read_grant(request, action=f"api.{self.resource.name}.read")
        obj = self.resource.live(grant.patient, self.resource.parse_key(kwargs["key"]))
        if obj is None:
            raise NotFound()
        if not_modified(request, obj):
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag_for(obj)})
        return self._answer(obj, status.HTTP_200_OK, show_notes=grant.allows("notes"))

    def create(self, request, *args, **kwargs):
        patient = writing_patient(request)
        raw_id = request.data.get("id") if isinstance(request.data, dict) else None
        try:
            key = uuid.UUID(str(raw_id)) if raw_id else uuid.uuid4()
        except ValueError:
            key = uuid.uuid4()  # the serializer reports the malformed id
        obj, code, data = write(
            self.resource,
            patient=patient,
            key=key,
            data=request.data,
            partial=False,
            create_only=True,
        )
        return Response(data, status=code, headers={"ETag": etag_for(obj)})

    def update(self, request, *args, **kwargs):
        return self._write(request, kwargs["key"], partial=False)

    def partial_update(self, request, *args, **kwargs):
        return self._write(request, kwargs["key"], partial=True)

    def destroy(self, request, *args, **kwargs):
        patient = writing_patient(request)
        expected_version = if_match(request)
        remove(
            self.resource,
            patient=patient,
            key=self.resource.parse_key(kwargs["key"]),
            expected_version=expected_version,
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _write(self, request, raw_key, *, partial: bool):
        patient = writing_patient(request)
        expected_version = if_match(request)
        obj, code, data = write(
            self.resource,
            patient=patient,
            key=self.resource.parse_key(raw_key),
            data=request.data,
            partial=partial,
            expected_version=expected_version,
        )
        return Response(data, status=code, headers={"ETag": etag_for(obj)})

    def _answer(self, obj, code: int, *, show_notes: bool = True) -> Response:
        data = self.resource.represent(obj, show_notes=show_notes)
        return Response(data, status=code, headers={"ETag": etag_for(obj)})

    def handle_exception(self, exc):
        if isinstance(exc, VersionConflict):
            current = exc.current
            body = problem(
                412,
                code="precondition_failed",
                detail=STALE,
                current=self.resource.represent(current) if current is not None else None,
            )
            headers = {"ETag": etag_for(current)} if current is not None else {}
            return Response(body, status=status.HTTP_412_PRECONDITION_FAILED, headers=headers)
        return super().handle_exception(exc)


# --- OpenAPI documentation of each resource -----------------------------------------------------

ETAG_HEADER = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200, 201],
    description='The object\'s version, e.g. `W/"3"`; send it back as `If-Match`.',
)
IF_NONE_MATCH_PARAM = OpenApiParameter(
    "If-None-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="The `ETag` you hold: 304 (no body) while the object still has that version.",
)


def _documented(
    resource: Resource,
    *,
    summary: str,
    date_params: bool,
    creatable: bool,
    params: type[ListParamsSerializer] = ListParamsSerializer,
):
    """Decorate a viewset with accurate request/response/error schemas for every action."""
    ser = resource.serializer
    conflict = conflict_serializer(resource)
    if resource.key_field == "date":
        key_param = OpenApiParameter(
            "key",
            OpenApiTypes.DATE,
            OpenApiParameter.PATH,
            description="The diary day (YYYY-MM-DD, not in the future).",
        )
    else:
        key_param = OpenApiParameter(
            "key", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The object's UUID."
        )
    tag = [resource.name]
    list_params = [PATIENT_PARAM, params] if date_params else [PATIENT_PARAM]
    if not date_params:
        list_params.append(
            OpenApiParameter(
                "updated_since",
                OpenApiTypes.DATETIME,
                description="Incremental sync: changes at or after this time, tombstones included.",
            )
        )
    stored = OpenApiResponse(ser, description="Stored (or already stored: a replay).")
    created = OpenApiResponse(ser, description="Created.")
    stale = OpenApiResponse(conflict, description="If-Match is stale; `current` is the object.")
    write_params = [key_param, IF_MATCH_PARAM, WRITE_PATIENT_PARAM, ETAG_HEADER]
    actions = {
        "list": extend_schema(
            summary=f"List {summary}",
            description=(
                f"Live {summary} in a stable order, cursor-paginated; with `updated_since`, "
                "every change since then (tombstones included) ordered by `updated_at`."
            ),
            parameters=list_params,
            responses={200: ser(many=True), **READ_ERRORS},
            tags=tag,
        ),
        "retrieve": extend_schema(
            summary=f"Read one of the {summary}",
            description="A deleted object answers 404 (its tombstone is in `updated_since`).",
            parameters=[key_param, PATIENT_PARAM, IF_NONE_MATCH_PARAM, ETAG_HEADER],
            responses={
                200: ser,
                304: OpenApiResponse(description="Not modified: your copy is current."),
                **READ_ERRORS,
            },
            tags=tag,
        ),
        "update": extend_schema(
            summary="Create or replace (upsert)",
            description=(
                "PUT is an upsert: 201 when created, 200 when replaced. Fields left out are "
                "reset to empty. Replaying the same PUT is harmless."
            ),
            parameters=write_params,
            request=ser,
            responses={200: stored, 201: created, 412: stale, **WRITE_ERRORS},
            tags=tag,
        ),
        "partial_update": extend_schema(
            summary="Change some fields",
            description="Only the fields sent change; creates the object if it does not exist.",
            parameters=write_params,
            request=ser,
            responses={200: stored, 201: created, 412: stale, **WRITE_ERRORS},
            tags=tag,
        ),
        "destroy": extend_schema(
            summary="Delete (leaves a tombstone for syncing clients)",
            description="Deleting an already deleted object answers 204 again.",
            parameters=[key_param, IF_MATCH_PARAM, WRITE_PATIENT_PARAM],
            request=None,
            responses={204: None, 412: stale, **WRITE_ERRORS},
            tags=tag,
        ),
    }
    if creatable:
        actions["create"] = extend_schema(
            summary="Create",
            description=(
                "Send a client-generated `id` so a retried POST never duplicates: if the id "
                "exists, the stored object is returned (200) unchanged."
            ),
            parameters=[WRITE_PATIENT_PARAM, ETAG_HEADER],
            request=ser,
            responses={
                200: OpenApiResponse(ser, description="Already exists (a retried create)."),
                201: created,
                **WRITE_ERRORS,
            },
            tags=tag,
        )
    return extend_schema_view(**actions)


@_documented(DAYS, summary="diary days", date_params=True, creatable=False)
class DayViewSet(SyncedResourceViewSet):
    resource = DAYS


@_documented(
    HEADACHES,
    summary="headache attacks",
    date_params=True,
    creatable=True,
    params=AttackListParamsSerializer,
)
class HeadacheViewSet(SyncedResourceViewSet):
    resource = HEADACHES
    params_serializer = AttackListParamsSerializer

    def filter_rows(self, rows, query: dict):
        if "ongoing" in query:
            rows = rows.filter(ended_at__isnull=query["ongoing"])
        return rows


@_documented(MEDICATIONS, summary="medications", date_params=False, creatable=True)
class MedicationViewSet(SyncedResourceViewSet):
    resource = MEDICATIONS


@_documented(
    DOSES,
    summary="medication doses",
    date_params=True,
    creatable=True,
    params=DoseListParamsSerializer,
)
class DoseViewSet(SyncedResourceViewSet):
    resource = DOSES
    params_serializer = DoseListParamsSerializer

    def filter_rows(self, rows, query: dict):
        if "awaiting_relief" not in query:
            return rows
        due = awaiting_relief(rows, timezone.now())
        return due if query["awaiting_relief"] else rows.exclude(pk__in=due.values("pk"))


@_documented(QUESTIONNAIRES, summary="questionnaire responses", date_params=True, creatable=True)
class QuestionnaireViewSet(SyncedResourceViewSet):
    resource = QUESTIONNAIRES


@_documented(TRIGGERS, summary="own triggers", date_params=False, creatable=True)
class TriggerViewSet(SyncedResourceViewSet):
    resource = TRIGGERS


class DiaryDaySerializer(serializers.Serializer):
    diary_day = serializers.DateField(
        help_text="The patient's current diary day: before 04:00 local time it is still the "
        "day that is ending. Never write a later day (it answers 400), unless a time sent with "
        "the device's UTC offset puts it on the device's today."
    )
    timezone = serializers.CharField(
        help_text="The zone diary days are counted in (profile) for times sent in UTC or "
        "without an offset."
    )
    utc_offset_min = serializers.IntegerField(
        help_text="The profile zone's UTC offset now, in minutes east of UTC."
    )
    rollover_hour = serializers.IntegerField(help_text="Local hour a new diary day starts (4).")
    server_time = serializers.DateTimeField(help_text="The server's clock, for clock-skew checks.")


class DiaryDayView(APIView):
    """The patient's current diary day and zone, so an offline client never stamps a day the
    server considers in the future (a traveller's phone may be in another zone)."""

    @extend_schema(
        parameters=[PATIENT_PARAM],
        responses={200: DiaryDaySerializer, **READ_ERRORS},
        tags=["days"],
    )
    def get(self, request):
        patient = read_grant(request, action="api.diary_day").patient
        zone = patient_zone(patient)
        now = timezone.now()
        data = {
            "diary_day": patient_today(patient),
            "timezone": str(zone),
            "utc_offset_min": int(now.astimezone(zone).utcoffset().total_seconds() // 60),
            "rollover_hour": scales.DAY_ROLLOVER_HOUR,
            "server_time": now,
        }
        return Response(DiaryDaySerializer(data).data)

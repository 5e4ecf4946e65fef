"""Account API for mobile apps: per-device tokens (django-rest-knox) that a user can list and
revoke, the signed-in user's profile (``me``), sharing consent (``shares``) and the patient's
access log.

Tokens are stored hashed; the plaintext is returned once, at creation. Failed logins count
towards the same django-axes lockout as the web login. Share writes go through
``accounts.services``; clinicians never write patient data here.
"""

from axes.exceptions import AxesBackendPermissionDenied
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
)
from knox.models import AuthToken
from knox.settings import CONSTANTS
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors, services
from accounts.models import (
    AccessEvent,
    ClinicianProfile,
    PatientProfile,
    Share,
    User,
    validate_timezone,
)
from config.api_errors import as_api_error, problem_response
from config.openapi import (
    BAD_REQUEST,
    FORBIDDEN,
    READ_ERRORS,
    UNAUTHORIZED,
    WRITE_ERRORS,
    ClockTimeField,
    ErrorSerializer,
)
from config.pagination import KeysetPagination
from config.throttling import FailOpenScopedRateThrottle, RateLimitHeadersMixin, WriteThrottledMixin

SHARE_ID_PARAM = OpenApiParameter(
    "share_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The share's id."
)


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=256, trim_whitespace=False)
    device_name = serializers.CharField(max_length=80, required=False, allow_blank=True)


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField(
        help_text="Send as `Authorization: Bearer <token>` (or `Token <token>`). Shown once."
    )
    token_id = serializers.CharField(help_text="Public id of this token, used to revoke it.")
    expiry = serializers.DateTimeField(allow_null=True)
    role = serializers.ChoiceField(choices=["patient", "clinician", "admin"])


class DeviceTokenSerializer(serializers.Serializer):
    token_id = serializers.CharField(source="token_key")
    device_name = serializers.SerializerMethodField()
    created = serializers.DateTimeField()
    expiry = serializers.DateTimeField(allow_null=True)
    current = serializers.SerializerMethodField()

    def get_device_name(self, token) -> str:
        device = getattr(token, "device", None)
        return device.name if device else ""

    def get_current(self, token) -> bool:
        current = self.context.get("current_token")
        return current is not None and current.pk == token.pk


class TokenCreateView(RateLimitHeadersMixin, APIView):
    """Exchange email + password for a new per-device token.

    A user keeps at most 20 live tokens: a 21st login revokes the least recently used one.
    """

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [FailOpenScopedRateThrottle]
    throttle_scope = "auth"

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            201: TokenResponseSerializer,
            400: BAD_REQUEST,
            401: ErrorSerializer,
            429: ErrorSerializer,
        },
        tags=["auth"],
        auth=[],
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            user = authenticate(
                request=request._request, username=data["email"].lower(), password=data["password"]
            )
        except AxesBackendPermissionDenied:
            user = None
        if getattr(request._request, "axes_locked_out", False):
            return problem_response(
                429,
                code="locked_out",
                detail="Too many failed attempts. Try again in 15 minutes.",
                headers={"Retry-After": "900"},
            )
        if user is None or not user.is_active:
            return problem_response(
                401,
                code="invalid_credentials",
                detail="Email or password is not correct.",
                headers={"WWW-Authenticate": "Bearer"},
            )
        token_obj, token = services.token_create(user=user, device_name=data.get("device_name", ""))
        body = {
            "token": token,
            "token_id": token_obj.token_key,
            "expiry": token_obj.expiry,
            "role": user.role,
        }
        return Response(TokenResponseSerializer(body).data, status=status.HTTP_201_CREATED)


class TokenListView(APIView):
    """The user's active device tokens (the plaintext is never shown again)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses={200: DeviceTokenSerializer(many=True), 401: UNAUTHORIZED}, tags=["auth"]
    )
    def get(self, request):
        tokens = selectors.device_tokens(user=request.user)
        context = {"current_token": request.auth if isinstance(request.auth, AuthToken) else None}
        return Response(DeviceTokenSerializer(tokens, many=True, context=context).data)


class TokenRevokeView(APIView):
    """Revoke one device token by its public id (works for the current token too)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={204: None, 401: UNAUTHORIZED, 404: ErrorSerializer}, tags=["auth"])
    def delete(self, request, token_id: str):
        too_long = len(token_id) > CONSTANTS.TOKEN_KEY_LENGTH
        if too_long or not services.token_revoke(user=request.user, token_id=token_id):
            raise NotFound("No such token.")
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenRevokeCurrentView(APIView):
    """Log this device out: revoke the token used for this request."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None, 401: UNAUTHORIZED}, tags=["auth"])
    def post(self, request):
        if isinstance(request.auth, AuthToken):
            request.auth.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- the signed-in user: profile and account deletion --------------------------------------------

PROFILE_FIELDS = list(PatientProfile.EDITABLE_FIELDS)


class PatientProfileSerializer(serializers.ModelSerializer):
    """What the diary needs to know about a patient (the time zone decides the diary day)."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.TimeField: ClockTimeField,
    }

    timezone = serializers.CharField(
        max_length=64,
        required=False,
        help_text="IANA time zone name, e.g. Europe/Paris.",
    )
    year_of_birth = serializers.IntegerField(
        min_value=1900, max_value=2100, allow_null=True, required=False
    )

    class Meta:
        model = PatientProfile
        fields = PROFILE_FIELDS

    def validate_timezone(self, value):
        try:
            validate_timezone(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None
        return value

    def validate_year_of_birth(self, value):
        if value is not None and value > timezone.now().year:
            raise serializers.ValidationError("The year of birth cannot be in the future.")
        return value


class ClinicianProfileSerializer(serializers.ModelSerializer):
    class Meta:
        model = ClinicianProfile
        fields = ["name", "organisation"]


class MeSerializer(serializers.Serializer):
    """The signed-in account; exactly one of the two profiles is set, by role."""

    id = serializers.IntegerField(read_only=True, help_text="Clinicians use it as ?patient=<id>.")
    email = serializers.EmailField(read_only=True)
    role = serializers.ChoiceField(choices=User.Role.choices, read_only=True)
    date_joined = serializers.DateTimeField(read_only=True)
    patient_profile = PatientProfileSerializer(required=False, allow_null=True)
    clinician_profile = ClinicianProfileSerializer(required=False, allow_null=True)

    def validate(self, attrs):
        user = self.instance
        if attrs.get("patient_profile") is not None and not user.is_patient:
            raise serializers.ValidationError({"patient_profile": ["Only patients have one."]})
        if attrs.get("clinician_profile") is not None and not user.is_clinician:
            raise serializers.ValidationError({"clinician_profile": ["Only clinicians have one."]})
        return attrs


class AccountDeleteSerializer(serializers.Serializer):
    password = serializers.CharField(
        max_length=256, trim_whitespace=False, help_text="Your password, to confirm."
    )


def _me_data(user: User) -> dict:
    data = {
        "id": user.pk,
        "email": user.email,
        "role": user.role,
        "date_joined": user.date_joined,
        "patient_profile": None,
        "clinician_profile": None,
    }
    if user.is_patient:
        data["patient_profile"] = PatientProfile.objects.get_or_create(user=user)[0]
    if user.is_clinician:
        data["clinician_profile"] = ClinicianProfile.objects.filter(user=user).first()
    return MeSerializer(data).data


def _profile_update(profile, fields: dict) -> None:
    """Apply validated fields with the model's own checks (the same rules as the web form)."""
    for name, value in fields.items():
        setattr(profile, name, value)
    profile.full_clean(exclude=["user"])
    profile.save()


class MeView(WriteThrottledMixin, APIView):
    """Your account: read and edit your profile (time zone, ...), or delete the account."""

    @extend_schema(responses={200: MeSerializer, 401: UNAUTHORIZED}, tags=["me"])
    def get(self, request):
        return Response(_me_data(request.user))

    @extend_schema(
        request=MeSerializer,
        responses={200: MeSerializer, **WRITE_ERRORS},
        tags=["me"],
        description="Change profile fields; give only the ones to change.",
    )
    def patch(self, request):
        user = request.user
        serializer = MeSerializer(instance=user, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            try:
                if serializer.validated_data.get("patient_profile"):
                    profile = PatientProfile.objects.get_or_create(user=user)[0]
                    _profile_update(profile, serializer.validated_data["patient_profile"])
                if serializer.validated_data.get("clinician_profile"):
                    profile = ClinicianProfile.objects.get_or_create(user=user)[0]
                    _profile_update(profile, serializer.validated_data["clinician_profile"])
            except DjangoValidationError as exc:
                raise as_api_error(exc) from None
        return Response(_me_data(user))

    @extend_schema(
        request=AccountDeleteSerializer,
        responses={204: None, **WRITE_ERRORS},
        tags=["me"],
        description=(
            "Deletes the account and all diary data and revokes every share; the access log "
            "keeps who-read-when rows without diary content. Tokens stop working at once."
        ),
    )
    def delete(self, request):
        serializer = AccountDeleteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if not request.user.check_password(serializer.validated_data["password"]):
            raise serializers.ValidationError({"password": ["That password is not correct."]})
        services.account_delete(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- sharing consent ----------------------------------------------------------------------------


class ShareClinicianSerializer(serializers.Serializer):
    name = serializers.CharField()
    organisation = serializers.CharField()
    email = serializers.EmailField()


class ShareSerializer(serializers.ModelSerializer):
    """A patient's consent for one clinician. ``patient`` is the id clinicians read with."""

    status = serializers.ChoiceField(
        choices=["pending", "expired", "active", "ended", "revoked"], read_only=True
    )
    patient_email = serializers.EmailField(source="patient.email", read_only=True)
    clinician = serializers.SerializerMethodField()
    invite_url = serializers.SerializerMethodField()

    class Meta:
        model = Share
        fields = [
            "id",
            "status",
            "code",
            "invite_url",
            "scope_diary",
            "scope_insights",
            "scope_notes",
            "created_at",
            "invite_expires_at",
            "redeemed_at",
            "ends_on",
            "revoked_at",
            "patient",
            "patient_email",
            "clinician",
        ]
        read_only_fields = fields

    @extend_schema_field(ShareClinicianSerializer(allow_null=True))
    def get_clinician(self, share):
        if share.clinician_id is None:
            return None
        profile = getattr(share.clinician, "clinician_profile", None)
        return {
            "name": profile.name if profile else "",
            "organisation": profile.organisation if profile else "",
            "email": share.clinician.email,
        }

    def get_invite_url(self, share) -> str:
        path = f"{reverse('clinic:redeem')}?code={share.code}"
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class ShareCreateSerializer(serializers.Serializer):
    scope_diary = serializers.BooleanField(default=True)
    scope_insights = serializers.BooleanField(default=True)
    scope_notes = serializers.BooleanField(
        default=False, help_text="Free-text notes stay private unless shared."
    )
    ends_on = serializers.DateField(
        required=False, allow_null=True, help_text="Sharing stops after this day."
    )


class ShareRedeemSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=20, help_text="The code the patient gave you.")


class _ShareView(generics.GenericAPIView):
    # the reader's shares: given (patients) or received (clinicians); others have none
    serializer_class = ShareSerializer
    lookup_url_kwarg = "share_id"  # a malformed id is a 404, like an unknown one

    def get_queryset(self):
        user = self.request.user
        shares = Share.objects.select_related("patient", "clinician__clinician_profile")
        if user.is_patient:
            return shares.filter(patient=user)
        if user.is_clinician:
            return shares.filter(clinician=user)
        return shares.none()


class ShareListView(WriteThrottledMixin, _ShareView):
    """Patients: the shares they gave (all states). Clinicians: the shares they received."""

    pagination_class = KeysetPagination

    def cursor_ordering(self, request):
        return ("-created_at", "-id")

    @extend_schema(responses={200: ShareSerializer(many=True), **READ_ERRORS}, tags=["shares"])
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        request=ShareCreateSerializer,
        responses={201: ShareSerializer, **WRITE_ERRORS},
        tags=["shares"],
        description="Patients create a single-use invitation (code + link, valid 72 hours).",
    )
    def post(self, request):
        if not request.user.is_patient:
            raise PermissionDenied("Only patients share their diary.")
        params = ShareCreateSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        try:
            share = services.share_create(patient=request.user, **params.validated_data)
        except DjangoValidationError as exc:
            raise as_api_error(exc) from None
        return Response(self.get_serializer(share).data, status=status.HTTP_201_CREATED)


class ShareDetailView(_ShareView):
    @extend_schema(
        parameters=[SHARE_ID_PARAM],
        responses={200: ShareSerializer, **READ_ERRORS},
        tags=["shares"],
    )
    def get(self, request, share_id: str):
        return Response(self.get_serializer(self.get_object()).data)


class ShareRevokeView(WriteThrottledMixin, _ShareView):
    """Withdraw consent now: pages, API and existing tokens stop reading at once."""

    @extend_schema(
        parameters=[SHARE_ID_PARAM],
        request=None,
        responses={200: ShareSerializer, **WRITE_ERRORS},
        tags=["shares"],
    )
    def post(self, request, share_id: str):
        if not request.user.is_patient:
            raise PermissionDenied("Only the patient who shared can revoke a share.")
        share = services.share_revoke(patient=request.user, share_id=self.get_object().pk)
        return Response(self.get_serializer(share).data)


class ShareRedeemView(RateLimitHeadersMixin, generics.GenericAPIView):
    """Clinicians bind an invitation code to their account (single use, expires).

    Failed codes count per client address, per clinician and per code, shared with the web
    page; past the limit the answer is 429 for an hour.
    """

    serializer_class = ShareSerializer
    throttle_classes = [FailOpenScopedRateThrottle]
    throttle_scope = "auth"

    @extend_schema(
        request=ShareRedeemSerializer,
        responses={201: ShareSerializer, **WRITE_ERRORS},
        tags=["shares"],
    )
    def post(self, request):
        if not request.user.is_clinician:
            raise PermissionDenied("Only clinician accounts can redeem a share code.")
        params = ShareRedeemSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        try:
            share = services.share_redeem(
                clinician=request.user, code=params.validated_data["code"], request=request
            )
        except services.ShareRedeemLimited as exc:
            return problem_response(
                429, code="redeem_limited", detail=exc.messages[0], headers={"Retry-After": "3600"}
            )
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"code": exc.messages}) from None
        share = Share.objects.select_related("patient", "clinician__clinician_profile").get(
            pk=share.pk
        )
        return Response(self.get_serializer(share).data, status=status.HTTP_201_CREATED)


# --- who viewed my diary ------------------------------------------------------------------------


class AccessEventSerializer(serializers.ModelSerializer):
    """One clinician read of your data (append-only; nothing here can be edited)."""

    class Meta:
        model = AccessEvent
        fields = ["id", "at", "actor_label", "action", "path", "ip_address", "user_agent"]
        read_only_fields = fields


class AccessLogView(generics.GenericAPIView):
    """Patients: every recorded read of their data by someone else, newest first."""

    serializer_class = AccessEventSerializer
    pagination_class = KeysetPagination

    def cursor_ordering(self, request):
        return ("-at", "-id")

    def get_queryset(self):
        return AccessEvent.objects.filter(patient=self.request.user)

    @extend_schema(
        responses={200: AccessEventSerializer(many=True), 403: FORBIDDEN, **READ_ERRORS},
        tags=["access-log"],
    )
    def get(self, request):
        if not request.user.is_patient:
            raise PermissionDenied("Only patients have an access log.")
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

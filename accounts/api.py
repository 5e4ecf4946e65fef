"""Auth API for mobile apps: per-device tokens (django-rest-knox) that a user can list and revoke.

Tokens are stored hashed; the plaintext is returned once, at creation. Failed logins count
towards the same django-axes lockout as the web login.
"""

from axes.exceptions import AxesBackendPermissionDenied
from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema, inline_serializer
from knox.models import AuthToken
from knox.settings import CONSTANTS
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from accounts.models import TokenDevice


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=256, trim_whitespace=False)
    device_name = serializers.CharField(max_length=80, required=False, allow_blank=True)


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send as `Authorization: Token <token>`. Shown once.")
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


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


class TokenCreateView(APIView):
    """Exchange email + password for a new per-device token."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            201: TokenResponseSerializer,
            400: inline_serializer("TokenFieldErrors", {"email": serializers.ListField()}),
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
            return Response(
                {"detail": "Too many failed attempts. Try again in 15 minutes."},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
                headers={"Retry-After": "900"},
            )
        if user is None or not user.is_active:
            return Response(
                {"detail": "Email or password is not correct."},
                status=status.HTTP_401_UNAUTHORIZED,
                headers={"WWW-Authenticate": "Token"},
            )
        token_obj, token = AuthToken.objects.create(user=user)
        TokenDevice.objects.create(token=token_obj, name=data.get("device_name", ""))
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

    @extend_schema(responses=DeviceTokenSerializer(many=True), tags=["auth"])
    def get(self, request):
        tokens = (
            AuthToken.objects.filter(user=request.user)
            .select_related("device")
            .order_by("-created")
        )
        context = {"current_token": request.auth if isinstance(request.auth, AuthToken) else None}
        return Response(DeviceTokenSerializer(tokens, many=True, context=context).data)


class TokenRevokeView(APIView):
    """Revoke one device token by its public id (works for the current token too)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={204: None, 404: ErrorSerializer}, tags=["auth"])
    def delete(self, request, token_id: str):
        if len(token_id) > CONSTANTS.TOKEN_KEY_LENGTH:
            return Response({"detail": "No such token."}, status=status.HTTP_404_NOT_FOUND)
        deleted, _ = AuthToken.objects.filter(user=request.user, token_key=token_id).delete()
        if not deleted:
            return Response({"detail": "No such token."}, status=status.HTTP_404_NOT_FOUND)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenRevokeCurrentView(APIView):
    """Log this device out: revoke the token used for this request."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None}, tags=["auth"])
    def post(self, request):
        if isinstance(request.auth, AuthToken):
            request.auth.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)

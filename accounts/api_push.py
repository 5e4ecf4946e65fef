"""``/api/v1/push-subscriptions/``: a patient's browsers register for Web Push reminders.

The body of ``POST`` is what the browser's ``PushSubscription.toJSON()`` gives (endpoint and
keys), so the page and an app send it as is. Writes go through ``accounts.services``.
"""

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import push, services
from accounts.models import PushSubscription
from config.openapi import READ_ERRORS, WRITE_ERRORS
from config.throttling import WriteThrottledMixin


class PushKeysSerializer(serializers.Serializer):
    p256dh = serializers.CharField(
        max_length=100, help_text="The browser's P-256 public key (65 bytes), base64url."
    )
    auth = serializers.CharField(
        max_length=40, help_text="The browser's authentication secret (16 bytes), base64url."
    )

    def validate_p256dh(self, value):
        return _key(value, size=push.P256_POINT_BYTES, point=True)

    def validate_auth(self, value):
        return _key(value, size=push.AUTH_SECRET_BYTES)


def _key(value: str, **rules) -> str:
    problem = push.key_problem(value, **rules)
    if problem:
        raise serializers.ValidationError(problem)
    return value.rstrip("=")


class PushSubscriptionCreateSerializer(serializers.Serializer):
    endpoint = serializers.CharField(
        max_length=2048, help_text="The push service URL the browser gave (https)."
    )
    keys = PushKeysSerializer()
    user_agent = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text="A label for this device; defaults to the request's User-Agent.",
    )

    def validate_endpoint(self, value):
        problem = push.endpoint_problem(value, allow_local=settings.LOCAL_HTTP)
        if problem:
            raise serializers.ValidationError(problem)
        return value


class PushSubscriptionDeleteSerializer(serializers.Serializer):
    endpoint = serializers.CharField(max_length=2048)


class PushSubscriptionSerializer(serializers.ModelSerializer):
    class Meta:
        model = PushSubscription
        fields = ["id", "endpoint", "user_agent", "created_at", "last_success_at", "failure_count"]
        read_only_fields = fields


class PushSettingsSerializer(serializers.Serializer):
    vapid_public_key = serializers.CharField(
        help_text="applicationServerKey for pushManager.subscribe(); empty when push is off."
    )
    subscriptions = PushSubscriptionSerializer(many=True)


class PushSubscriptionsView(WriteThrottledMixin, APIView):
    """Register, list and remove the browsers that receive your reminders (patients only)."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not request.user.is_patient:
            raise PermissionDenied("Reminders are for patients.")

    @extend_schema(responses={200: PushSettingsSerializer, **READ_ERRORS}, tags=["me"])
    def get(self, request):
        data = {
            "vapid_public_key": push.public_key(),
            "subscriptions": request.user.push_subscriptions.all(),
        }
        return Response(PushSettingsSerializer(data).data)

    @extend_schema(
        request=PushSubscriptionCreateSerializer,
        responses={
            200: PushSubscriptionSerializer,
            201: PushSubscriptionSerializer,
            **WRITE_ERRORS,
        },
        tags=["me"],
        description="Register this browser (201), or refresh its keys (200).",
    )
    def post(self, request):
        serializer = PushSubscriptionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        subscription, created = services.push_subscription_save(
            user=request.user,
            endpoint=data["endpoint"],
            p256dh=data["keys"]["p256dh"],
            auth=data["keys"]["auth"],
            user_agent=data.get("user_agent") or request.headers.get("User-Agent", ""),
        )
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(PushSubscriptionSerializer(subscription).data, status=code)

    @extend_schema(
        request=PushSubscriptionDeleteSerializer,
        responses={204: None, **WRITE_ERRORS},
        tags=["me"],
        description="Stop reminders to this browser (404 if it is not one of yours).",
    )
    def delete(self, request):
        serializer = PushSubscriptionDeleteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        endpoint = serializer.validated_data["endpoint"]
        if not services.push_subscription_delete(user=request.user, endpoint=endpoint):
            raise NotFound("No such push subscription.")
        return Response(status=status.HTTP_204_NO_CONTENT)

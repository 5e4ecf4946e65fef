"""Cross-app API endpoints."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView


class PingView(APIView):
    """Cheapest authenticated endpoint: lets a client check its token (and is the benchmark
    floor for API throughput)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses=inline_serializer(
            "Ping", {"ok": serializers.BooleanField(), "role": serializers.CharField()}
        ),
        tags=["auth"],
    )
    def get(self, request):
        return Response({"ok": True, "role": request.user.role})

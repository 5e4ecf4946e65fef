"""API authentication: knox device tokens, as the schema declares them (HTTP bearer)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from rest_framework.authentication import get_authorization_header
from rest_framework.exceptions import AuthenticationFailed


class TokenAuthentication(KnoxTokenAuthentication):
    """Knox device tokens sent as ``Authorization: Token <token>`` or ``Bearer <token>``.

    The schema declares an HTTP bearer scheme, so generated clients (which default to
    ``Bearer``) work as generated; ``Token`` stays accepted for existing apps."""

    def authenticate(self, request):
        auth = get_authorization_header(request).split()
        if not auth or auth[0].lower() != b"bearer":
            return super().authenticate(request)
        if len(auth) != 2:
            raise AuthenticationFailed("Invalid token header: send `Bearer <token>`.")
        return self.authenticate_credentials(auth[1])


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = TokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "A device token from `POST /auth/token/`: `Authorization: Bearer <token>` "
                "(`Token <token>` is accepted too)."
            ),
        }

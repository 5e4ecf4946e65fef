from django.urls import path

from accounts import api

urlpatterns = [
    path("token/", api.TokenCreateView.as_view(), name="api-token"),
    path("token/revoke/", api.TokenRevokeCurrentView.as_view(), name="api-token-revoke-current"),
    path("tokens/", api.TokenListView.as_view(), name="api-tokens"),
    path("tokens/<str:token_id>/", api.TokenRevokeView.as_view(), name="api-token-revoke"),
]

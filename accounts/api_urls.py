"""/api/v1/auth/: per-device tokens. The account routes at the API root (me, shares,
access-log) are in ``account_urlpatterns``, mounted by ``clinic/api_urls.py``."""

from django.urls import path

from accounts import api, api_push

urlpatterns = [
    path("token/", api.TokenCreateView.as_view(), name="api-token"),
    path("token/revoke/", api.TokenRevokeCurrentView.as_view(), name="api-token-revoke-current"),
    path("tokens/", api.TokenListView.as_view(), name="api-tokens"),
    path("tokens/<str:token_id>/", api.TokenRevokeView.as_view(), name="api-token-revoke"),
]

account_urlpatterns = [
    path("me/", api.MeView.as_view(), name="api-me"),
    path("shares/", api.ShareListView.as_view(), name="api-shares"),
    path("shares/redeem/", api.ShareRedeemView.as_view(), name="api-share-redeem"),
    path("shares/<str:share_id>/", api.ShareDetailView.as_view(), name="api-share"),
    path("shares/<str:share_id>/revoke/", api.ShareRevokeView.as_view(), name="api-share-revoke"),
    path("access-log/", api.AccessLogView.as_view(), name="api-access-log"),
    path(
        "push-subscriptions/",
        api_push.PushSubscriptionsView.as_view(),
        name="api-push-subscriptions",
    ),
]

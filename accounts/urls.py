from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("signup/clinician/", views.clinician_signup, name="clinician_signup"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("profile/", views.profile, name="profile"),
    path("notifications/", views.notifications, name="notifications"),
    path("delete/", views.delete_account, name="delete"),
    path("devices/", views.devices, name="devices"),
    path("devices/<str:token_id>/revoke/", views.device_revoke, name="device_revoke"),
    path(
        "password/change/",
        views.PasswordChangeView.as_view(
            template_name="accounts/form_page.html",
            success_url=reverse_lazy("accounts:password_change_done"),
            extra_context={"title": "Change password", "submit": "Change password"},
        ),
        name="password_change",
    ),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="accounts/message.html",
            extra_context={
                "title": "Password changed",
                "text": "Your password was changed. Phones and apps signed in to your account "
                "were signed out: sign in there again with the new password.",
            },
        ),
        name="password_change_done",
    ),
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(
            template_name="accounts/form_page.html",
            email_template_name="accounts/email/password_reset.txt",
            subject_template_name="accounts/email/password_reset_subject.txt",
            success_url=reverse_lazy("accounts:password_reset_done"),
            extra_context={
                "title": "Reset your password",
                "submit": "Send reset link",
                "intro": "Enter your email. If an account exists, we send a link to reset it.",
            },
        ),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="accounts/message.html",
            extra_context={
                "title": "Check your email",
                "text": "If an account exists for that address, a reset link is on its way.",
            },
        ),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(
            template_name="accounts/form_page.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
            extra_context={"title": "Choose a new password", "submit": "Set password"},
        ),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/message.html",
            extra_context={
                "title": "Password set",
                "text": "You can now log in. Phones and apps were signed out: sign in there "
                "again with the new password.",
            },
        ),
        name="password_reset_complete",
    ),
]

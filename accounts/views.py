"""Account pages: sign-up, log in/out, profile, notifications, account deletion. Thin: forms +
services."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from knox.settings import knox_settings

from accounts import push, selectors, services
from accounts.forms import (
    ClinicianProfileForm,
    ClinicianSignupForm,
    DeleteAccountForm,
    EmailLoginForm,
    NotificationSettingsForm,
    PatientProfileForm,
    PatientSignupForm,
)
from accounts.models import PatientProfile

BACKEND = "django.contrib.auth.backends.ModelBackend"


def home(request):
    """Send each person to where they start: check-in, dashboard, or the welcome page."""
    user = request.user
    if user.is_authenticated and user.is_patient:
        return redirect("diary:today")
    if user.is_authenticated and user.is_clinician:
        return redirect("clinic:dashboard")
    if user.is_authenticated and user.is_staff:
        return redirect("admin:index")
    return render(request, "home.html")


@require_http_methods(["GET", "POST"])
def signup(request):
    form = PatientSignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user = services.patient_register(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                **form.profile_fields(),
            )
        login(request, user, backend=BACKEND)
        messages.success(request, "Welcome to Flaremap. Start with today's check-in.")
        return redirect("home")
    return render(request, "accounts/signup.html", {"form": form, "role": "patient"})


@require_http_methods(["GET", "POST"])
def clinician_signup(request):
    form = ClinicianSignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.clinician_register(
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password1"],
            name=form.cleaned_data["name"],
            organisation=form.cleaned_data["organisation"],
        )
        login(request, user, backend=BACKEND)
        messages.success(request, "Account created. Redeem a share code from a patient to start.")
        return redirect("home")
    return render(request, "accounts/signup.html", {"form": form, "role": "clinician"})


class LoginView(auth_views.LoginView):
    form_class = EmailLoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's, and every device token is revoked: a new password signs out lost phones."""

    def form_valid(self, form):
        response = super().form_valid(form)
        services.tokens_revoke_all(user=form.user)
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's, and every device token is revoked, as for a password change."""

    def form_valid(self, form):
        response = super().form_valid(form)
        services.tokens_revoke_all(user=form.user)
        return response


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    user = request.user
    if user.is_patient:
        instance, _ = PatientProfile.objects.get_or_create(user=user)
        form = PatientProfileForm(request.POST or None, instance=instance)
    elif user.is_clinician:
        form = ClinicianProfileForm(request.POST or None, instance=user.clinician_profile)
    else:
        return redirect("home")
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Profile saved.")
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def notifications(request):
    """Reminders: which ones, when not to send them, and Web Push on this device (push.js)."""
    if not request.user.is_patient:
        return redirect("accounts:profile")
    instance, _ = PatientProfile.objects.get_or_create(user=request.user)
    form = NotificationSettingsForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Notification settings saved.")
        return redirect("accounts:notifications")
    context = {
        "form": form,
        "vapid_public_key": push.public_key(),
        "devices": request.user.push_subscriptions.all(),
    }
    return render(request, "accounts/notifications.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request):
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.account_delete(user=request.user)
        # the tag makes static/js/draft.js remove unsaved check-ins kept in this browser
        messages.success(
            request, "Your account and diary have been deleted.", extra_tags="forget-drafts"
        )
        return redirect(reverse("home"))
    return render(request, "accounts/delete.html", {"form": form})


@login_required
@require_GET
def devices(request):
    """Phones and apps signed in to the account (API tokens), each revocable."""
    tokens = list(selectors.device_tokens(user=request.user))
    ttl = knox_settings.TOKEN_TTL
    for token in tokens:
        # knox moves the expiry forward on use, so expiry - TTL is (to the minute) the last use
        token.last_used = token.expiry - ttl if token.expiry and ttl else token.created
        token.name = getattr(getattr(token, "device", None), "name", "") or "Unnamed device"
    context = {"tokens": tokens, "limit": knox_settings.TOKEN_LIMIT_PER_USER, "nav": "profile"}
    return render(request, "accounts/devices.html", context)


@login_required
@require_POST
def device_revoke(request, token_id: str):
    if services.token_revoke(user=request.user, token_id=token_id):
        messages.success(request, "That device is signed out. It needs your password to return.")
    return redirect("accounts:devices")

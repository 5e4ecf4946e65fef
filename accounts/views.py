"""Account pages: sign-up, log in/out, profile, account deletion. Thin: forms + services."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts import services
from accounts.forms import (
    ClinicianProfileForm,
    ClinicianSignupForm,
    DeleteAccountForm,
    EmailLoginForm,
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
                timezone=form.cleaned_data["timezone"],
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

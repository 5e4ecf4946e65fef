"""Web forms for sign-up, profiles and sharing. Validation messages tell the user what to do."""

from zoneinfo import available_timezones

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone

from accounts.models import ClinicianProfile, PatientProfile, User

TIMEZONE_CHOICES = [(name, name) for name in sorted(available_timezones()) if "/" in name] + [
    ("UTC", "UTC")
]


class EmailLoginForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email", widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})
    )


class _SignupBase(forms.Form):
    email = forms.EmailField(widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password1 = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 10 characters; not a common password and not only digits.",
    )
    password2 = forms.CharField(
        label="Password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                "An account with this email already exists. Log in or reset your password."
            )
        return email

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "The two passwords do not match.")
        elif p1:
            try:
                password_validation.validate_password(p1, User(email=cleaned.get("email", "")))
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class PatientSignupForm(_SignupBase):
    timezone = forms.ChoiceField(
        label="Time zone",
        choices=TIMEZONE_CHOICES,
        initial="Europe/London",
        help_text="Your diary days follow this time zone (we pre-select your device's).",
        widget=forms.Select(attrs={"data-detect-timezone": ""}),
    )
    usual_bedtime = forms.TimeField(
        required=False,
        label="Usually in bed by",
        help_text="Optional. Offered as a one-tap suggestion in the sleep check-in, never "
        "saved as last night's sleep unless you tap it.",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    usual_wake_time = forms.TimeField(
        required=False,
        label="Usually up at",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    consent = forms.BooleanField(
        label="I understand Flaremap is a diary, not a diagnosis, and that I control who sees it.",
    )

    def profile_fields(self) -> dict:
        """What sign-up sets on the new patient's profile (usual times only when given)."""
        fields = {"timezone": self.cleaned_data["timezone"]}
        for name in ("usual_bedtime", "usual_wake_time"):
            if self.cleaned_data.get(name) is not None:
                fields[name] = self.cleaned_data[name]
        return fields


class ClinicianSignupForm(_SignupBase):
    name = forms.CharField(max_length=120, label="Full name")
    organisation = forms.CharField(max_length=200, required=False, label="Clinic or organisation")


class PatientProfileForm(forms.ModelForm):
    timezone = forms.ChoiceField(choices=TIMEZONE_CHOICES)

    class Meta:
        model = PatientProfile
        # Reminders and quiet hours are on the Notifications page (NotificationSettingsForm).
        fields = [
            name
            for name in PatientProfile.EDITABLE_FIELDS
            if name not in PatientProfile.NOTIFICATION_FIELDS
        ]
        labels = {
            "family_history_migraine": "Migraine in your family",
            "family_history_chronic_pain": "Chronic widespread pain in your family",
            "tracks_cycle": "Track my menstrual cycle (asks “Period today?” on the check-in)",
            "full_name": "Your name (shown on the report for your clinician)",
            "date_of_birth": "Date of birth (shown on the report for your clinician)",
        }
        widgets = {
            "usual_bedtime": forms.TimeInput(attrs={"type": "time"}),
            "usual_wake_time": forms.TimeInput(attrs={"type": "time"}),
            "diagnoses": forms.Textarea(attrs={"rows": 3}),
            "date_of_birth": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def clean_year_of_birth(self):
        year = self.cleaned_data.get("year_of_birth")
        if year is not None and not 1900 <= year <= timezone.now().year:
            raise forms.ValidationError(f"Enter a year between 1900 and {timezone.now().year}.")
        return year


class NotificationSettingsForm(forms.ModelForm):
    """Which reminders a patient wants and when not to be disturbed."""

    class Meta:
        model = PatientProfile
        fields = PatientProfile.NOTIFICATION_FIELDS
        labels = {
            "reminder_enabled": "Remind me to check in each day",
            "reminder_time": "At",
            "remind_follow_ups": "Ask how my medication worked, 2 hours after a dose",
            "remind_questionnaires": "Tell me when a questionnaire is due (at the same time)",
            "quiet_hours_start": "Quiet from",
            "quiet_hours_end": "Until",
        }
        help_texts = {
            "reminder_time": "Your local time. Skipped on days you have already checked in.",
            "quiet_hours_start": "No reminders in these hours; one that falls in them waits "
            "until they end. Leave both empty for none.",
        }
        widgets = {
            name: forms.TimeInput(attrs={"type": "time"})
            for name in ("reminder_time", "quiet_hours_start", "quiet_hours_end")
        }


class ClinicianProfileForm(forms.ModelForm):
    class Meta:
        model = ClinicianProfile
        fields = ["name", "organisation"]


class ShareCreateForm(forms.Form):
    scope_diary = forms.BooleanField(
        label="Diary (headaches, pain, sleep, stress)", initial=True, required=False
    )
    scope_insights = forms.BooleanField(label="Insights", initial=True, required=False)
    scope_notes = forms.BooleanField(label="My free-text notes", initial=False, required=False)
    ends_on = forms.DateField(
        required=False,
        label="Stop sharing on (optional)",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_ends_on(self):
        ends_on = self.cleaned_data.get("ends_on")
        if ends_on and ends_on < timezone.localdate():
            raise forms.ValidationError("The end date cannot be in the past.")
        return ends_on

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("scope_diary") or cleaned.get("scope_insights")):
            raise forms.ValidationError("Choose at least the diary or the insights to share.")
        return cleaned


class ShareRedeemForm(forms.Form):
    code = forms.CharField(
        max_length=20,
        label="Share code",
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}),
    )


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="Enter your password to confirm.",
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That password is not correct.")
        return password

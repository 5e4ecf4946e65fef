"""Forms of the patient's diary pages. They only validate and translate input; every write goes
through ``diary.services`` (the check-in's orchestration is in ``diary.checkin``).

Scales and ranges come from ``diary.scales``; labels are shown on screen because unexplained
scales confuse users (peers.md).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django import forms
from django.core.validators import MinValueValidator

from diary import scales
from diary.models import Medication

HEADACHE_CHOICES = (("no", "No headache"), ("yes", "Headache"))
ANSWERS = {"yes": True, "no": False}
PAIN_STEPS = (3, 6, 9)  # what one tap on the body map cycles through (mild, moderate, severe)
# Short chip labels for the ICHD-3 features (codes and full wording in diary.scales).
FEATURE_LABELS = {
    "unilateral": "One side",
    "pulsating": "Throbbing",
    "worse_with_activity": "Worse with activity",
    "nausea": "Nausea",
    "vomiting": "Vomiting",
    "photophobia": "Light bothers me",
    "phonophobia": "Noise bothers me",
    "aura": "Aura",
}
# Anchor words shown next to a scale's value (peers: unexplained scales confuse users).
PEAK_LABELS = {0: "No pain", 1: "Mild", 4: "Moderate", 7: "Severe"}  # IHS grades of NRS 0-10
MOOD_LABELS = {0: "Very low", 3: "Low", 5: "Okay", 7: "Good", 9: "Very good"}
FATIGUE_LABELS = {0: "None", 1: "Mild", 4: "Moderate", 7: "Severe", 10: "Exhausted"}
# Stress anchors in the same bands as pain (1-3 / 4-6 / 7-9), so 7 reads "High", not "Moderate".
STRESS_LABELS = {0: "None", 1: "Low", 4: "Moderate", 7: "High", 10: "Worst imaginable"}
# One-tap "hours slept" (values in minutes: stored as total sleep time, entered directly).
SLEEP_HOURS_CHOICES = [(hours * 60, f"{hours} h") for hours in range(4, 11)]
# Warning signs asked about a headache (``diary.safety``); optional, shown under the headache.
RED_FLAG_CHOICES = (
    ("sudden", "Came on suddenly: at its worst within a minute"),
    ("neuro", "New weakness, numbness, trouble speaking or loss of vision"),
    ("fever_neck", "Fever and a stiff neck"),
    ("head_injury", "After a blow to the head"),
    ("new_over_50", "A new kind of headache, and I am over 50"),
)


def scale_label(value: int, labels: dict[int, str]) -> str:
    """The nearest anchor word at or below a value ('7' -> 'High' for stress)."""
    anchors = [key for key in sorted(labels) if key <= value]
    return labels[anchors[-1]] if anchors else ""


def pain_label(value: int) -> str:
    """Intensity 1-10 with its IHS wording (1-3 mild, 4-6 moderate, 7-10 severe)."""
    return f"{value} – {scales.ihs_grade(value)}"


def _scale_field(low: int, high: int, label: str, labels=None, **kwargs) -> forms.Field:
    labels = labels or {}
    choices = [(value, str(value)) for value in range(low, high + 1)]
    return forms.TypedChoiceField(
        label=label,
        choices=choices,
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
        **kwargs,
    )


def diary_moment(day: date, clock: time, zone) -> datetime:
    """The moment of a clock time on a diary day: before 04:00 it is the next calendar date,
    because a diary day runs from 04:00 to 04:00 (clinical reference §1, day attribution)."""
    calendar_day = day + timedelta(days=1) if clock.hour < scales.DAY_ROLLOVER_HOUR else day
    return datetime.combine(calendar_day, clock, tzinfo=zone)


def _time_input(**attrs):
    return forms.TimeInput(attrs={"type": "time", **attrs}, format="%H:%M")


class CheckinForm(forms.Form):
    """One day of the diary on one screen: stress, last night's sleep, body map, headache,
    medication taken, optional mood/fatigue and notes.

    The dynamic part (one row per existing dose and per medication quick-pick) is built from a
    ``diary.checkin.CheckinContext``; cross-field rules (end after start, nothing in the future)
    are checked here so all errors show at once, and again by the services as a backstop.
    """

    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    stress = _scale_field(
        scales.STRESS_MIN,
        scales.STRESS_MAX,
        "Overall stress today",
        help_text="0 none · 1–3 low · 4–6 moderate · 7–9 high · 10 worst imaginable",
    )
    # Sleep: Consensus Sleep Diary core items for the night before this day (Carney 2012).
    sleep_hours = forms.TypedChoiceField(
        label="Hours slept",
        help_text="One tap is enough; the times below give more detail.",
        choices=SLEEP_HOURS_CHOICES,
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
    )
    sleep_skip = forms.BooleanField(
        required=False, label="I don't want to record last night's sleep"
    )
    bedtime = forms.TimeField(required=False, label="Went to bed", widget=_time_input())
    lights_out = forms.TimeField(
        required=False,
        label="Tried to sleep at",
        help_text="Leave empty if it was when you went to bed.",
        widget=_time_input(),
    )
    sleep_latency_min = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=scales.MAX_LATENCY_MINUTES,
        label="Minutes to fall asleep",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    awakenings = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=scales.MAX_AWAKENINGS,
        label="Times you woke up",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    waso_min = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=scales.MAX_SLEEP_MINUTES,
        label="Minutes awake during the night",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    final_wake = forms.TimeField(required=False, label="Woke up for good", widget=_time_input())
    rise_time = forms.TimeField(
        required=False,
        label="Got out of bed",
        help_text="Follows the wake-up time unless you change it.",
        widget=_time_input(),
    )
    sleep_quality = forms.TypedChoiceField(
        label="Sleep quality",
        choices=list(scales.SLEEP_QUALITY_LABELS.items()),
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
    )
    headache = forms.ChoiceField(
        label="Headache today?", choices=HEADACHE_CHOICES, required=False, widget=forms.RadioSelect
    )
    attack_start = forms.TimeField(
        required=False,
        label="Started at",
        help_text="Leave empty for “sometime today”. After midnight? Until 04:00 it still "
        "counts for this day.",
        widget=_time_input(),
    )
    attack_end = forms.TimeField(
        required=False,
        label="Ended at",
        help_text="Leave empty while it is still going on.",
        widget=_time_input(),
    )
    attack_end_next_day = forms.BooleanField(required=False, label="It ended the next day")
    attack_peak = _scale_field(
        scales.INTENSITY_MIN,
        scales.INTENSITY_MAX,
        "Worst pain",
        help_text="0 no pain · 1–3 mild · 4–6 moderate · 7–10 severe",
    )
    attack_side = forms.ChoiceField(
        label="Where",
        choices=scales.HEADACHE_SIDES,
        required=False,
        widget=forms.RadioSelect,
    )
    attack_features = forms.MultipleChoiceField(
        label="What was it like?",
        choices=[(code, FEATURE_LABELS[code]) for code in scales.MIGRAINE_FEATURE_CODES],
        help_text="Aura: seeing zigzags or spots, tingling or trouble speaking before or "
        "during the headache, usually 5–60 minutes.",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    attack_aura_minutes = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=24 * 60,
        label="Aura lasted (minutes)",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    attack_impact = forms.TypedChoiceField(
        label="How much did it stop you?",
        choices=scales.FUNCTIONAL_IMPACT,
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
    )
    red_flags = forms.MultipleChoiceField(
        label="Any of these with this headache?",
        choices=RED_FLAG_CHOICES,
        help_text="Optional. Ticking one shows what to do; it is not stored in the diary.",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    no_body_pain = forms.BooleanField(required=False, label="No body pain today")
    # Only for patients who track their cycle (``_ask_period``); unanswered unless tapped.
    period = forms.ChoiceField(
        label="Period today?", choices=(), required=False, widget=forms.RadioSelect
    )
    triggers = forms.MultipleChoiceField(
        label="Possible triggers today",
        help_text="Tick what happened today. Untouched, the question stays unanswered.",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    no_triggers = forms.BooleanField(required=False, label="None of these today")
    mood = _scale_field(
        scales.MOOD_MIN, scales.MOOD_MAX, "Mood", help_text="0 very low · 5 okay · 10 very good"
    )
    fatigue = _scale_field(
        scales.FATIGUE_MIN,
        scales.FATIGUE_MAX,
        "Fatigue",
        help_text="0 none · 5 moderate · 10 exhausted",
    )
    notes = forms.CharField(
        required=False,
        max_length=scales.NOTES_MAX_CHARS,
        label="Notes",
        help_text=f"Up to {scales.NOTES_MAX_CHARS} characters. Private unless you share notes.",
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": scales.NOTES_MAX_CHARS}),
    )

    ATTACK_DETAIL_FIELDS = (
        "attack_start",
        "attack_end",
        "attack_peak",
        "attack_side",
        "attack_features",
        "attack_aura_minutes",
        "attack_impact",
    )
    SLEEP_ITEMS = (
        "bedtime",
        "lights_out",
        "sleep_latency_min",
        "awakenings",
        "waso_min",
        "final_wake",
        "rise_time",
        "sleep_quality",
    )

    def __init__(self, *args, context, **kwargs):
        self.context = context
        super().__init__(*args, **kwargs)
        for area in scales.PAIN_AREAS:
            self.fields[scales.pain_field(area.code)] = forms.TypedChoiceField(
                label=area.label,
                choices=[("", "No pain")]
                + [
                    (value, pain_label(value))
                    for value in range(scales.PAIN_AREA_MIN, scales.PAIN_AREA_MAX + 1)
                ],
                coerce=int,
                required=False,
                empty_value=None,
            )
        self.fields["triggers"].choices = context.trigger_choices
        self._offer_stored_sleep_total(context.day_row)
        self._ask_period(context)
        if context.attack_continues:
            self.fields["attack_start"].disabled = True
        self.dose_rows = [self._add_dose_row(row) for row in context.dose_rows]

    def _offer_stored_sleep_total(self, day_row):
        """A stored total that is not a whole hour (e.g. 7 h 30 min imported) stays a choice,
        so saving the page unchanged keeps it instead of dropping it."""
        total = getattr(day_row, "total_sleep_min", None)
        field = self.fields["sleep_hours"]
        from_items = day_row is not None and any(
            getattr(day_row, name) is not None for name in self.SLEEP_ITEMS[:-1]
        )
        if total is not None and not from_items and total not in dict(field.choices):
            hours, minutes = divmod(total, 60)
            field.choices = sorted([*field.choices, (total, f"{hours} h {minutes:02d}")])

    def _ask_period(self, context):
        """ "Period today?" with answers that say what they record: day 1 of a new period, the
        next day of the current one, or its end."""
        if not context.profile.tracks_cycle:
            del self.fields["period"]
            return
        day = context.period_day
        if day is None:
            choices = (("yes", "Yes – day 1"), ("no", "No"))
            help_text = "Tap “Yes” on the first day of bleeding: that starts a new period."
        else:
            choices = (("yes", f"Yes – day {day}"), ("no", "No – it has ended"))
            help_text = f"Yesterday was day {day - 1} of your period."
        self.fields["period"].choices = choices
        self.fields["period"].help_text = help_text

    def period_answer(self) -> bool | None:
        """The period answer to store: True/False as tapped, None when left unanswered."""
        return ANSWERS.get(self.cleaned_data.get("period"))

    def _add_dose_row(self, row):
        """One medication line: a 'taken' checkbox with time, amount, quantity and relief."""
        key = row.key
        self.fields[f"{key}_take"] = forms.BooleanField(required=False, label=row.medication.name)
        self.fields[f"{key}_time"] = forms.TimeField(
            required=False, label="Time", widget=_time_input()
        )
        self.fields[f"{key}_amount"] = forms.DecimalField(
            required=False,
            min_value=Decimal("0.01"),
            max_digits=8,
            decimal_places=2,
            label=f"Dose ({row.medication.unit})" if row.medication.unit else "Dose",
            widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
        )
        self.fields[f"{key}_quantity"] = forms.DecimalField(
            required=False,
            min_value=Decimal("0.01"),
            max_value=100,
            max_digits=5,
            decimal_places=2,
            label="How many",
            widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
        )
        self.fields[f"{key}_relief"] = forms.ChoiceField(
            required=False,
            label="Relief after 2 h",
            choices=[("", "—"), *scales.RELIEF_LEVELS],
        )
        return row

    # --- rendering helpers ---------------------------------------------------------------------

    def pain_fields(self):
        return [self[scales.pain_field(area.code)] for area in scales.PAIN_AREAS]

    def dose_fields(self, row):
        return {part: self[f"{row.key}_{part}"] for part in row.PARTS}

    # --- validation ------------------------------------------------------------------------------

    def clean(self):
        cleaned = super().clean()
        self._reject_unknown_areas()
        self._clean_no_body_pain(cleaned)
        if cleaned.get("no_triggers") and cleaned.get("triggers"):
            self.add_error(
                "no_triggers", "You ticked triggers and “None of these today”. Untick one of them."
            )
        self._clean_attack(cleaned)
        for row in self.dose_rows:
            self._clean_dose(cleaned, row)
        return cleaned

    def _reject_unknown_areas(self):
        known = {scales.pain_field(code) for code in scales.PAIN_AREA_CODES}
        unknown = sorted(
            name.removeprefix("pain_")
            for name in self.data
            if name.startswith("pain_") and name not in known
        )
        if unknown:
            raise forms.ValidationError(
                f"Unknown body area(s): {', '.join(unknown)}. Use the areas on the body map."
            )

    def marked_areas(self) -> dict[str, int]:
        cleaned = self.cleaned_data
        return {
            code: cleaned[scales.pain_field(code)]
            for code in scales.PAIN_AREA_CODES
            if cleaned.get(scales.pain_field(code))
        }

    def _clean_no_body_pain(self, cleaned):
        if cleaned.get("no_body_pain") and self.marked_areas():
            self.add_error(
                "no_body_pain",
                "You marked painful areas and “No body pain today”. Untick one of them.",
            )

    def trigger_answer(self) -> list[str] | None:
        """The ticked keys; [] for "None of these today"; None when the section was left alone."""
        ticked = list(self.cleaned_data.get("triggers") or [])
        if ticked:
            return ticked
        return [] if self.cleaned_data.get("no_triggers") else None

    def has_attack_details(self) -> bool:
        cleaned = self.cleaned_data
        return any(
            cleaned.get(name) not in (None, "", [], "unknown") for name in self.ATTACK_DETAIL_FIELDS
        ) or bool(self.context.attack and not self.context.attack_continues)

    def untimed_peak(self) -> int | None:
        """The worst pain of a new headache given without any time ("sometime today"): kept on
        the day, since an attack needs a start. None when there is an attack to save."""
        cleaned = self.cleaned_data
        if cleaned.get("headache") != "yes" or self.context.attack is not None:
            return None
        others = [name for name in self.ATTACK_DETAIL_FIELDS if name != "attack_peak"]
        if any(cleaned.get(name) not in (None, "", [], "unknown") for name in others):
            return None
        return cleaned.get("attack_peak")

    def saves_attack(self) -> bool:
        return (
            self.cleaned_data.get("headache") == "yes"
            and self.has_attack_details()
            and self.untimed_peak() is None
        )

    def _clean_attack(self, cleaned):
        if not self.saves_attack():
            return
        context = self.context
        if context.attack_continues:
            started_at = context.attack.started_at
        else:
            start = cleaned.get("attack_start")
            if start is None:
                if "attack_start" not in self.errors:
                    self.add_error(
                        "attack_start",
                        "To keep these details, add roughly when it started (“On waking” or "
                        "“Morning” is fine). Only a pain score can be saved without a time.",
                    )
                return
            started_at = diary_moment(context.day, start, context.zone)
            if started_at > context.now:
                self.add_error("attack_start", "The start cannot be in the future.")
        if cleaned.get("attack_peak") is None and "attack_peak" not in self.errors:
            self.add_error("attack_peak", "How bad was it at its worst (0–10)?")
        end = cleaned.get("attack_end")
        if end is not None:
            end_day = context.day + timedelta(days=1 if cleaned.get("attack_end_next_day") else 0)
            ended_at = diary_moment(end_day, end, context.zone)
            if ended_at <= started_at:
                self.add_error(
                    "attack_end",
                    "The end must be after the start. If it ended after midnight, "
                    "tick “It ended the next day”.",
                )
            elif ended_at > context.now:
                self.add_error(
                    "attack_end",
                    "The end cannot be in the future; leave it empty while it is still going on.",
                )
            cleaned["attack_ended_at"] = ended_at
        cleaned["attack_started_at"] = started_at

    def _clean_dose(self, cleaned, row):
        if not cleaned.get(f"{row.key}_take"):
            return
        clock = cleaned.get(f"{row.key}_time")
        if clock is None:
            if f"{row.key}_time" not in self.errors:
                self.add_error(f"{row.key}_time", f"When did you take {row.medication.name}?")
            return
        taken_at = diary_moment(self.context.day, clock, self.context.zone)
        if taken_at > self.context.now:
            self.add_error(f"{row.key}_time", "This time is still in the future.")
        cleaned[f"{row.key}_taken_at"] = taken_at


class MedicationForm(forms.ModelForm):
    """An entry of the patient's own medication list (acute or preventive)."""

    class Meta:
        model = Medication
        fields = ["name", "med_class", "kind", "default_amount", "unit", "started_on", "stopped_on"]
        labels = {
            "name": "Name",
            "med_class": "Type",
            "kind": "Used",
            "default_amount": "Usual dose",
            "unit": "Unit",
            "started_on": "Started on",
            "stopped_on": "Stopped on",
        }
        help_texts = {
            "med_class": "Decides which overuse threshold applies (ICHD-3).",
            "default_amount": "Filled in when you log a dose; you can change it each time.",
        }
        widgets = {
            "kind": forms.RadioSelect,
            "started_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "stopped_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "default_amount": forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].required = False
        self.fields["kind"].choices = [
            ("acute", "Acute: when pain starts"),
            ("preventive", "Preventive: every day"),
        ]
        self.fields["med_class"].choices = [("", "Choose a type"), *scales.MEDICATION_CLASSES]
        self.fields["default_amount"].validators.append(MinValueValidator(Decimal("0.01")))

    def clean(self):
        cleaned = super().clean()
        started, stopped = cleaned.get("started_on"), cleaned.get("stopped_on")
        if started and stopped and stopped < started:
            self.add_error("stopped_on", "The stop date must be on or after the start date.")
        return cleaned

    def _post_clean(self):
        """Skip ModelForm's instance validation: the service validates (with the patient)."""


class TriggerForm(forms.Form):
    """Add an own trigger to the check-in's checklist (``services.trigger_upsert`` checks it)."""

    name = forms.CharField(
        label="Your own trigger",
        max_length=scales.TRIGGER_NAME_MAX_CHARS,
        help_text=f"For example “Bright sunlight”. Up to {scales.TRIGGER_NAME_MAX_CHARS} "
        "characters.",
    )


class QuestionnaireForm(forms.Form):
    """One periodic questionnaire; answers are scored by ``services.score_questionnaire``."""

    def __init__(self, *args, instrument: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        for name, label, choices in QUESTIONNAIRE_ITEMS[instrument]:
            if isinstance(choices, int):  # a count (MIDAS days) from 0 to ``choices``
                self.fields[name] = forms.IntegerField(label=label, min_value=0, max_value=choices)
                continue
            self.fields[name] = forms.TypedChoiceField(
                label=label,
                choices=choices,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": "Choose an answer."},
            )

    def answers(self):
        """The answers in the shape ``score_questionnaire`` expects for this instrument."""
        values = [self.cleaned_data[name] for name, _, _ in QUESTIONNAIRE_ITEMS[self.instrument]]
        if self.instrument == "sss":
            names = scales.SSS_WEEK_ITEMS + scales.SSS_SIX_MONTH_ITEMS
            return dict(zip(names, values, strict=True))
        if self.instrument == "dsqsf":  # frequency, severity, frequency, ... -> pairs
            return [list(pair) for pair in zip(values[::2], values[1::2], strict=True)]
        return values

    @classmethod
    def initial_from(cls, instrument: str, answers) -> dict:
        """Form initial values from stored answers (to change today's response)."""
        if instrument == "sss":
            return {f"item_{i}": answers.get(key) for i, key in enumerate(_SSS_KEYS)}
        if instrument == "dsqsf":
            values = [value for pair in answers for value in pair]
            return {
                name: value
                for (name, _, _), value in zip(QUESTIONNAIRE_ITEMS[instrument], values, strict=True)
            }
        return {f"item_{i}": value for i, value in enumerate(answers)}


ASC12_CHOICES = (
    (0, "Does not apply, never or rarely"),
    (1, "Less than half the time"),
    (2, "Half the time or more"),
)
PSS4_CHOICES = (
    (0, "Never"),
    (1, "Almost never"),
    (2, "Sometimes"),
    (3, "Fairly often"),
    (4, "Very often"),
)
SSS_SEVERITY_CHOICES = (
    (0, "No problem"),
    (1, "Slight or mild: generally mild or intermittent"),
    (2, "Moderate: considerable problems, often present"),
    (3, "Severe: pervasive, continuous, life-disturbing"),
)
YES_NO = ((0, "No"), (1, "Yes"))
SSS_LABELS = {
    "fatigue": "Fatigue (past week)",
    "waking_unrefreshed": "Waking unrefreshed (past week)",
    "cognitive_symptoms": "Trouble thinking or remembering (past week)",
    "headaches": "Headaches (past 6 months)",
    "lower_abdominal_pain": "Pain or cramps in the lower abdomen (past 6 months)",
    "depression": "Depression (past 6 months)",
}
_SSS_KEYS = scales.SSS_WEEK_ITEMS + scales.SSS_SIX_MONTH_ITEMS
QUESTIONNAIRE_ITEMS = {
    "sss": [
        (f"item_{i}", SSS_LABELS[key], SSS_SEVERITY_CHOICES if i < 3 else YES_NO)
        for i, key in enumerate(_SSS_KEYS)
    ],
    "asc12": [(f"item_{i}", text, ASC12_CHOICES) for i, text in enumerate(scales.ASC12_ITEMS)],
    "pss4": [(f"item_{i}", text, PSS4_CHOICES) for i, text in enumerate(scales.PSS4_ITEMS)],
}
_SCREEN_TEXTS = {
    "phq4": scales.PHQ4_ITEMS,
    "phq8": scales.PHQ8_ITEMS,
    "gad7": scales.GAD7_ITEMS,
    "tmd": scales.TMD_ITEMS,
}
for _code, _texts in _SCREEN_TEXTS.items():
    QUESTIONNAIRE_ITEMS[_code] = [
        (
            f"item_{i}",
            text,
            scales.TMD_DURATION_ANSWERS
            if _code == "tmd" and i == 0
            else YES_NO
            if _code == "tmd"
            else scales.PHQ_ANSWERS,
        )
        for i, text in enumerate(_texts)
    ]
QUESTIONNAIRE_ITEMS["midas"] = [
    (f"item_{i}", text, maximum)
    for i, (text, maximum) in enumerate(zip(scales.MIDAS_ITEMS, scales.MIDAS_ITEM_MAX, strict=True))
]
QUESTIONNAIRE_ITEMS["dsqsf"] = [
    field
    for i, text in enumerate(scales.DSQ_ITEMS)
    for field in (
        (f"item_{i}_frequency", f"{text}: how often?", scales.DSQ_FREQUENCY_ANSWERS),
        (
            f"item_{i}_severity",
            f"{text}: how much has it bothered you?",
            scales.DSQ_SEVERITY_ANSWERS,
        ),
    )
]

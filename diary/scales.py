"""Scales, codes and ranges of the diary, defined once for models, forms, API, CSV and analysis.

Sources: ICHD-3 (headache features, medication-overuse classes), ACR 2016 fibromyalgia criteria
(Wolfe et al. 2016: the 19 Widespread Pain Index areas and their 5 regions), the Consensus Sleep
Diary (Carney et al. 2012), ASC-12 (Lipton et al. 2008) and PSS-4 (Cohen et al. 1983).
"""

from dataclasses import dataclass

INTENSITY_MIN, INTENSITY_MAX = 0, 10  # NRS 0-10 for headache peak
PAIN_AREA_MIN, PAIN_AREA_MAX = 1, 10  # a marked area has intensity 1-10 (unmarked = no pain)
STRESS_MIN, STRESS_MAX = 0, 10
MOOD_MIN, MOOD_MAX = 0, 10
FATIGUE_MIN, FATIGUE_MAX = 0, 10
SLEEP_QUALITY_MIN, SLEEP_QUALITY_MAX = 1, 5
MAX_SLEEP_MINUTES = 24 * 60
MAX_LATENCY_MINUTES = 12 * 60
MAX_AWAKENINGS = 50
NOTES_MAX_CHARS = 2000
EARLIEST_DIARY_YEAR = 1900  # API and CSV import refuse earlier days
LATEST_DIARY_YEAR = 2999  # no page, filter or export reaches past this (date arithmetic stays safe)
DAY_ROLLOVER_HOUR = 4  # an entry before 04:00 local belongs to the day that is ending

SLEEP_QUALITY_LABELS = {1: "Very poor", 2: "Poor", 3: "Fair", 4: "Good", 5: "Very good"}
STRESS_LABELS = {0: "None", 3: "Some", 5: "Moderate", 8: "High", 10: "Worst imaginable"}


def ihs_grade(intensity: int | None) -> str:
    """Map NRS 0-10 to the IHS 0-3 wording used in reports (0 none, 1-3 mild, 4-6, 7-10)."""
    if intensity is None:
        return "not recorded"
    if intensity == 0:
        return "none"
    if intensity <= 3:
        return "mild"
    if intensity <= 6:
        return "moderate"
    return "severe"


MODERATE_SEVERE_MIN = 4


@dataclass(frozen=True)
class PainArea:
    code: str
    label: str
    region: str  # one of the 5 ACR 2016 regions
    counts_for_generalized: bool  # jaw, chest and abdomen do not count towards generalized pain
    snomed: str  # SNOMED CT body structure (laterality added separately)
    side: str  # "left", "right" or "" for axial


# Order matters: CSV, API and the body map all use it.
PAIN_AREAS: tuple[PainArea, ...] = (
    PainArea("jaw_left", "Jaw, left", "left_upper", False, "661005", "left"),
    PainArea("jaw_right", "Jaw, right", "right_upper", False, "661005", "right"),
    PainArea("shoulder_left", "Shoulder girdle, left", "left_upper", True, "16982005", "left"),
    PainArea("shoulder_right", "Shoulder girdle, right", "right_upper", True, "16982005", "right"),
    PainArea("upper_arm_left", "Upper arm, left", "left_upper", True, "40983000", "left"),
    PainArea("upper_arm_right", "Upper arm, right", "right_upper", True, "40983000", "right"),
    PainArea("lower_arm_left", "Lower arm, left", "left_upper", True, "14975008", "left"),
    PainArea("lower_arm_right", "Lower arm, right", "right_upper", True, "14975008", "right"),
    PainArea("hip_left", "Hip (buttock), left", "left_lower", True, "29836001", "left"),
    PainArea("hip_right", "Hip (buttock), right", "right_lower", True, "29836001", "right"),
    PainArea("upper_leg_left", "Upper leg, left", "left_lower", True, "68367000", "left"),
    PainArea("upper_leg_right", "Upper leg, right", "right_lower", True, "68367000", "right"),
    PainArea("lower_leg_left", "Lower leg, left", "left_lower", True, "30021000", "left"),
    PainArea("lower_leg_right", "Lower leg, right", "right_lower", True, "30021000", "right"),
    PainArea("neck", "Neck", "axial", True, "45048000", ""),
    PainArea("upper_back", "Upper back", "axial", True, "1141986006", ""),
    PainArea("lower_back", "Lower back", "axial", True, "37822005", ""),
    PainArea("chest", "Chest", "axial", False, "63698005", ""),  # anterior chest wall
    PainArea("abdomen", "Abdomen", "axial", False, "818983003", ""),
)
PAIN_AREA_CODES: tuple[str, ...] = tuple(area.code for area in PAIN_AREAS)
PAIN_AREA_BY_CODE = {area.code: area for area in PAIN_AREAS}
BODY_REGIONS = ("left_upper", "right_upper", "left_lower", "right_lower", "axial")
SNOMED_LATERALITY = {"left": "419161000", "right": "419465000"}


def pain_field(code: str) -> str:
    """Model field name that stores the intensity of one WPI area on a Day."""
    return f"pain_{code}"


MIGRAINE_FEATURES = (
    ("unilateral", "One side of the head"),
    ("pulsating", "Pulsating / throbbing"),
    ("worse_with_activity", "Worse with routine activity (or made me avoid it)"),
    ("nausea", "Nausea"),
    ("vomiting", "Vomiting"),
    ("photophobia", "Bothered by light"),
    ("phonophobia", "Bothered by sound"),
    ("aura", "Aura (visual, sensory or speech symptoms before or during)"),
)
MIGRAINE_FEATURE_CODES = tuple(code for code, _ in MIGRAINE_FEATURES)

MEDICATION_CLASSES = (
    ("simple_analgesic", "Simple analgesic (paracetamol, aspirin)"),
    ("nsaid", "NSAID (ibuprofen, naproxen…)"),
    ("triptan", "Triptan"),
    ("ergot", "Ergot"),
    ("opioid", "Opioid"),
    ("combination", "Combination analgesic"),
    ("gepant", "Gepant"),
    ("ditan", "Ditan"),
    ("other", "Other"),
)
MEDICATION_CLASS_CODES = tuple(code for code, _ in MEDICATION_CLASSES)
MIGRAINE_SPECIFIC_CLASSES = frozenset({"triptan", "ergot", "gepant", "ditan"})
# ICHD-3 8.2 overuse thresholds: insights/analysis/medication_overuse.py (one rule for all).

HEADACHE_SIDES = (
    ("left", "Left"),
    ("right", "Right"),
    ("both", "Both sides"),
    ("alternating", "Alternating"),
    ("unknown", "Not sure"),
)
FUNCTIONAL_IMPACT = (
    (0, "None — carried on as usual"),
    (1, "Mild — slowed down"),
    (2, "Moderate — had to cut back"),
    (3, "Severe — bed rest"),
)
RELIEF_LEVELS = (
    ("none", "No relief"),
    ("partial", "Some relief"),
    ("complete", "Pain free"),
)

# Periodic questionnaires (scored on save).
ASC12_ITEMS = (
    "Combing your hair",
    "Pulling your hair back (ponytail)",
    "Shaving your face",
    "Wearing eyeglasses",
    "Wearing contact lenses",
    "Wearing earrings",
    "Wearing a necklace",
    "Wearing tight clothing",
    "Taking a shower (water on your face)",
    "Resting your face or head on a pillow",
    "Exposure to heat",
    "Exposure to cold",
)
# Answer codes: 0 does not apply/never/rarely, 1 less than half the time, 2 half the time or more.
ASC12_ANSWER_MAX = 2
PSS4_ITEMS = (
    "Felt unable to control the important things in your life",
    "Felt confident about your ability to handle your personal problems",
    "Felt that things were going your way",
    "Felt difficulties were piling up so high that you could not overcome them",
)
PSS4_REVERSED = (1, 2)  # zero-based: items 2 and 3
PSS4_ANSWER_MAX = 4
SSS_WEEK_ITEMS = ("fatigue", "waking_unrefreshed", "cognitive_symptoms")  # 0-3 each
SSS_SIX_MONTH_ITEMS = ("headaches", "lower_abdominal_pain", "depression")  # 0/1 each


def asc12_band(score: int) -> str:
    if score <= 2:
        return "none"
    if score <= 5:
        return "mild"
    if score <= 8:
        return "moderate"
    return "severe"

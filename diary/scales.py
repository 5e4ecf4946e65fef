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
# The UTC offset a device sends with a time (minutes east of UTC). Real offsets run from
# -12:00 to +14:00; anything beyond +-14 h is a malformed clock.
UTC_OFFSET_MAX_MINUTES = 14 * 60

SLEEP_QUALITY_LABELS = {1: "Very poor", 2: "Poor", 3: "Fair", 4: "Good", 5: "Very good"}


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


# --- Screens for the overlapping conditions (scored on save; shown as "meets the published
# threshold for ...", never as a diagnosis). ---------------------------------------------------

# PHQ and GAD-7 (Kroenke, Spitzer, Williams, Löwe): "No permission required to reproduce,
# translate, display or distribute" (Pfizer). Answers: over the last 2 weeks, how often ...
PHQ_ANSWERS = (
    (0, "Not at all"),
    (1, "Several days"),
    (2, "More than half the days"),
    (3, "Nearly every day"),
)
PHQ_ANSWER_MAX = 3
# PHQ-4 (Kroenke et al., Psychosomatics 2009;50:613; Löwe et al., J Affect Disord 2010):
# items 1-2 are the GAD-2 (anxiety), items 3-4 the PHQ-2 (depression); a subscale >= 3 is a
# positive screen, and the full GAD-7 / PHQ-8 follows it.
PHQ4_ITEMS = (
    "Feeling nervous, anxious or on edge",
    "Not being able to stop or control worrying",
    "Little interest or pleasure in doing things",
    "Feeling down, depressed or hopeless",
)
PHQ4_SUBSCALE_POSITIVE = 3
# PHQ-8 (Kroenke et al., J Affect Disord 2009;114:163): the PHQ-9 without item 9 (thoughts of
# self-harm), which needs a clinician pathway behind it; >= 10 is the published cut-off.
PHQ8_ITEMS = (
    "Little interest or pleasure in doing things",
    "Feeling down, depressed or hopeless",
    "Trouble falling or staying asleep, or sleeping too much",
    "Feeling tired or having little energy",
    "Poor appetite or overeating",
    "Feeling bad about yourself, or that you are a failure or have let yourself or your "
    "family down",
    "Trouble concentrating on things, such as reading or watching television",
    "Moving or speaking so slowly that other people could have noticed, or the opposite: "
    "being so fidgety or restless that you have been moving around a lot more than usual",
)
# GAD-7 (Spitzer et al., Arch Intern Med 2006;166:1092): >= 10 is the published cut-off.
GAD7_ITEMS = (
    "Feeling nervous, anxious or on edge",
    "Not being able to stop or control worrying",
    "Worrying too much about different things",
    "Trouble relaxing",
    "Being so restless that it is hard to sit still",
    "Becoming easily annoyed or irritable",
    "Feeling afraid, as if something awful might happen",
)
PHQ_SCREEN_CUTOFF = 10  # PHQ-8 and GAD-7
# Severity bands: (lowest score, label), from the publications above.
PHQ4_BANDS = ((0, "normal"), (3, "mild"), (6, "moderate"), (9, "severe"))
PHQ8_BANDS = (
    (0, "none-minimal"),
    (5, "mild"),
    (10, "moderate"),
    (15, "moderately severe"),
    (20, "severe"),
)
GAD7_BANDS = ((0, "minimal"), (5, "mild"), (10, "moderate"), (15, "severe"))

# TMD Pain Screener, 6-item version (Gonzalez et al., JADA 2011;142:1183; DC/TMD, Schiffman
# et al. 2014). The DC/TMD instruments are free to use without permission (INfORM / RDC-TMD
# International). Past 30 days. Item 1: 0 no pain, 1 pain that comes and goes, 2 continuous;
# items 2-6: 0 no, 1 yes. Total 0-7; >= 3 is the published cut-off for the 6-item version.
TMD_ITEMS = (
    "In the last 30 days, how long did any pain in your jaw or temple area on either side last?",
    "In the last 30 days, have you had pain or stiffness in your jaw on awakening?",
    "In the last 30 days, did chewing hard or tough food change any pain in your jaw or temple "
    "area (make it better or worse)?",
    "… opening your mouth, or moving your jaw forward or to the side?",
    "… jaw habits such as holding teeth together, clenching, grinding or chewing gum?",
    "… other jaw activities such as talking, kissing or yawning?",
)
TMD_DURATION_ANSWERS = ((0, "No pain"), (1, "Pain comes and goes"), (2, "Pain is always present"))
TMD_ITEM_MAX = (2, 1, 1, 1, 1, 1)
TMD_CUTOFF = 3

# Screens whose answers are a list of 0..max integers: instrument -> per-item maxima.
LIST_SCREENS = {
    "phq4": (PHQ_ANSWER_MAX,) * len(PHQ4_ITEMS),
    "phq8": (PHQ_ANSWER_MAX,) * len(PHQ8_ITEMS),
    "gad7": (PHQ_ANSWER_MAX,) * len(GAD7_ITEMS),
    "tmd": TMD_ITEM_MAX,
}
SCREEN_MAX_SCORE = {code: sum(maxima) for code, maxima in LIST_SCREENS.items()}


def band(bands, score: int) -> str:
    """The label of the highest band whose lower bound ``score`` reaches."""
    return [label for low, label in bands if score >= low][-1]


def phq4_subscales(answers) -> tuple[int, int]:
    """(anxiety GAD-2, depression PHQ-2) from the four PHQ-4 answers."""
    return answers[0] + answers[1], answers[2] + answers[3]


def screen_reading(instrument: str, score: int, answers) -> dict:
    """What a screen's score means, as data: its band and whether it meets a published cut-off
    (PHQ-4: which follow-up questionnaire the positive subscale calls for)."""
    if instrument == "phq4":
        anxiety, depression = phq4_subscales(answers)
        follow_up = [
            code
            for code, sub in (("gad7", anxiety), ("phq8", depression))
            if sub >= PHQ4_SUBSCALE_POSITIVE
        ]
        return {
            "band": band(PHQ4_BANDS, score),
            "anxiety": anxiety,
            "depression": depression,
            "positive": bool(follow_up),
            "follow_up": follow_up,
        }
    if instrument in ("phq8", "gad7"):
        bands = PHQ8_BANDS if instrument == "phq8" else GAD7_BANDS
        return {"band": band(bands, score), "positive": score >= PHQ_SCREEN_CUTOFF}
    if instrument == "tmd":
        return {"band": "", "positive": score >= TMD_CUTOFF}
    if instrument == "midas":
        return {"band": band(MIDAS_GRADES, score), "positive": score >= MIDAS_SEVERE}
    if instrument == "dsqsf":
        return dsq_reading(answers)
    return {"band": "", "positive": False}


# MIDAS, Migraine Disability Assessment (Stewart et al., Neurology 2001;56(6 Suppl 1):S20):
# days in the last 3 months. Items 1-5 are scored (sum = MIDAS score); A (headache days) and
# B (usual pain, 0-10) are asked but not scored. Grades: I 0-5 little or no disability,
# II 6-10 mild, III 11-20 moderate, IV >= 21 severe.
# Terms of use: MIDAS is copyrighted (Innovative Medical Research 1997) and is distributed
# free of charge for clinical use and research; a commercial product should confirm its
# licence with the copyright holder before release. Not verified: a search of public pages
# (2026-12) found the items, scoring and grades (Stewart et al. 2001; Lipton et al. 2001) but no
# licence text from the holder, and nothing on later (e.g. Amgen-era) terms.
MIDAS_ITEMS = (
    "On how many days in the last 3 months did you miss work or school because of your headaches?",
    "How many days in the last 3 months was your productivity at work or school reduced by "
    "half or more because of your headaches? (Do not include days you counted in question 1.)",
    "On how many days in the last 3 months did you not do household work because of your "
    "headaches?",
    "How many days in the last 3 months was your productivity in household work reduced by "
    "half or more because of your headaches? (Do not include days you counted in question 3.)",
    "On how many days in the last 3 months did you miss family, social or leisure activities "
    "because of your headaches?",
    "On how many days in the last 3 months did you have a headache? (If a headache lasted "
    "more than 1 day, count each day.)",
    "On a scale of 0-10, on average how painful were these headaches? (0 = no pain at all, "
    "10 = pain as bad as it can be)",
)
MIDAS_SCORED = 5
MIDAS_ITEM_MAX = (90, 90, 90, 90, 90, 90, 10)
MIDAS_GRADES = (
    (0, "grade I, little or no disability"),
    (6, "grade II, mild disability"),
    (11, "grade III, moderate disability"),
    (21, "grade IV, severe disability"),
)
MIDAS_SEVERE = 21
SCREEN_MAX_SCORE["midas"] = MIDAS_SCORED * 90

# DePaul Symptom Questionnaire, Short Form (DSQ-SF; Sunnquist, Lazarus & Jason, Rehabil Psychol
# 2019;64(4):453, PMC6803042): 14 symptoms of ME/CFS, each rated for frequency and severity
# over the past 6 months, 0-4 (NINDS CDE for the DSQ: frequency 0 none of the time ... 4 all of
# the time; severity 0 symptom not present ... 4 very severe).
# VERIFIED: the rating scales (NINDS CDE DSQ page), the wording of the DSQ post-exertional
# items (Cotler et al., Diagnostics 2018;8:66, appendix A) and the DSQ symptom threshold
# "frequency >= 2 and severity >= 2" (ibid., appendix B; it follows the IOM 2015 rule that a
# symptom counts when present at least half of the time at moderate or worse intensity).
# NOT VERIFIED, to confirm with DePaul: the item list and wording of the short form (taken from
# two public implementations that agree on it, not from the paper's own table) and the terms of
# use (the DSQ is distributed free through the REDCap shared library and the NINDS CDE; no
# licence text was found). Until confirmed, the page names it "DePaul Symptom Questionnaire,
# short form (DSQ-SF)" and cites the paper.
DSQ_ITEMS = (
    "Fatigue or extreme tiredness",
    "Next-day soreness or fatigue after non-strenuous, everyday activities",
    "Minimum exercise makes you physically tired",
    "Feeling unrefreshed after you wake up in the morning",
    "Pain or aching in your muscles",
    "Bloating",
    "Problems remembering things",
    "Difficulty paying attention for a long period of time",
    "Irritable bowel problems",
    "Feeling unsteady on your feet, like you might fall",
    "Cold limbs (arms, legs, hands or feet)",
    "Feeling hot or cold for no reason",
    "Flu-like symptoms",
    "Some smells, foods, medications or chemicals make you feel sick",
)
DSQ_FREQUENCY_ANSWERS = (
    (0, "None of the time"),
    (1, "A little of the time"),
    (2, "About half the time"),
    (3, "Most of the time"),
    (4, "All of the time"),
)
DSQ_SEVERITY_ANSWERS = (
    (0, "Symptom not present"),
    (1, "Mild"),
    (2, "Moderate"),
    (3, "Severe"),
    (4, "Very severe"),
)
DSQ_ANSWER_MAX = 4
DSQ_THRESHOLD = 2  # a symptom counts at frequency >= 2 and severity >= 2
DSQ_MAX_SCORE = 100
# The IOM 2015 (SEID) symptom pattern, as the DSQ operationalises it: fatigue, post-exertional
# malaise and unrefreshing sleep, plus cognitive impairment or orthostatic intolerance
# (zero-based item indexes; "unsteady on your feet" is the short form's orthostatic item).
# The IOM criteria also need a substantial fall in activity for 6 months or more, which the
# short form does not ask: meeting the pattern is a reason to assess, not a diagnosis.
DSQ_DOMAINS = (
    ("fatigue", (0,)),
    ("post-exertional malaise", (1, 2)),
    ("unrefreshing sleep", (3,)),
)
DSQ_COGNITIVE_OR_ORTHOSTATIC = (6, 7, 9)
SCREEN_MAX_SCORE["dsqsf"] = DSQ_MAX_SCORE


def dsq_score(answers) -> int:
    """DSQ composite (Jason & Sunnquist 2018): frequency and severity each x 25 (0-100),
    averaged per item; the score is the mean over the 14 items, rounded half up."""
    points = 25 * sum(frequency + severity for frequency, severity in answers)
    ratings = 2 * len(answers)
    return (2 * points + ratings) // (2 * ratings)  # points / ratings, half up


def dsq_reading(answers) -> dict:
    """Which symptoms reach the DSQ threshold and whether the IOM 2015 symptom pattern is met."""
    present = [
        frequency >= DSQ_THRESHOLD and severity >= DSQ_THRESHOLD for frequency, severity in answers
    ]
    missing = [name for name, items in DSQ_DOMAINS if not any(present[i] for i in items)]
    if not any(present[i] for i in DSQ_COGNITIVE_OR_ORTHOSTATIC):
        missing.append("cognitive impairment or orthostatic intolerance")
    return {
        "band": f"{sum(present)} of {len(answers)} symptoms at threshold",
        "symptoms": sum(present),
        "missing": missing,
        "positive": not missing,
    }


# The periodic questionnaires offered on the Questionnaires page: how often each is suggested
# (``interval`` in days, read by ``diary.selectors.questionnaire_statuses``); a ``follow_up``
# one is offered only when a positive PHQ-4 part calls for it.
INSTRUMENTS = {
    "sss": {
        "title": "Symptom severity (ACR 2016 SSS)",
        "every": "weekly",
        "interval": 7,
        "max": 12,
        "about": "Fatigue, unrefreshing sleep and thinking problems over the past week, and "
        "three symptoms over the past 6 months (Wolfe et al., 2016).",
    },
    "asc12": {
        "title": "Allodynia Symptom Checklist (ASC-12)",
        "every": "monthly",
        "interval": 30,
        "max": 24,
        "about": "How often everyday touch, heat or cold is painful during a headache "
        "(Lipton et al., 2008).",
    },
    "pss4": {
        "title": "Perceived Stress Scale (PSS-4)",
        "every": "monthly",
        "interval": 30,
        "max": 16,
        "about": "How stressful the past month felt, in four questions (Cohen et al., 1983).",
    },
    "phq4": {
        "title": "Anxiety and mood (PHQ-4)",
        "every": "monthly",
        "interval": 30,
        "max": 12,
        "about": "Four questions about the last 2 weeks (Kroenke et al., 2009). Public domain.",
    },
    "phq8": {
        "title": "Mood in more detail (PHQ-8)",
        "every": "monthly, when the PHQ-4 suggests it",
        "interval": 30,
        "max": 24,
        "follow_up": True,
        "about": "Eight questions about the last 2 weeks (Kroenke et al., 2009). Free to use.",
    },
    "gad7": {
        "title": "Anxiety in more detail (GAD-7)",
        "every": "monthly, when the PHQ-4 suggests it",
        "interval": 30,
        "max": 21,
        "follow_up": True,
        "about": "Seven questions about the last 2 weeks (Spitzer et al., 2006). Free to use.",
    },
    "tmd": {
        "title": "Jaw and temple pain (TMD Pain Screener)",
        "every": "monthly",
        "interval": 30,
        "max": 7,
        "about": "Six questions about jaw pain in the last 30 days (DC/TMD, Gonzalez et al., "
        "2011). Free to use.",
    },
    "midas": {
        "title": "Headache disability (MIDAS)",
        "every": "every 3 months",
        "interval": 90,
        "max": 450,
        "about": "Days that headaches cost you at work, at home and socially in the last 3 "
        "months (Stewart et al., 2001). Copyright Innovative Medical Research; free for "
        "clinical use.",
    },
    "dsqsf": {
        "title": "Fatigue and energy (DSQ-SF)",
        "every": "every 3 months",
        "interval": 90,
        "max": 100,
        "about": "How often 14 symptoms of chronic fatigue bothered you in the past 6 months, and "
        "how much (DePaul Symptom Questionnaire, short form; Sunnquist, Lazarus and Jason, "
        "2019), developed at DePaul University.",
    },
}

# Possible headache triggers: a short default checklist (the factors patients report most,
# e.g. Kelman, Cephalalgia 2007) plus each patient's own (``diary.models.Trigger``). A day
# stores the keys ticked: these codes, or ``own:<uuid>`` for an own trigger.
DEFAULT_TRIGGERS = (
    ("alcohol", "Alcohol"),
    ("skipped_meal", "Skipped meal"),
    ("caffeine_change", "Caffeine change"),
    ("screen_time", "Long screen time"),
    ("travel", "Travel"),
    ("strong_smells", "Strong smells"),
    ("dehydration", "Not enough to drink"),
)
DEFAULT_TRIGGER_CODES = tuple(code for code, _ in DEFAULT_TRIGGERS)
DEFAULT_TRIGGER_LABELS = dict(DEFAULT_TRIGGERS)
OWN_TRIGGER_PREFIX = "own:"
TRIGGER_NAME_MAX_CHARS = 40
MAX_OWN_TRIGGERS = 20  # live own triggers per patient: the check-in stays one screen
MAX_DAY_TRIGGERS = 40  # keys on one day (own triggers deleted later stay on their days)


def own_trigger_key(trigger_id) -> str:
    return f"{OWN_TRIGGER_PREFIX}{trigger_id}"

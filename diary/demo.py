"""Realistic demo diaries for ``seed_demo``: ~6 months per patient, deterministic per seed.

The generator (``build_plan``) is pure: it simulates a person's days and returns plain records.
Writers then store them either through ``diary.services`` (the validated path, used by tests to
prove parity) or in bulk (``seed_patient_diary``'s default: the same rows, computed with the
same service helpers, in a handful of INSERTs, then one insight recompute).

Planted, clinically grounded patterns (clinical reference §1-§6) that the insights engine should
find in persona 0 (patient@example.com):

- stress_letdown: high-stress stretches end in sharp drops (>= 3 points); a new attack is far
  more likely on the day after the drop (Lipton et al., Neurology 2014). Stress level
  itself carries no extra risk.
- sleep_pain: short/poor nights (~25 %) add about 3 painful areas and 1.5 intensity points the
  next day (Edwards et al., Pain 2008; Tang et al., Sleep 2012).
- pain_spread: the daily painful-area count rises from ~3 to ~9 over the 6 months, spreading
  from the neck and upper back to shoulders, hips and limbs (a sensitization picture).
- headache_frequency: 8-14 headache days per 30 days, rising, most of them migraine-like
  (ICHD-3 C and D features); some attacks start in the evening and cross midnight.
- medication_overuse: a triptan on >= 10 of the last 30 days (ICHD-3 8.2 threshold), plus
  ibuprofen for attacks and body pain.
- triggers: the checklist is answered on most logged days (travel in short trips, an own
  "Bright sunlight"); a drink with dinner on about two evenings a week, any day (tied to the
  weekend, drinks would coincide with the Saturday stress drop and each effect would blur the
  other), and a new attack is far more likely the day after it. No other trigger changes
  anything. The drinks and let-downs bring part of the attacks, so the baseline risk is lower
  than the headache-day count suggests.

Persona 1 (patient2@example.com) has milder episodic migraine (about 3-5 headache days a month)
and little body pain, and tracks her cycle (periods every 26-31 days, 4-6 days of bleeding, "no"
answered on about half of the other days): an attack is likely on days -2 to +3 of each period,
and attacks come at other times too, so the insights find menstrually related migraine (ICHD-3
A1.1.2, ``menstrual_migraine``). Both skip some days, answer weekly SSS and monthly ASC-12 /
PSS-4, and write occasional notes.
"""

from __future__ import annotations

import math
import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from diary import scales, services
from diary.days import diary_date_for, patient_today, patient_zone, rollover_date
from diary.derive import diary_window
from diary.models import Day, Dose, HeadacheAttack, Medication, QuestionnaireResponse, Trigger
from diary.signals import diary_changed

DEMO_NAMESPACE = uuid.UUID("8f1d3c52-0a6b-4b8e-9d27-3e5f7c9a1b64")

# Fibromyalgia-like spread: axial first, then shoulder girdle, hips, arms, legs, jaw, chest.
SPREAD_ORDER = (
    "neck",
    "upper_back",
    "shoulder_right",
    "shoulder_left",
    "lower_back",
    "hip_right",
    "hip_left",
    "upper_arm_right",
    "upper_arm_left",
    "upper_leg_right",
    "upper_leg_left",
    "jaw_right",
    "jaw_left",
    "lower_arm_right",
    "lower_arm_left",
    "lower_leg_right",
    "lower_leg_left",
    "chest",
    "abdomen",
)
assert set(SPREAD_ORDER) == set(scales.PAIN_AREA_CODES)


@dataclass(frozen=True)
class Persona:
    """Parameters of one simulated patient."""

    key: str
    skip_rate: float
    stress_base: float
    stretch_every: tuple[int, int]  # days between high-stress stretches
    onset_base: tuple[float, float]  # daily onset probability at the start / end of the diary
    onset_letdown: float  # onset probability on the day after a >= 3-point drop
    mild_share: float  # share of attacks that are mild, tension-type-like
    pain_areas: tuple[float, float]  # mean painful areas at the start / end
    pain_days: float  # share of logged days with any body pain
    poor_night_rate: float
    poor_night_areas: float  # extra painful areas after a poor night
    triptan: tuple[str, str, Decimal]  # name, class, amount
    nsaid: tuple[str, str, Decimal]
    simple: tuple[str, str, Decimal] | None
    triptan_last_30_min: int  # top-up so the overuse threshold is visibly met (0 = none)
    recent_headache_days_min: int  # headache days in the last 4 weeks (0 = leave to chance)
    menstrual_onset: float = 0.0  # onset probability on days -2 to +3 of a period (0: no cycle)
    onset_after_alcohol: float = 0.0  # onset probability the day after alcohol (0: no effect)
    alcohol: tuple[float, float] = (0.08, 0.4)  # chance of a drink on other / Fri and Sat evenings
    own_triggers: tuple[str, ...] = ()


PERSONAS = {
    0: Persona(
        key="sensitized",
        skip_rate=0.07,
        stress_base=4.2,
        stretch_every=(4, 8),
        onset_base=(0.04, 0.14),  # plus the attacks after drinks and let-downs
        onset_letdown=0.95,
        mild_share=0.18,
        pain_areas=(3.0, 9.0),
        pain_days=1.0,
        poor_night_rate=0.22,
        poor_night_areas=3.0,
        triptan=("Sumatriptan", "triptan", Decimal("50")),
        nsaid=("Ibuprofen", "nsaid", Decimal("400")),
        simple=("Paracetamol", "simple_analgesic", Decimal("1000")),
        triptan_last_30_min=11,
        recent_headache_days_min=12,
        onset_after_alcohol=0.9,
        alcohol=(0.3, 0.3),
        own_triggers=("Bright sunlight",),
    ),
    1: Persona(
        key="episodic",
        skip_rate=0.12,
        stress_base=3.4,
        stretch_every=(18, 30),
        onset_base=(0.05, 0.06),  # plus attacks around her period (menstrual_onset)
        onset_letdown=0.35,
        mild_share=0.25,
        pain_areas=(1.2, 1.4),
        pain_days=0.18,
        poor_night_rate=0.12,
        poor_night_areas=0.6,
        triptan=("Rizatriptan", "triptan", Decimal("10")),
        nsaid=("Naproxen", "nsaid", Decimal("500")),
        simple=None,
        triptan_last_30_min=0,
        recent_headache_days_min=0,
        menstrual_onset=0.8,
    ),
}

NOTES = {
    "stretch": (
        "Deadline week at work.",
        "Difficult meeting with my manager.",
        "Kids ill, juggling work from home.",
        "Quarterly report due, long hours.",
        "Packing for the move.",
    ),
    "letdown": (
        "Project handed in - finally a quiet day.",
        "First day of holiday.",
        "Deadline over, slept in.",
        "Exams done, relaxing.",
    ),
    "poor_night": (
        "Woke at 3 and couldn't get back to sleep.",
        "Neighbours' party until late.",
        "Restless night, everything ached.",
    ),
    "attack": (
        "Migraine came on in the afternoon, had to leave work.",
        "Woke up with it, curtains closed all morning.",
        "Felt it building after lunch.",
        "Light and noise unbearable, lay down in the dark.",
    ),
    "plain": (
        "Long walk, felt OK.",
        "Yoga class, a bit easier afterwards.",
        "Cold and rainy, achy all over.",
        "Physio session - shoulders very tender.",
        "Good day overall.",
        "Busy weekend with family.",
    ),
}


# --- the plan (plain records) -------------------------------------------------------------------


@dataclass
class MedicationPlan:
    id: uuid.UUID
    name: str
    med_class: str
    kind: str
    default_amount: Decimal | None
    unit: str = "mg"
    started_on: date | None = None
    stopped_on: date | None = None


@dataclass
class DayPlan:
    date: date
    fields: dict
    body_pain: dict[str, int]


@dataclass
class AttackPlan:
    id: uuid.UUID
    started_at: datetime
    ended_at: datetime
    peak_intensity: int
    side: str
    features: frozenset[str]
    aura_minutes: int | None
    functional_impact: int
    notes: str = ""
    mild: bool = False


@dataclass
class DosePlan:
    id: uuid.UUID
    medication: uuid.UUID
    attack: uuid.UUID | None
    taken_at: datetime
    relief_2h: str


@dataclass
class QuestionnairePlan:
    id: uuid.UUID
    instrument: str
    date: date
    answers: object


@dataclass
class TriggerPlan:
    id: uuid.UUID
    name: str


@dataclass
class Plan:
    triggers: list[TriggerPlan] = field(default_factory=list)
    medications: list[MedicationPlan] = field(default_factory=list)
    days: list[DayPlan] = field(default_factory=list)
    attacks: list[AttackPlan] = field(default_factory=list)
    doses: list[DosePlan] = field(default_factory=list)
    questionnaires: list[QuestionnairePlan] = field(default_factory=list)


def _diary_date(moment: datetime, zone: ZoneInfo) -> date:
    """``diary_date_for`` without a patient: before 04:00 local is the day ending."""
    return rollover_date(moment.astimezone(zone))


def _clamp(value: float, low: int, high: int) -> int:
    return int(min(high, max(low, round(value))))


class _Simulation:
    """Simulates one persona day by day; every random draw comes from seeded generators."""

    def __init__(self, *, days, seed, persona, end, zone, now, id_prefix):
        self.n = days
        self.rng = random.Random(f"{seed}:{persona}")
        self.seed = seed
        self.p = PERSONAS[persona]
        self.persona = persona
        self.start = end - timedelta(days=days - 1)
        self.zone = zone
        self.now = now
        self.id_prefix = id_prefix
        self.plan = Plan()
        self.counters: dict[str, int] = {}

    # helpers
    def new_id(self, kind: str) -> uuid.UUID:
        index = self.counters.get(kind, 0)
        self.counters[kind] = index + 1
        return uuid.uuid5(DEMO_NAMESPACE, f"{self.id_prefix}:{kind}:{index}")

    def frac(self, t: int) -> float:
        return t / max(self.n - 1, 1)

    def day(self, t: int) -> date:
        return self.start + timedelta(days=t)

    def local(self, t: int, minutes_after_midnight: float) -> datetime:
        """A moment on diary day t, ``minutes`` after its local midnight, in UTC."""
        midnight = datetime.combine(self.day(t), time(0), tzinfo=self.zone).astimezone(UTC)
        return midnight + timedelta(minutes=int(minutes_after_midnight))

    def chance(self, probability: float) -> bool:
        return self.rng.random() < probability

    # simulation steps
    def run(self) -> Plan:
        self.logged = self._logged_days()
        self._cycle()
        self.stress = self._stress()
        self.drop = [0] + [self.stress[t - 1] - self.stress[t] for t in range(1, self.n)]
        self.ticked = self._triggers()
        self._medications()
        self._attacks()
        self.poor = self._nights()
        self._doses()
        self._days()
        self._questionnaires()
        return self.plan

    def _logged_days(self) -> list[bool]:
        logged = [not self.chance(self.p.skip_rate) for _ in range(self.n)]
        if self.n > 60:  # a long weekend away with the diary left at home
            gap = self.rng.randrange(self.n // 3, self.n // 2)
            for t in range(gap, gap + 3):
                logged[t] = False
        for t in range(max(0, self.n - 2), self.n):
            logged[t] = True  # the demo opens on a diary kept up to yesterday
        return logged

    def _cycle(self) -> None:
        """Periods every 26-31 days with 4-6 days of bleeding, from a generator of their own so
        the other patterns draw the same numbers as without a cycle."""
        self.cycle_rng = random.Random(f"{self.seed}:{self.persona}:cycle")
        self.bleeding = [False] * self.n
        self.perimenstrual = [False] * self.n
        if not self.p.menstrual_onset:
            return
        t = self.cycle_rng.randint(0, 27)
        while t < self.n:
            for k in range(t, min(t + self.cycle_rng.randint(4, 6), self.n)):
                self.bleeding[k] = True
            for k in range(max(0, t - 2), min(t + 3, self.n)):  # days -2 to +3 (no day 0)
                self.perimenstrual[k] = True
            t += self.cycle_rng.randint(26, 31)

    def _stress(self) -> list[int]:
        weekday_effect = (1.0, 1.3, 1.2, 1.0, 0.8, -1.9, -1.2)  # Mon..Sun
        boost = [0.0] * self.n
        self.stretches: list[tuple[int, int]] = []
        t = self.rng.randint(4, self.p.stretch_every[1])
        while t < self.n - 2:
            length = self.rng.randint(3, 6)
            for k in range(t, min(t + length, self.n)):
                boost[k] += self.rng.uniform(3.2, 4.5)
            for k in range(t + length, min(t + length + 2, self.n)):
                boost[k] -= 1.5  # relief right after the stretch
            self.stretches.append((t, t + length))
            t += length + self.rng.randint(*self.p.stretch_every)
        latent, values = 0.0, []
        for t in range(self.n):
            latent = 0.55 * latent + self.rng.gauss(0, 0.8)
            level = self.p.stress_base + weekday_effect[self.day(t).weekday()] + latent + boost[t]
            values.append(_clamp(level, scales.STRESS_MIN, scales.STRESS_MAX))
        return values

    def _triggers(self) -> list[list[str] | None]:
        """Each day's ticked trigger keys (None: not answered), from a generator of their own
        so the rest of the diary draws the same numbers. Alcohol is what the day brought,
        whether or not it was written down (``self.alcohol``)."""
        rng = random.Random(f"{self.seed}:{self.persona}:triggers")
        self.plan.triggers = [
            TriggerPlan(id=self.new_id("trigger"), name=name) for name in self.p.own_triggers
        ]
        own = [scales.own_trigger_key(trigger.id) for trigger in self.plan.triggers]
        chances = {"skipped_meal": 0.1, "caffeine_change": 0.06, "screen_time": 0.45}
        chances |= {"strong_smells": 0.06, "dehydration": 0.15, **dict.fromkeys(own, 0.12)}
        ticked, self.alcohol, trip = [], [], 0
        for t in range(self.n):
            eve = self.day(t).weekday() in (4, 5)  # Friday and Saturday evenings
            self.alcohol.append(rng.random() < self.p.alcohol[eve])
            if trip == 0 and rng.random() < 0.03:
                trip = rng.randint(2, 4)
            keys = {key for key, chance in chances.items() if rng.random() < chance}
            keys |= {"alcohol"} if self.alcohol[t] else set()
            keys |= {"travel"} if trip else set()
            trip = max(0, trip - 1)
            answered = self.logged[t] and rng.random() < 0.85
            order = [*scales.DEFAULT_TRIGGER_CODES, *own]
            ticked.append([key for key in order if key in keys] if answered else None)
        return ticked

    def _medications(self) -> None:
        p = self.p
        self.meds = {}
        for key, (name, med_class, amount) in (
            ("triptan", p.triptan),
            ("nsaid", p.nsaid),
            *((("simple", p.simple),) if p.simple else ()),
        ):
            self.meds[key] = MedicationPlan(
                id=self.new_id("medication"),
                name=name,
                med_class=med_class,
                kind="acute",
                default_amount=amount,
            )
        if self.persona == 0:
            self.meds["old_preventive"] = MedicationPlan(
                id=self.new_id("medication"),
                name="Propranolol",
                med_class="other",
                kind="preventive",
                default_amount=Decimal("40"),
                started_on=self.start - timedelta(days=200),
                stopped_on=self.start + timedelta(days=min(40, self.n - 1)),
            )
            self.meds["preventive"] = MedicationPlan(
                id=self.new_id("medication"),
                name="Amitriptyline",
                med_class="other",
                kind="preventive",
                default_amount=Decimal("10"),
                started_on=self.start + timedelta(days=min(60, self.n - 1)),
            )
        self.plan.medications = list(self.meds.values())

    def _attacks(self) -> None:
        """Onsets day by day; no new onset inside an attack or the day after it (a relapse)."""
        self.attack_days: dict[int, list[AttackPlan]] = {}
        blocked_until = -1
        for t in range(self.n):
            if t <= blocked_until:
                continue
            letdown = t > 0 and self.drop[t - 1] >= 3
            low, high = self.p.onset_base
            probability = self.p.onset_letdown if letdown else low + (high - low) * self.frac(t)
            if self.perimenstrual[t]:
                probability = max(probability, self.p.menstrual_onset)
            if t > 0 and self.alcohol[t - 1] and self.p.onset_after_alcohol:
                probability = max(probability, self.p.onset_after_alcohol)
            if not self.chance(probability):
                continue
            attack = self._attack(t, letdown)
            if attack is None:
                continue
            if not self.logged[t]:
                continue  # nobody wrote it down
            blocked_until = max(self._add_attack(attack)) + 1
        self._ensure_recent_headache_days()

    def _add_attack(self, attack: AttackPlan) -> list[int]:
        self.plan.attacks.append(attack)
        covered = self._covered_days(attack)
        for k in covered:
            self.attack_days.setdefault(k, []).append(attack)
        return covered

    def _ensure_recent_headache_days(self) -> None:
        """Chronification made visible: the last 4 weeks reach the persona's minimum of headache
        days (extra attacks start on free days, never as a relapse of another attack)."""
        wanted = self.p.recent_headache_days_min
        recent = range(max(1, self.n - 28), self.n - 1)
        for _ in range(40):
            if sum(1 for t in recent if self.attack_days.get(t)) >= wanted:
                return
            free = [
                t
                for t in recent
                if self.logged[t] and not any(self.attack_days.get(k) for k in (t - 1, t, t + 1))
            ]
            if not free:
                return
            attack = self._attack(self.rng.choice(free), letdown=False)
            if attack is not None:
                self._add_attack(attack)

    def _attack(self, t: int, letdown: bool) -> AttackPlan | None:
        rng = self.rng
        mild = self.chance(self.p.mild_share) and not letdown
        if mild:
            start_min = rng.uniform(10 * 60, 18 * 60)
            hours = rng.uniform(1.5, 6)
            peak = rng.randint(2, 4)
            features = {"photophobia"} if self.chance(0.2) else set()
            if self.chance(0.15):
                features.add("worse_with_activity")
            side, aura, impact = "both", None, rng.choice((0, 1))
        else:
            slot = rng.random()
            if slot < (0.55 if letdown else 0.35):
                start_min = rng.uniform(5 * 60, 9 * 60)  # woke up with it
            elif slot < 0.75:
                start_min = rng.uniform(12 * 60, 18 * 60)
            else:
                start_min = rng.uniform(19 * 60, 23 * 60 + 30)  # evening: crosses midnight
            hours = min(48.0, max(4.0, math.exp(rng.gauss(math.log(13), 0.5))))
            peak = _clamp(rng.gauss(7, 1.2), 5, 10)
            chances = {
                "unilateral": 0.7,
                "pulsating": 0.8,
                "worse_with_activity": 0.75,
                "nausea": 0.65,
                "vomiting": 0.12,
                "photophobia": 0.85,
                "phonophobia": 0.7,
                "aura": 0.1,
            }
            features = {code for code, chance in chances.items() if self.chance(chance)}
            if (
                not {"nausea", "vomiting"} & features
                and not {
                    "photophobia",
                    "phonophobia",
                }
                <= features
            ):
                features.add("nausea" if self.chance(0.6) else "photophobia")
                features.add("phonophobia")
            aura = rng.randint(15, 40) if "aura" in features else None
            side = "both"
            if "unilateral" in features:
                side = "left" if self.chance(0.6) else "right"
            impact = _clamp(peak / 3.3 + rng.gauss(0, 0.5), 1, 3)
        started = self.local(t, start_min)
        ended = started + timedelta(minutes=int(hours * 60))
        latest = self.now - timedelta(minutes=10)
        if ended > latest:
            ended = latest
        if ended - started < timedelta(minutes=45):
            return None
        notes = rng.choice(NOTES["attack"]) if not mild and self.chance(0.12) else ""
        return AttackPlan(
            id=self.new_id("attack"),
            started_at=started,
            ended_at=ended,
            peak_intensity=peak,
            side=side,
            features=frozenset(features),
            aura_minutes=aura,
            functional_impact=impact,
            notes=notes,
            mild=mild,
        )

    def _covered_days(self, attack: AttackPlan) -> list[int]:
        first = (_diary_date(attack.started_at, self.zone) - self.start).days
        days = []
        for t in range(first, min(first + 4, self.n)):
            window_start, window_end = diary_window(self.day(t), self.zone)
            if attack.started_at < window_end and attack.ended_at > window_start:
                days.append(t)
        return days

    def _nights(self) -> list[bool]:
        """Which nights (before day t) were short or poor: stress and night-time attacks add."""
        poor = []
        for t in range(self.n):
            probability = self.p.poor_night_rate
            if t > 0 and self.stress[t - 1] >= 7:
                probability += 0.12
            small_hours = self.local(t, 3 * 60)
            if any(a.started_at < small_hours < a.ended_at for a in self.attack_days.get(t, [])):
                probability += 0.1  # a migraine through the night
            poor.append(self.chance(probability))
        return poor

    def _doses(self) -> None:
        rng = self.rng
        triptan, nsaid = self.meds["triptan"], self.meds["nsaid"]
        simple = self.meds.get("simple")
        self.dose_days: dict[int, set[str]] = {}
        for attack in self.plan.attacks:
            t = (_diary_date(attack.started_at, self.zone) - self.start).days
            if attack.mild:
                if self.chance(0.5):
                    med = simple or nsaid
                    self._dose(med, attack, attack.started_at + timedelta(minutes=40), t, "partial")
                continue
            take = 0.8 + 0.15 * self.frac(t)
            if self.chance(take):
                taken = attack.started_at + timedelta(minutes=rng.randint(20, 90))
                relief = rng.choices(("complete", "partial", "none"), (0.4, 0.4, 0.2))[0]
                if taken < attack.ended_at:
                    self._dose(triptan, attack, taken, t, relief)
                if relief != "complete" and self.chance(0.5):
                    later = taken + timedelta(minutes=150)
                    if later < attack.ended_at:
                        self._dose(nsaid, attack, later, t, "partial")
            elif self.chance(0.7):
                self._dose(nsaid, attack, attack.started_at + timedelta(minutes=30), t, "partial")
            for k in self._covered_days(attack)[1:]:
                morning = self.local(k, 8 * 60 + rng.randint(0, 60))
                if morning < attack.ended_at and self.chance(0.55):
                    self._dose(triptan, attack, morning, k, "partial")
        self._top_up_triptans()

    def _dose(self, med: MedicationPlan, attack, taken: datetime, t: int, relief: str) -> None:
        if taken > self.now - timedelta(minutes=5):
            return
        self.plan.doses.append(
            DosePlan(
                id=self.new_id("dose"),
                medication=med.id,
                attack=attack.id if attack else None,
                taken_at=taken,
                relief_2h=relief,
            )
        )
        self.dose_days.setdefault(t, set()).add(med.med_class)

    def _top_up_triptans(self) -> None:
        """Guarantee the overuse picture of persona 0: a triptan on enough of the last 30 days."""
        wanted = self.p.triptan_last_30_min
        if not wanted:
            return
        # 28 days: still >= 10 in a 30-day window that ends today (an empty day) or tomorrow
        recent = range(max(0, self.n - 28), self.n)
        have = sum(1 for t in recent if "triptan" in self.dose_days.get(t, set()))
        candidates = [t for t in reversed(recent) if self.attack_days.get(t)]
        # migraine days first, then milder headaches (triptans for any headache: the MOH story)
        candidates.sort(key=lambda t: all(a.mild for a in self.attack_days[t]))
        for t in candidates:
            if have >= wanted:
                break
            if "triptan" in self.dose_days.get(t, set()):
                continue
            attack = min(self.attack_days[t], key=lambda a: a.mild)
            window_start = diary_window(self.day(t), self.zone)[0].astimezone(UTC)
            taken = max(attack.started_at, window_start) + timedelta(minutes=35)
            if taken < attack.ended_at:
                self._dose(self.meds["triptan"], attack, taken, t, "partial")
                have += 1

    def _days(self) -> None:
        rng, p = self.rng, self.p
        for t in range(self.n):
            if not self.logged[t]:
                continue
            frac = self.frac(t)
            headache = bool(self.attack_days.get(t))
            poor = self.poor[t]
            fields = {"headache": headache, "stress": self.stress[t], "triggers": self.ticked[t]}
            if self.chance(0.95):
                fields.update(self._sleep(t, poor))
            pain: dict[str, int] = {}
            if self.chance(p.pain_days) or (poor and self.chance(0.5)):
                low, high = p.pain_areas
                mean = low + (high - low) * frac + p.poor_night_areas * poor + 0.8 * headache
                count = _clamp(mean + rng.gauss(0, 0.8), 1, len(SPREAD_ORDER))
                ranked = sorted(
                    SPREAD_ORDER, key=lambda c: SPREAD_ORDER.index(c) + rng.gauss(0, 1.3)
                )
                for code in ranked[:count]:
                    axial = 1 if code in ("neck", "upper_back") else 0
                    level = 2.5 + 2.0 * frac * (self.persona == 0) + 1.5 * poor + axial
                    pain[code] = _clamp(level + rng.gauss(0, 1), 1, 10)
            if len(pain) >= 7 and not headache and self.chance(0.25):
                evening = self.local(t, 20 * 60 + rng.randint(0, 90))
                self._dose(self.meds["nsaid"], None, evening, t, "partial")
            if self.chance(0.8):
                fatigue = 3 + 2.5 * poor + 1.5 * headache + 0.25 * (self.stress[t] - 4)
                mood = 7 - 0.4 * (self.stress[t] - 4) - 1.5 * headache - 1.0 * poor
                fields["fatigue"] = _clamp(fatigue + rng.gauss(0, 1), 0, 10)
                fields["mood"] = _clamp(mood + rng.gauss(0, 1), 0, 10)
            fields["notes"] = self._note(t, poor, headache)
            if self.p.menstrual_onset:
                fields.update(self._period_answer(t))
            self.plan.days.append(DayPlan(date=self.day(t), fields=fields, body_pain=pain))

    def _period_answer(self, t: int) -> dict:
        """ "Period today?": yes on bleeding days; "no" on about half of the others, the rest
        left unanswered as people do."""
        if self.bleeding[t]:
            return {"period": True}
        return {"period": False} if self.cycle_rng.random() < 0.5 else {}

    def _sleep(self, t: int, poor: bool) -> dict:
        rng = self.rng
        weekend_night = self.day(t).weekday() in (5, 6)  # woke on Sat/Sun: Fri/Sat night
        bed = (23 * 60 + 45 if weekend_night else 23 * 60) + rng.gauss(0, 25)
        wake = (8 * 60 + 15 if weekend_night else 6 * 60 + 45) + rng.gauss(0, 15)
        if poor:
            latency = rng.randint(40, 95)
            awakenings = rng.randint(3, 6)
            waso = rng.randint(50, 120)
            wake -= rng.randint(0, 50)
            quality = rng.choice((1, 2, 2))
        else:
            latency = rng.randint(5, 25)
            awakenings = rng.randint(0, 2)
            waso = rng.randint(0, 30)
            quality = rng.choice((3, 4, 4, 5))

        def clock(minutes: float) -> time:
            minutes = int(round(minutes)) % (24 * 60)
            return time(minutes // 60, minutes % 60)

        lights = bed + rng.randint(0, 20) if self.chance(0.7) else None
        return {
            "bedtime": clock(bed),
            "lights_out": clock(lights) if lights is not None else None,
            "sleep_latency_min": latency,
            "awakenings": awakenings,
            "waso_min": waso,
            "final_wake": clock(wake),
            "rise_time": clock(wake + rng.randint(5, 30)),
            "sleep_quality": quality,
        }

    def _note(self, t: int, poor: bool, headache: bool) -> str:
        if not self.chance(0.1):
            return ""
        if self.drop[t] >= 3:
            return self.rng.choice(NOTES["letdown"])
        if any(start == t for start, _ in self.stretches):
            return self.rng.choice(NOTES["stretch"])
        if poor:
            return self.rng.choice(NOTES["poor_night"])
        if headache:
            return self.rng.choice(NOTES["attack"])
        return self.rng.choice(NOTES["plain"])

    def _questionnaires(self) -> None:
        rng, sensitized = self.rng, self.persona == 0
        # The screens draw from their own generator, so the rest of the diary stays as it was.
        screens = random.Random(f"{self.seed}:{self.persona}:screens")
        fatigue = random.Random(f"{self.seed}:{self.persona}:fatigue")
        for t in range(self.n):
            day, frac = self.day(t), self.frac(t)
            if day.weekday() == 6:  # weekly SSS on Sundays
                level = (1.2 + 1.3 * frac) if sensitized else 0.5
                week = range(max(0, t - 6), t + 1)
                recent_poor = sum(self.poor[k] for k in week) / len(week)
                answers = {
                    "fatigue": _clamp(level + 1.5 * recent_poor + rng.gauss(0, 0.4), 0, 3),
                    "waking_unrefreshed": _clamp(level + 2 * recent_poor + rng.gauss(0, 0.4), 0, 3),
                    "cognitive_symptoms": _clamp(level - 0.4 + rng.gauss(0, 0.4), 0, 3),
                    "headaches": 1 if (sensitized or self.chance(0.5)) else 0,
                    "lower_abdominal_pain": int(sensitized and self.chance(0.3 + 0.3 * frac)),
                    "depression": int(sensitized and self.chance(0.1 + 0.4 * frac)),
                }
                self._questionnaire("sss", day, answers)
            if t % 30 == 9:  # monthly ASC-12 and PSS-4
                allodynia = (0.25 + 0.45 * frac) if sensitized else 0.05
                asc = [
                    0 if index == 4 else _clamp(rng.random() * 2.4 * allodynia * 2, 0, 2)
                    for index in range(len(scales.ASC12_ITEMS))
                ]
                self._questionnaire("asc12", day, asc)
                mean_stress = sum(self.stress[max(0, t - 29) : t + 1]) / min(t + 1, 30)
                strain = mean_stress / 10 * 4
                pss = [
                    _clamp(strain + rng.gauss(0, 0.6), 0, 4),
                    _clamp(4 - strain + rng.gauss(0, 0.6), 0, 4),
                    _clamp(4 - strain + rng.gauss(0, 0.6), 0, 4),
                    _clamp(strain - 0.3 + rng.gauss(0, 0.6), 0, 4),
                ]
                self._questionnaire("pss4", day, pss)
                self._screens(day, frac, sensitized, screens)
            if t % 90 == 69:  # MIDAS looks back 3 months
                self._midas(day, t, screens)
            if t % 90 == 74:  # DSQ-SF every 3 months (it asks about the past 6)
                self._dsq(day, t, fatigue)

    def _screens(self, day: date, frac: float, sensitized: bool, rng: random.Random) -> None:
        """Monthly PHQ-4 and TMD screen; a positive PHQ-4 part steps up to GAD-7 / PHQ-8 the
        same day, as the questionnaires page asks (the sensitized persona drifts positive)."""
        level = (0.8 + 1.2 * frac) if sensitized else 0.3
        phq4 = [_clamp(level + rng.gauss(0, 0.5), 0, 3) for _ in scales.PHQ4_ITEMS]
        self._questionnaire("phq4", day, phq4)
        follow_up = scales.screen_reading("phq4", sum(phq4), phq4)["follow_up"]
        for code, items in (("gad7", scales.GAD7_ITEMS), ("phq8", scales.PHQ8_ITEMS)):
            if code in follow_up:
                answers = [_clamp(level + rng.gauss(0, 0.7), 0, 3) for _ in items]
                self._questionnaire(code, day, answers)
        jaw = 1 if sensitized else 0
        tmd = [jaw] + [int(sensitized and rng.random() < 0.3 + 0.4 * frac) for _ in range(5)]
        self._questionnaire("tmd", day, tmd)

    def _midas(self, day: date, t: int, rng: random.Random) -> None:
        """MIDAS over the simulated quarter: lost days scale with the disabling attacks."""
        covered = {k: attack for attack in self.plan.attacks for k in self._covered_days(attack)}
        quarter = {k: a for k, a in covered.items() if t - 90 < k <= t}
        disabling = len({id(a) for a in quarter.values() if a.functional_impact >= 2})
        missed, reduced = (
            _clamp(disabling * share + rng.gauss(0, 1), 0, 30) for share in (0.3, 0.5)
        )
        social = _clamp(disabling * 0.3, 0, 30)
        answers = [missed, reduced, missed, reduced, social, min(90, len(quarter)), 6]
        self._questionnaire("midas", day, answers)

    def _dsq(self, day: date, t: int, rng: random.Random) -> None:
        """DSQ-SF: the symptoms follow the quarter's poor nights (unrefreshing sleep, fatigue,
        muscle pain); the sensitized persona drifts into the IOM 2015 symptom pattern."""
        quarter = range(max(0, t - 89), t + 1)
        poor = sum(self.poor[k] for k in quarter) / len(quarter)
        base = (0.8 + 2.0 * self.frac(t)) if self.persona == 0 else 0.4
        sleep_linked = {0, 3, 4}  # fatigue, unrefreshed on waking, muscle pain
        answers = []
        for item in range(len(scales.DSQ_ITEMS)):
            level = base + (2.0 * poor if item in sleep_linked else 0) - (0.6 if item > 8 else 0)
            answers.append([_clamp(level + rng.gauss(0, 0.6), 0, 4) for _ in range(2)])
        self._questionnaire("dsqsf", day, answers)

    def _questionnaire(self, instrument: str, day: date, answers) -> None:
        self.plan.questionnaires.append(
            QuestionnairePlan(
                id=self.new_id(instrument), instrument=instrument, date=day, answers=answers
            )
        )


def build_plan(
    *,
    days: int,
    seed: int,
    persona: int,
    end: date,
    zone: ZoneInfo,
    now: datetime,
    id_prefix: str = "demo",
) -> Plan:
    """Simulate ``days`` diary days ending on ``end`` (inclusive). Pure and deterministic."""
    if persona not in PERSONAS:
        raise ValueError(f"unknown persona {persona}; choose one of {sorted(PERSONAS)}")
    if days < 1:
        return Plan()
    return _Simulation(
        days=days, seed=seed, persona=persona, end=end, zone=zone, now=now, id_prefix=id_prefix
    ).run()


# --- writers ------------------------------------------------------------------------------------


def clear_diary(patient: User) -> None:
    """Remove a patient's whole diary (hard delete: the demo is rewritten, never merged)."""
    Dose.objects.filter(patient=patient).delete()
    HeadacheAttack.objects.filter(patient=patient).delete()
    Day.objects.filter(patient=patient).delete()
    QuestionnaireResponse.objects.filter(patient=patient).delete()
    Medication.objects.filter(patient=patient).delete()
    Trigger.objects.filter(patient=patient).delete()


def write_with_services(patient: User, plan: Plan) -> None:
    """Store a plan through the validated service functions (slow; the reference path)."""
    for trigger in plan.triggers:
        services.trigger_upsert(patient=patient, trigger_id=trigger.id, name=trigger.name)
    medications = {}
    for med in plan.medications:
        medications[med.id], _ = services.medication_upsert(
            patient=patient,
            medication_id=med.id,
            name=med.name,
            med_class=med.med_class,
            kind=med.kind,
            default_amount=med.default_amount,
            unit=med.unit,
            started_on=med.started_on,
            stopped_on=med.stopped_on,
        )
    attacks = {}
    for attack in plan.attacks:
        attacks[attack.id], _ = services.attack_upsert(
            patient=patient, attack_id=attack.id, **_attack_fields(attack)
        )
    for dose in plan.doses:
        services.dose_upsert(
            patient=patient,
            dose_id=dose.id,
            medication=medications[dose.medication],
            attack=attacks.get(dose.attack),
            taken_at=dose.taken_at,
            relief_2h=dose.relief_2h,
        )
    for day in plan.days:
        services.day_upsert(patient=patient, date=day.date, body_pain=day.body_pain, **day.fields)
    for response in plan.questionnaires:
        services.questionnaire_upsert(
            patient=patient,
            questionnaire_id=response.id,
            instrument=response.instrument,
            date=response.date,
            answers=response.answers,
        )


def _attack_fields(attack: AttackPlan) -> dict:
    return {
        "started_at": attack.started_at,
        "ended_at": attack.ended_at,
        "peak_intensity": attack.peak_intensity,
        "side": attack.side,
        **{code: code in attack.features for code in scales.MIGRAINE_FEATURE_CODES},
        "aura_minutes": attack.aura_minutes,
        "functional_impact": attack.functional_impact,
        "notes": attack.notes,
    }


def _checked(obj):
    """Field validation as the services do it (ranges, choices), minus per-row queries."""
    obj.full_clean(
        exclude=["patient", "medication", "attack"],
        validate_unique=False,
        validate_constraints=False,
    )
    return obj


def write_in_bulk(patient: User, plan: Plan) -> None:
    """Store a plan in a few INSERTs, deriving every value exactly as the services would."""
    now = timezone.now()
    zone = patient_zone(patient)
    stamps = {"created_at": now, "updated_at": now, "version": 1}
    medications = {
        med.id: _checked(
            Medication(
                id=med.id,
                patient=patient,
                name=med.name.strip(),
                med_class=med.med_class,
                kind=med.kind,
                default_amount=med.default_amount,
                unit=med.unit,
                started_on=med.started_on,
                stopped_on=med.stopped_on,
                **stamps,
            )
        )
        for med in plan.medications
    }
    attacks = []
    for attack in plan.attacks:
        start_date = diary_date_for(patient, attack.started_at)
        end_date = max(diary_date_for(patient, attack.ended_at - timedelta(seconds=1)), start_date)
        attacks.append(
            _checked(
                HeadacheAttack(
                    id=attack.id,
                    patient=patient,
                    start_date=start_date,
                    end_date=end_date,
                    **_attack_fields(attack),
                    **stamps,
                )
            )
        )
    doses = []
    for dose in plan.doses:
        medication = medications[dose.medication]
        doses.append(
            _checked(
                Dose(
                    id=dose.id,
                    patient=patient,
                    medication=medication,
                    attack_id=dose.attack,
                    taken_at=dose.taken_at,
                    date=diary_date_for(patient, dose.taken_at),
                    amount=medication.default_amount,
                    unit=medication.unit,
                    relief_2h=dose.relief_2h,
                    **stamps,
                )
            )
        )
    days = []
    for plan_day in plan.days:
        fields = dict.fromkeys(services.DAY_FIELDS) | {"notes": ""} | plan_day.fields
        day = Day(patient=patient, date=plan_day.date, **fields, **stamps)
        for code, level in plan_day.body_pain.items():
            setattr(day, scales.pain_field(code), level)
        if day.pain_map:
            day.body_map_answered = True  # as services.day_upsert: marking answers the map
        tst, tib, efficiency = services.sleep_metrics(
            day=day.date,
            zone=zone,
            **{name: getattr(day, name) for name in services.SLEEP_ITEM_FIELDS},
        )
        if tst is not None:
            day.total_sleep_min = tst
        day.time_in_bed_min, day.sleep_efficiency = tib, efficiency
        days.append(_checked(day))
    responses = []
    for response in plan.questionnaires:
        answers, score = services.score_questionnaire(response.instrument, response.answers)
        responses.append(
            _checked(
                QuestionnaireResponse(
                    id=response.id,
                    patient=patient,
                    instrument=response.instrument,
                    date=response.date,
                    answers=answers,
                    score=score,
                    **stamps,
                )
            )
        )
    Trigger.objects.bulk_create(
        [
            _checked(Trigger(id=trigger.id, patient=patient, name=trigger.name, **stamps))
            for trigger in plan.triggers
        ]
    )
    Medication.objects.bulk_create(medications.values())
    HeadacheAttack.objects.bulk_create(attacks, batch_size=500)
    Dose.objects.bulk_create(doses, batch_size=500)
    Day.objects.bulk_create(days, batch_size=200)
    QuestionnaireResponse.objects.bulk_create(responses, batch_size=500)


@transaction.atomic
def seed_patient_diary(
    *, patient: User, days: int, seed: int, persona: int, through_services: bool = False
) -> Plan:
    """Replace the patient's diary with ``days`` simulated days ending yesterday (their time).

    Idempotent: the old diary is removed first, and the same seed gives the same diary for the
    same "yesterday". The insights are recomputed once, after commit.
    """
    zone = patient_zone(patient)
    end = patient_today(patient) - timedelta(days=1)
    plan = build_plan(
        days=days,
        seed=seed,
        persona=persona,
        end=end,
        zone=zone,
        now=timezone.now(),
        id_prefix=f"{patient.pk}:{seed}",
    )
    clear_diary(patient)
    if through_services:
        write_with_services(patient, plan)
    else:
        write_in_bulk(patient, plan)
        diary_changed.send(sender=Day, patient_id=patient.pk)
    return plan

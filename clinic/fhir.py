"""FHIR R4 export of one patient's diary: a ``Bundle`` of type ``collection``.

Contents (clinical reference §7):
- ``Patient`` (gender, birth year, email) plus patient-reported ``Condition`` (diagnoses) and
  ``FamilyMemberHistory`` (migraine / chronic widespread pain in the family);
- per headache attack, an ``Observation`` LOINC 72514-3 (pain severity 0-10, peak) with
  body site head, a component coding the episode as the finding SNOMED 25064002 Headache, and
  its migraine features as components, with whether they meet ICHD-3 1.1 C and D (or a typical
  aura). One attack is an episode, not the disorder: SNOMED 37796009 Migraine (disorder) is a
  diagnosis (ICHD-3 1.1 A asks for at least 5 attacks), so it is never put on an attack;
- per day and marked area, an ``Observation`` LOINC 72514-3 with the SNOMED body site and the
  laterality qualifier (419161000 left / 419465000 right, mCODE laterality extension);
- per day, stress 0-10 (project code: LOINC 93038-8 "Stress level" carries a 5-level coded
  answer list, so a 0-10 integer would misuse it), LOINC 93832-4 sleep duration in minutes
  (UCUM ``min``) and sleep efficiency (%, project code);
- acute medication doses as ``MedicationStatement``; ``QuestionnaireResponse`` for the ACR 2016
  SSS, ASC-12, PSS-4 and the screens (PHQ-4, PHQ-8, GAD-7, TMD, MIDAS, DSQ-SF), each with its
  total score item, and the screens' totals as coded ``Observation``s;
- one ``Provenance`` naming the patient as author of every resource: the data are
  patient-generated, not clinician-verified.
Free-text notes are included only when ``include_notes`` is true (the notes scope).
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from django.utils import timezone

from accounts.models import FamilyHistory, PatientProfile, User
from diary import scales
from diary.derive import attack_meets_migraine_criteria
from diary.models import Day, Dose, HeadacheAttack, QuestionnaireResponse
from diary.selectors import (
    attack_span,
    attacks_touching,
    days_between,
    doses_between,
    questionnaires_between,
)

FLAREMAP = "https://flaremap.example/fhir"
DIARY_CODES = f"{FLAREMAP}/CodeSystem/diary"
LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
UCUM = "http://unitsofmeasure.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
LATERALITY_EXTENSION = "http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-laterality-qualifier"
ID_NAMESPACE = uuid.UUID("5b0f7c52-3f0e-4f52-9a4e-6c1d2f0b8e11")

PAIN_SEVERITY = {
    "system": LOINC,
    "code": "72514-3",
    "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
}
SLEEP_DURATION = {"system": LOINC, "code": "93832-4", "display": "Sleep duration"}
HEADACHE = {"system": SNOMED, "code": "25064002", "display": "Headache"}  # a finding
MIGRAINE = {"system": SNOMED, "code": "37796009", "display": "Migraine"}  # the disorder
HEAD = {"system": SNOMED, "code": "69536005", "display": "Head structure"}
LATERALITY = {
    "left": {"system": SNOMED, "code": "419161000", "display": "Unilateral left"},
    "right": {"system": SNOMED, "code": "419465000", "display": "Unilateral right"},
}
# Display names of the SNOMED CT body structures in diary.scales (checked against published
# value sets; the upper back is the thoracic vertebral column region, not the thoracic cavity,
# and the WPI's chest is the anterior chest wall, not the whole thorax).
BODY_SITES = {
    "661005": "Jaw region structure",
    "16982005": "Shoulder region structure",
    "40983000": "Upper arm structure",
    "14975008": "Forearm structure",
    "29836001": "Hip region structure",
    "68367000": "Thigh structure",
    "30021000": "Lower leg structure",
    "45048000": "Neck structure",
    "1141986006": "Structure of thoracic vertebral column region",
    "37822005": "Lower back structure",
    "63698005": "Anterior chest wall structure",
    "818983003": "Abdomen structure",
}
GENDER = {"female": "female", "male": "male", "intersex": "other", "undisclosed": "unknown"}
QUESTIONNAIRES = {
    "sss": ("acr2016-sss", "ACR 2016 Symptom Severity Scale"),
    "asc12": ("asc-12", "Allodynia Symptom Checklist (ASC-12)"),
    "pss4": ("pss-4", "Perceived Stress Scale (PSS-4)"),
    "phq4": ("phq-4", "Patient Health Questionnaire-4 (PHQ-4)"),
    "phq8": ("phq-8", "Patient Health Questionnaire-8 (PHQ-8)"),
    "gad7": ("gad-7", "Generalized Anxiety Disorder-7 (GAD-7)"),
    "tmd": ("tmd-pain-screener", "TMD Pain Screener, 6 items (DC/TMD)"),
    "midas": ("midas", "Migraine Disability Assessment (MIDAS)"),
    "dsqsf": ("dsq-sf", "DePaul Symptom Questionnaire, short form (DSQ-SF)"),
}
# Total scores of the screens as Observations, LOINC where the code was verified (2026-12):
# - 70272-0 "Patient Health Questionnaire 4 item (PHQ-4) total score [Reported]" (LOINC term
#   page as mirrored at healthassure.in/codes/loinc-70272-0-...; method Reported.PHQ);
# - 70274-6 "Generalized anxiety disorder 7 item (GAD-7) total score [Reported.PHQ]" (listed
#   in the LOINC panel https://loinc.org/69729-2, PHQ-SADS).
# Panels (for a future Questionnaire resource, not used by a QuestionnaireResponse in R4):
# GAD-7 panel 69737-5 (cited by the Wikipedia GAD-7 article, not seen on loinc.org); no PHQ-4
# or PHQ-8 panel code could be verified. No LOINC code was found for the PHQ-8 total, MIDAS
# (neither on loinc.org nor in FHIR implementation guides searched), the TMD Pain Screener or
# the DSQ-SF: they keep this project's code system.
SCREEN_SCORE_CODES = {
    "phq4": {
        "system": LOINC,
        "code": "70272-0",
        "display": "Patient Health Questionnaire 4 item (PHQ-4) total score [Reported]",
    },
    "gad7": {
        "system": LOINC,
        "code": "70274-6",
        "display": "Generalized anxiety disorder 7 item (GAD-7) total score [Reported.PHQ]",
    },
    "phq8": {"system": DIARY_CODES, "code": "phq8-total", "display": "PHQ-8 total score"},
    "tmd": {
        "system": DIARY_CODES,
        "code": "tmd-screener-total",
        "display": "TMD Pain Screener total score",
    },
    "midas": {"system": DIARY_CODES, "code": "midas-total", "display": "MIDAS total score"},
    "dsqsf": {
        "system": DIARY_CODES,
        "code": "dsq-sf-composite",
        "display": "DSQ-SF composite score (0-100)",
    },
}
SCREEN_TEXTS = {
    "phq4": scales.PHQ4_ITEMS,
    "phq8": scales.PHQ8_ITEMS,
    "gad7": scales.GAD7_ITEMS,
    "tmd": scales.TMD_ITEMS,
    "midas": scales.MIDAS_ITEMS,
    "asc12": scales.ASC12_ITEMS,
    "pss4": scales.PSS4_ITEMS,
}
SSS_ITEM_TEXT = {
    "fatigue": "Fatigue (past week, 0-3)",
    "waking_unrefreshed": "Waking unrefreshed (past week, 0-3)",
    "cognitive_symptoms": "Cognitive symptoms (past week, 0-3)",
    "headaches": "Headaches (past 6 months, 0/1)",
    "lower_abdominal_pain": "Pain or cramps in lower abdomen (past 6 months, 0/1)",
    "depression": "Depression (past 6 months, 0/1)",
}


def _id(*parts) -> str:
    return str(uuid.uuid5(ID_NAMESPACE, ":".join(str(part) for part in parts)))


def _ref(resource_id: str) -> dict:
    return {"reference": f"urn:uuid:{resource_id}"}


def _diary_code(code: str, display: str) -> dict:
    return {"system": DIARY_CODES, "code": code, "display": display}


def _category(code: str) -> list[dict]:
    return [{"coding": [{"system": OBSERVATION_CATEGORY, "code": code}]}]


def _observation(obs_id: str, patient_id: str, coding: dict, effective: dict, **extra) -> dict:
    return {
        "resourceType": "Observation",
        "id": obs_id,
        "status": "final",
        "category": _category(extra.pop("category", "survey")),
        "code": {"coding": [coding], "text": coding["display"]},
        "subject": _ref(patient_id),
        "performer": [_ref(patient_id)],
        **effective,
        **extra,
    }


def _instant(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def patient_resource(patient: User, profile: PatientProfile | None, patient_id: str) -> dict:
    resource = {
        "resourceType": "Patient",
        "id": patient_id,
        "identifier": [{"system": f"{FLAREMAP}/patient", "value": str(patient.pk)}],
        "telecom": [{"system": "email", "value": patient.email}],
        "gender": GENDER.get(profile.sex if profile else "undisclosed", "unknown"),
    }
    if profile and profile.full_name:
        resource["name"] = [{"text": profile.full_name}]
    if profile and profile.date_of_birth:
        resource["birthDate"] = profile.date_of_birth.isoformat()
    elif profile and profile.year_of_birth:
        resource["birthDate"] = f"{profile.year_of_birth:04d}"
    return resource


def condition_resources(profile: PatientProfile | None, patient_id: str) -> list[dict]:
    """Diagnoses the patient reports (free text), asserted by the patient."""
    if profile is None:
        return []
    return [
        {
            "resourceType": "Condition",
            "id": _id(patient_id, "condition", text),
            "clinicalStatus": {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                        "code": "active",
                    }
                ]
            },
            "category": [
                {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/condition-category",
                            "code": "problem-list-item",
                        }
                    ]
                }
            ],
            "code": {"text": text},
            "subject": _ref(patient_id),
            "asserter": _ref(patient_id),
        }
        for text in profile.diagnosis_list
    ]


def family_history_resources(profile: PatientProfile | None, patient_id: str) -> list[dict]:
    if profile is None:
        return []
    relatives = {
        FamilyHistory.PARENT_OR_SIBLING: "First-degree relative (parent, sibling or child)",
        FamilyHistory.OTHER_RELATIVE: "Other relative",
    }
    conditions = (
        ("migraine", profile.family_history_migraine, {"coding": [MIGRAINE], "text": "Migraine"}),
        (
            "chronic_pain",
            profile.family_history_chronic_pain,
            {"text": "Chronic widespread pain"},
        ),
    )
    resources = []
    for key, answer, code in conditions:
        if answer not in relatives:
            continue
        resources.append(
            {
                "resourceType": "FamilyMemberHistory",
                "id": _id(patient_id, "family", key),
                "status": "completed",
                "patient": _ref(patient_id),
                "relationship": {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/v3-RoleCode",
                            "code": "FAMMEMB",
                            "display": "family member",
                        }
                    ],
                    "text": relatives[answer],
                },
                "condition": [{"code": code}],
            }
        )
    return resources


def attack_resource(attack: HeadacheAttack, patient_id: str, include_notes: bool) -> dict:
    span = attack_span(attack)
    period = {"start": _instant(attack.started_at)}
    if attack.ended_at:
        period["end"] = _instant(attack.ended_at)
    criteria = _diary_code(
        "ichd3-migraine-features",
        "Meets ICHD-3 1.1 C and D, or typical aura (diary, not a diagnosis)",
    )
    components = [
        {
            "code": {"coding": [_diary_code("headache-episode", "Headache episode")]},
            "valueCodeableConcept": {"coding": [HEADACHE], "text": "Headache episode"},
        },
        {"code": {"coding": [criteria]}, "valueBoolean": attack_meets_migraine_criteria(span)},
    ]
    for code, label in scales.MIGRAINE_FEATURES:
        components.append(
            {
                "code": {"coding": [_diary_code(f"feature-{code}", label)]},
                "valueBoolean": code in span.features,
            }
        )
    if attack.aura_minutes is not None:
        components.append(
            {
                "code": {"coding": [_diary_code("aura-duration", "Aura duration")]},
                "valueQuantity": _quantity(attack.aura_minutes, "min"),
            }
        )
    resource = _observation(
        str(attack.pk),
        patient_id,
        PAIN_SEVERITY,
        {"effectivePeriod": period},
        valueInteger=attack.peak_intensity,
        bodySite={"coding": [HEAD], "text": "Head"},
        component=components,
    )
    resource["code"]["text"] = "Headache attack: peak pain severity (0-10)"
    if include_notes and attack.notes:
        resource["note"] = [{"text": attack.notes}]
    return resource


def _quantity(value, unit: str) -> dict:
    return {"value": value, "unit": unit, "system": UCUM, "code": unit}


def body_site(area: scales.PainArea) -> dict:
    code = area.snomed
    site = {
        "coding": [{"system": SNOMED, "code": code, "display": BODY_SITES.get(code, area.label)}],
        "text": area.label,
    }
    if area.side in LATERALITY:
        site["extension"] = [
            {
                "url": LATERALITY_EXTENSION,
                "valueCodeableConcept": {"coding": [LATERALITY[area.side]]},
            }
        ]
    return site


def day_resources(day: Day, patient_id: str, include_notes: bool) -> list[dict]:
    """Body pain per marked area, stress, sleep duration and efficiency for one diary day."""
    effective = {"effectiveDateTime": day.date.isoformat()}
    resources = []
    for code, intensity in day.pain_map.items():
        area = scales.PAIN_AREA_BY_CODE[code]
        resource = _observation(
            _id(day.pk, code),
            patient_id,
            PAIN_SEVERITY,
            effective,
            valueInteger=intensity,
            bodySite=body_site(area),
        )
        resource["code"]["text"] = f"Body pain severity (0-10): {area.label}"
        resources.append(resource)
    if day.stress is not None:
        coding = _diary_code("stress-0-10", "Overall stress today (0-10)")
        resources.append(
            _observation(
                _id(day.pk, "stress"), patient_id, coding, effective, valueInteger=day.stress
            )
        )
    if day.total_sleep_min is not None:
        resources.append(
            _observation(
                _id(day.pk, "sleep"),
                patient_id,
                SLEEP_DURATION,
                effective,
                category="activity",
                valueQuantity=_quantity(day.total_sleep_min, "min"),
            )
        )
    if day.sleep_efficiency is not None:
        coding = _diary_code("sleep-efficiency", "Sleep efficiency (consensus sleep diary)")
        resources.append(
            _observation(
                _id(day.pk, "sleep-efficiency"),
                patient_id,
                coding,
                effective,
                category="activity",
                valueQuantity=_quantity(round(day.sleep_efficiency, 1), "%"),
            )
        )
    if include_notes and day.notes:
        coding = _diary_code("diary-note", "Diary note")
        resources.append(
            _observation(_id(day.pk, "note"), patient_id, coding, effective, valueString=day.notes)
        )
    return resources


def dose_resource(dose: Dose, patient_id: str) -> dict:
    medication = dose.medication
    dosage = (
        {"text": f"{dose.quantity:g} × {dose.amount:g} {dose.unit}".strip()}
        if dose.amount
        else {"text": f"{dose.quantity:g} dose(s)"}
    )
    resource = {
        "resourceType": "MedicationStatement",
        "id": str(dose.pk),
        "status": "completed",
        "category": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/medication-statement-category",
                    "code": "patientspecified",
                }
            ]
        },
        "medicationCodeableConcept": {
            "coding": [
                _diary_code(f"class-{medication.med_class}", medication.get_med_class_display())
            ],
            "text": medication.name,
        },
        "subject": _ref(patient_id),
        "effectiveDateTime": _instant(dose.taken_at),
        "informationSource": _ref(patient_id),
        "dosage": [dosage],
    }
    if dose.relief_2h:
        resource["note"] = [{"text": f"Relief after 2 h: {dose.get_relief_2h_display()}"}]
    return resource


def questionnaire_resource(response: QuestionnaireResponse, patient_id: str) -> dict:
    slug, title = QUESTIONNAIRES[response.instrument]
    if response.instrument == "sss":
        items = [
            {
                "linkId": name,
                "text": SSS_ITEM_TEXT[name],
                "answer": [{"valueInteger": response.answers[name]}],
            }
            for name in (*scales.SSS_WEEK_ITEMS, *scales.SSS_SIX_MONTH_ITEMS)
        ]
    elif response.instrument == "dsqsf":
        items = dsq_items(response.answers)
    else:
        texts = SCREEN_TEXTS[response.instrument]
        items = [
            {"linkId": str(i), "text": text, "answer": [{"valueInteger": value}]}
            for i, (text, value) in enumerate(zip(texts, response.answers, strict=True), start=1)
        ]
    items.append(
        {"linkId": "total", "text": "Total score", "answer": [{"valueInteger": response.score}]}
    )
    return {
        "resourceType": "QuestionnaireResponse",
        "id": str(response.pk),
        "questionnaire": f"{FLAREMAP}/Questionnaire/{slug}",
        "status": "completed",
        "subject": _ref(patient_id),
        "authored": response.date.isoformat(),
        "author": _ref(patient_id),
        "source": _ref(patient_id),
        "item": items,
        "text": {
            "status": "generated",
            "div": f'<div xmlns="http://www.w3.org/1999/xhtml">{title}: {response.score}</div>',
        },
    }


def dsq_items(answers) -> list[dict]:
    """One group item per DSQ-SF symptom holding its frequency and severity answers."""
    return [
        {
            "linkId": str(i),
            "text": text,
            "item": [
                {
                    "linkId": f"{i}.{part}",
                    "text": f"{part.capitalize()} (past 6 months, 0-4)",
                    "answer": [{"valueInteger": value}],
                }
                for part, value in zip(("frequency", "severity"), pair, strict=True)
            ],
        }
        for i, (text, pair) in enumerate(zip(scales.DSQ_ITEMS, answers, strict=True), start=1)
    ]


def screen_score_resource(response: QuestionnaireResponse, patient_id: str) -> dict:
    """A screen's total as an Observation (survey), derived from its QuestionnaireResponse."""
    return _observation(
        _id("screen-score", response.pk),
        patient_id,
        SCREEN_SCORE_CODES[response.instrument],
        {"effectiveDateTime": response.date.isoformat()},
        valueInteger=response.score,
        derivedFrom=[_ref(str(response.pk))],
    )


def provenance_resource(patient_id: str, targets: list[str], recorded: datetime) -> dict:
    return {
        "resourceType": "Provenance",
        "id": _id(patient_id, "provenance", recorded.isoformat()),
        "target": [_ref(target) for target in targets],
        "recorded": _instant(recorded),
        "agent": [
            {
                "type": {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/provenance-participant-type",
                            "code": "author",
                            "display": "Author",
                        }
                    ],
                    "text": "Patient-generated data (self-reported diary)",
                },
                "who": _ref(patient_id),
            }
        ],
    }


def patient_bundle(
    patient: User, *, include_notes: bool, start: date | None = None, end: date | None = None
) -> dict:
    """The patient's diary as a FHIR R4 collection Bundle (a JSON-ready dict).

    Callers decide access (``accounts.access``) and record clinician reads; ``include_notes``
    must follow the notes scope. Five queries whatever the amount of data.
    """
    profile = PatientProfile.objects.filter(user=patient).first()
    patient_id = _id("patient", patient.pk)
    resources = [patient_resource(patient, profile, patient_id)]
    resources += condition_resources(profile, patient_id)
    resources += family_history_resources(profile, patient_id)
    end = end or date.max
    attacks = attacks_touching(patient=patient, start=start, end=end)
    resources += [attack_resource(attack, patient_id, include_notes) for attack in attacks]
    for day in days_between(patient=patient, start=start, end=end):
        resources += day_resources(day, patient_id, include_notes)
    doses = doses_between(patient=patient, start=start, end=end)
    resources += [dose_resource(dose, patient_id) for dose in doses]
    responses = questionnaires_between(patient=patient, start=start, end=end)
    responses = responses.order_by("date", "instrument")
    for response in responses:
        resources.append(questionnaire_resource(response, patient_id))
        if response.instrument in SCREEN_SCORE_CODES:
            resources.append(screen_score_resource(response, patient_id))
    recorded = timezone.now()
    resources.append(provenance_resource(patient_id, [r["id"] for r in resources], recorded))
    return {
        "resourceType": "Bundle",
        "id": _id(patient_id, "bundle", recorded.isoformat()),
        "meta": {"lastUpdated": _instant(recorded)},
        "type": "collection",
        "timestamp": _instant(recorded),
        "entry": [
            {"fullUrl": f"urn:uuid:{resource['id']}", "resource": resource}
            for resource in resources
        ],
    }

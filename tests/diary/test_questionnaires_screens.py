"""PHQ-4 (stepping up to GAD-7 / PHQ-8), PHQ-8, GAD-7 and the TMD Pain Screener: scored on save
at their published boundaries, refused when malformed, offered on the questionnaires page."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from diary import scales, services
from diary.days import patient_today

pytestmark = pytest.mark.django_db


def answers_summing(total: int, count: int, maximum: int = 3) -> list[int]:
    """``count`` answers of 0..maximum adding up to ``total`` (filled from the first item)."""
    values = []
    for _ in range(count):
        values.append(min(maximum, total))
        total -= values[-1]
    assert total == 0
    return values


@pytest.mark.parametrize(
    ("answers", "band", "anxiety", "depression", "follow_up"),
    [
        ([0, 0, 0, 0], "normal", 0, 0, []),
        ([1, 1, 0, 0], "normal", 2, 0, []),  # 2: top of "normal"
        ([2, 1, 0, 0], "mild", 3, 0, ["gad7"]),  # GAD-2 of 3: positive anxiety part
        ([1, 1, 2, 1], "mild", 2, 3, ["phq8"]),  # PHQ-2 of 3: positive depression part
        ([1, 1, 1, 1], "mild", 2, 2, []),  # 4 in total but no part reaches 3
        ([3, 2, 0, 0], "mild", 5, 0, ["gad7"]),
        ([2, 1, 2, 1], "moderate", 3, 3, ["gad7", "phq8"]),  # 6: bottom of "moderate"
        ([3, 3, 2, 0], "moderate", 6, 2, ["gad7"]),  # 8: top of "moderate"
        ([3, 3, 3, 0], "severe", 6, 3, ["gad7", "phq8"]),  # 9: bottom of "severe"
        ([3, 3, 3, 3], "severe", 6, 6, ["gad7", "phq8"]),
    ],
)
def test_phq4_bands_and_the_parts_that_step_up(
    alice, answers, band, anxiety, depression, follow_up
):
    response, _ = services.questionnaire_upsert(
        patient=alice, instrument="phq4", date=patient_today(alice), answers=answers
    )
    assert response.score == sum(answers)
    reading = scales.screen_reading("phq4", response.score, response.answers)
    assert (reading["band"], reading["anxiety"], reading["depression"]) == (
        band,
        anxiety,
        depression,
    )
    assert reading["follow_up"] == follow_up
    assert reading["positive"] == bool(follow_up)


@pytest.mark.parametrize(
    ("score", "band", "positive"),
    [
        (0, "none-minimal", False),
        (4, "none-minimal", False),
        (5, "mild", False),
        (9, "mild", False),
        (10, "moderate", True),  # the published cut-off
        (14, "moderate", True),
        (15, "moderately severe", True),
        (19, "moderately severe", True),
        (20, "severe", True),
        (24, "severe", True),
    ],
)
def test_phq8_bands_and_cut_off(alice, score, band, positive):
    response, _ = services.questionnaire_upsert(
        patient=alice,
        instrument="phq8",
        date=patient_today(alice),
        answers=answers_summing(score, 8),
    )
    assert response.score == score
    assert scales.screen_reading("phq8", score, response.answers) == {
        "band": band,
        "positive": positive,
    }


@pytest.mark.parametrize(
    ("score", "band", "positive"),
    [
        (0, "minimal", False),
        (4, "minimal", False),
        (5, "mild", False),
        (9, "mild", False),
        (10, "moderate", True),
        (14, "moderate", True),
        (15, "severe", True),
        (21, "severe", True),
    ],
)
def test_gad7_bands_and_cut_off(alice, score, band, positive):
    response, _ = services.questionnaire_upsert(
        patient=alice,
        instrument="gad7",
        date=patient_today(alice),
        answers=answers_summing(score, 7),
    )
    assert response.score == score
    assert scales.screen_reading("gad7", score, response.answers)["band"] == band
    assert scales.screen_reading("gad7", score, response.answers)["positive"] is positive


@pytest.mark.parametrize(
    ("answers", "score", "positive"),
    [
        ([0, 0, 0, 0, 0, 0], 0, False),
        ([1, 1, 0, 0, 0, 0], 2, False),
        ([1, 1, 1, 0, 0, 0], 3, True),  # >= 3: the published cut-off of the 6-item version
        ([2, 1, 0, 0, 0, 0], 3, True),  # continuous pain counts 2
        ([2, 1, 1, 1, 1, 1], 7, True),
    ],
)
def test_tmd_pain_screener_scores_and_cut_off(alice, answers, score, positive):
    response, _ = services.questionnaire_upsert(
        patient=alice, instrument="tmd", date=patient_today(alice), answers=answers
    )
    assert response.score == score
    assert scales.screen_reading("tmd", score, answers)["positive"] is positive


@pytest.mark.parametrize(
    ("instrument", "answers"),
    [
        ("phq4", [0, 0, 0]),  # too few
        ("phq4", [0, 0, 0, 4]),  # above 3
        ("phq4", [0, 0, 0, True]),  # a boolean is not an answer
        ("phq8", [0] * 9),  # never a ninth (PHQ-9 item 9) answer
        ("gad7", [0] * 6),
        ("tmd", [0, 2, 0, 0, 0, 0]),  # items 2-6 are yes/no
        ("tmd", [3, 0, 0, 0, 0, 0]),  # item 1 is 0-2
        ("tmd", {"jaw": 1}),
    ],
)
def test_malformed_screen_answers_are_refused(alice, instrument, answers):
    with pytest.raises(ValidationError):
        services.questionnaire_upsert(
            patient=alice, instrument=instrument, date=patient_today(alice), answers=answers
        )


def test_phq8_has_no_self_harm_item():
    assert len(scales.PHQ8_ITEMS) == 8
    text = " ".join(scales.PHQ8_ITEMS).lower()
    assert "dead" not in text and "hurting yourself" not in text


def test_gad7_and_phq8_are_offered_only_after_a_positive_phq4_part(client, alice):
    client.force_login(alice)
    page = client.get(reverse("diary:questionnaires")).content.decode()
    assert "Anxiety and mood (PHQ-4)" in page
    assert "TMD Pain Screener" in page
    assert "GAD-7" not in page and "PHQ-8" not in page
    response = client.post(
        reverse("diary:questionnaire", args=["phq4"]),
        {"item_0": 2, "item_1": 2, "item_2": 0, "item_3": 1},
    )
    assert response.status_code == 302
    page = client.get(reverse("diary:questionnaires")).content.decode()
    assert "please also answer Anxiety in more detail (GAD-7)" in page
    assert "Anxiety in more detail (GAD-7)" in page
    assert "Mood in more detail (PHQ-8)" not in page  # the depression part scored 1
    assert reverse("diary:questionnaire", args=["gad7"]) in page


def test_an_answered_follow_up_is_not_due_again_until_the_next_positive_phq4(alice, client):
    today = patient_today(alice)
    earlier = today - timedelta(days=3)
    services.questionnaire_upsert(
        patient=alice, instrument="phq4", date=earlier, answers=[0, 0, 2, 2]
    )
    services.questionnaire_upsert(patient=alice, instrument="phq8", date=earlier, answers=[1] * 8)
    client.force_login(alice)
    response = client.get(reverse("diary:questionnaires"))
    cards = {card["code"]: card for card in response.context["cards"]}
    assert cards["phq8"]["latest"].score == 8 and not cards["phq8"]["due"]
    assert "gad7" not in cards


@pytest.mark.parametrize(
    ("scored", "grade"),
    [
        ([0, 0, 0, 0, 0], "grade I, little or no disability"),
        ([1, 1, 1, 1, 1], "grade I, little or no disability"),  # 5
        ([2, 1, 1, 1, 1], "grade II, mild disability"),  # 6
        ([2, 2, 2, 2, 2], "grade II, mild disability"),  # 10
        ([3, 2, 2, 2, 2], "grade III, moderate disability"),  # 11
        ([4, 4, 4, 4, 4], "grade III, moderate disability"),  # 20
        ([5, 4, 4, 4, 4], "grade IV, severe disability"),  # 21
        ([45, 45, 45, 45, 90], "grade IV, severe disability"),  # 270
    ],
)
def test_midas_sums_items_1_to_5_into_its_published_grades(alice, scored, grade):
    answers = [*scored, 40, 7]  # A (headache days) and B (pain) are not scored
    response, _ = services.questionnaire_upsert(
        patient=alice, instrument="midas", date=patient_today(alice), answers=answers
    )
    assert response.score == sum(scored)
    reading = scales.screen_reading("midas", response.score, answers)
    assert reading["band"] == grade
    assert reading["positive"] is (response.score >= 21)


@pytest.mark.parametrize(
    "answers",
    [
        [0, 0, 0, 0, 0, 0],  # A and B missing
        [0, 0, 0, 0, 0, 0, 11],  # pain above 10
        [0, 0, 0, 0, 91, 0, 0],  # more days than 3 months hold
        [60, 31, 0, 0, 0, 0, 0],  # missed + half-productive work days over 90
        [0, 0, 50, 41, 0, 0, 0],  # the same at home
    ],
)
def test_impossible_midas_answers_are_refused(alice, answers):
    with pytest.raises(ValidationError):
        services.questionnaire_upsert(
            patient=alice, instrument="midas", date=patient_today(alice), answers=answers
        )


def test_midas_page_asks_for_day_counts(client, alice):
    client.force_login(alice)
    page = client.get(reverse("diary:questionnaire", args=["midas"])).content.decode()
    assert page.count('type="number"') == 7
    response = client.post(
        reverse("diary:questionnaire", args=["midas"]),
        {f"item_{i}": value for i, value in enumerate([2, 3, 1, 0, 1, 12, 6])},
    )
    assert response.status_code == 302
    page = client.get(reverse("diary:questionnaires")).content.decode()
    assert "MIDAS grade II, mild disability" in page


def test_the_questionnaires_page_lists_what_is_due_first(client, alice):
    today = patient_today(alice)
    services.questionnaire_upsert(patient=alice, instrument="tmd", date=today, answers=[0] * 6)
    client.force_login(alice)
    response = client.get(reverse("diary:questionnaires"))
    due = [card["code"] for card in response.context["due_cards"]]
    assert "tmd" not in due  # answered today; due again in 30 days
    assert {"sss", "asc12", "pss4", "phq4", "midas", "dsqsf"} <= set(due)
    assert "Due now:" in response.content.decode()


# --- DSQ-SF: the DSQ composite and the IOM 2015 symptom pattern at the DSQ threshold (2, 2) ----

FATIGUE, NEXT_DAY, MINIMUM_EXERCISE, UNREFRESHED, MEMORY, ATTENTION, UNSTEADY = 0, 1, 2, 3, 6, 7, 9


def dsq(at_threshold=(2, 2), **changed):
    """All 14 symptoms at ``at_threshold``, with some items (by index) changed."""
    answers = [list(at_threshold) for _ in scales.DSQ_ITEMS]
    for index, pair in changed.items():
        answers[int(index.removeprefix("i"))] = list(pair)
    return answers


def save_dsq(patient, answers):
    response, _ = services.questionnaire_upsert(
        patient=patient, instrument="dsqsf", date=patient_today(patient), answers=answers
    )
    return response, scales.screen_reading("dsqsf", response.score, response.answers)


def test_dsq_every_symptom_half_the_time_and_moderate_meets_the_pattern(alice):
    response, reading = save_dsq(alice, dsq())
    assert response.score == 50  # (2 x 25 + 2 x 25) / 2 on every item
    assert response.answers == [[2, 2]] * 14
    assert (reading["symptoms"], reading["positive"], reading["missing"]) == (14, True, [])


@pytest.mark.parametrize(
    ("changed", "missing"),
    [
        ({f"i{FATIGUE}": (2, 1)}, ["fatigue"]),  # frequent but only mild
        ({f"i{FATIGUE}": (1, 4)}, ["fatigue"]),  # very severe but only a little of the time
        (
            {f"i{NEXT_DAY}": (1, 2), f"i{MINIMUM_EXERCISE}": (4, 1)},
            ["post-exertional malaise"],
        ),
        ({f"i{UNREFRESHED}": (1, 1)}, ["unrefreshing sleep"]),
        (
            {f"i{MEMORY}": (1, 4), f"i{ATTENTION}": (4, 1), f"i{UNSTEADY}": (0, 0)},
            ["cognitive impairment or orthostatic intolerance"],
        ),
    ],
)
def test_dsq_pattern_fails_when_one_required_symptom_is_below_threshold(alice, changed, missing):
    _, reading = save_dsq(alice, dsq((4, 4), **changed))
    assert reading["missing"] == missing
    assert not reading["positive"]


@pytest.mark.parametrize(
    "changed",
    [
        {f"i{NEXT_DAY}": (0, 0)},  # one post-exertional item is enough
        {f"i{MEMORY}": (0, 0), f"i{ATTENTION}": (0, 0)},  # orthostatic instead of cognitive
    ],
)
def test_dsq_pattern_needs_only_one_item_of_a_symptom_group(alice, changed):
    _, reading = save_dsq(alice, dsq(**changed))
    assert reading["positive"]


@pytest.mark.parametrize(
    ("answers", "score"),
    [
        (dsq((0, 0)), 0),
        (dsq((4, 4)), 100),
        (dsq((0, 0), i0=(1, 0)), 1),  # 25 / 28 = 0.9
        (dsq((0, 0), **{f"i{i}": (1, 0) for i in range(14)}), 13),  # 12.5 rounds half up
        (dsq((1, 2)), 38),  # 37.5
    ],
)
def test_dsq_composite_is_the_mean_item_score_out_of_100(alice, answers, score):
    response, reading = save_dsq(alice, answers)
    assert response.score == score
    assert not reading["positive"] or score >= 50


@pytest.mark.parametrize(
    "answers",
    [
        [[2, 2]] * 13,  # too few
        [[2, 2]] * 13 + [[2, 5]],  # above 4
        [[2, 2]] * 13 + [[2, True]],
        [[2, 2]] * 13 + [[2, 2, 2]],
        [2] * 28,  # a flat list is not pairs
    ],
)
def test_malformed_dsq_answers_are_refused(alice, answers):
    with pytest.raises(ValidationError):
        save_dsq(alice, answers)


def test_the_dsq_page_asks_frequency_and_severity_and_saves_pairs(client, alice):
    client.force_login(alice)
    url = reverse("diary:questionnaire", args=["dsqsf"])
    page = client.get(url).content.decode()
    assert "Throughout the past 6 months" in page
    assert page.count('type="radio"') == 14 * 2 * 5
    data = {f"item_{i}_frequency": 3 for i in range(14)}
    data |= {f"item_{i}_severity": 2 for i in range(14)}
    data["item_0_severity"] = 1
    response = client.post(url, data, follow=True)
    assert "Your Fatigue and energy (DSQ-SF) score is 62 of 100" in response.content.decode()
    saved = alice.questionnaires.get(instrument="dsqsf")
    assert saved.answers[0] == [3, 1] and saved.answers[1] == [3, 2]
    card = next(c for c in response.context["cards"] if c["code"] == "dsqsf")
    assert not card["due"]  # due again in 90 days
    assert "do not match the symptom pattern" in card["meaning"]  # fatigue only mild
    again = client.get(url)  # answering again today starts from today's answers
    assert again.context["form"].initial["item_0_severity"] == 1

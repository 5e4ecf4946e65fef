"""The safety net's rules (``diary.safety.warning_signs``) on their boundaries."""

import pytest

from diary.safety import warning_signs


def codes(**kwargs) -> list[str]:
    return [sign.code for sign in warning_signs(**kwargs)]


def test_nothing_ticked_and_no_long_aura_is_no_warning():
    assert codes() == []
    assert codes(peak=10) == []  # a 10/10 headache that built up is not a warning by itself


@pytest.mark.parametrize(("peak", "warned"), [(6, False), (7, True), (10, True), (None, True)])
def test_a_sudden_headache_warns_when_severe_or_unrated(peak, warned):
    assert (codes(flags={"sudden"}, peak=peak) == ["sudden"]) is warned


@pytest.mark.parametrize(
    ("minutes", "warned"), [(None, False), (5, False), (60, False), (61, True)]
)
def test_an_aura_over_sixty_minutes_warns(minutes, warned):
    assert (codes(aura_minutes=minutes) == ["long_aura"]) is warned


@pytest.mark.parametrize("flag", ["neuro", "fever_neck", "head_injury", "new_over_50"])
def test_each_ticked_warning_sign_warns_on_its_own(flag):
    assert codes(flags={flag}) == [flag]


def test_several_signs_come_in_a_fixed_order_and_unknown_ticks_are_ignored():
    flags = {"head_injury", "sudden", "made_up"}
    assert codes(flags=flags, peak=9, aura_minutes=90) == ["sudden", "long_aura", "head_injury"]

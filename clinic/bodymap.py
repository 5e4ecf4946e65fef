"""Geometry of the report's body-map heat map: one shape per WPI area (ACR 2016), front and back.

Front view: the patient's right is on the viewer's left; back view: the patient's left is on
the viewer's left. Each area is drawn exactly once (hips/buttocks and the back on the back view).
"""

from __future__ import annotations

from dataclasses import dataclass

FRONT_X, BACK_X = 60, 180

# code: (view centre, x offset, y, width, height)
_AREAS = {
    "jaw_right": (FRONT_X, -11, 25, 10, 7),
    "jaw_left": (FRONT_X, 1, 25, 10, 7),
    "neck": (FRONT_X, -6, 32.5, 12, 7.5),
    "shoulder_right": (FRONT_X, -30, 40, 16, 10),
    "shoulder_left": (FRONT_X, 14, 40, 16, 10),
    "chest": (FRONT_X, -13, 41, 26, 24),
    "abdomen": (FRONT_X, -13, 66, 26, 24),
    "upper_arm_right": (FRONT_X, -31, 51, 11, 28),
    "upper_arm_left": (FRONT_X, 20, 51, 11, 28),
    "lower_arm_right": (FRONT_X, -33, 80, 11, 30),
    "lower_arm_left": (FRONT_X, 22, 80, 11, 30),
    "upper_leg_right": (FRONT_X, -13, 92, 12, 42),
    "upper_leg_left": (FRONT_X, 1, 92, 12, 42),
    "lower_leg_right": (FRONT_X, -12, 136, 11, 44),
    "lower_leg_left": (FRONT_X, 1, 136, 11, 44),
    "upper_back": (BACK_X, -13, 41, 26, 24),
    "lower_back": (BACK_X, -13, 66, 26, 20),
    "hip_left": (BACK_X, -13, 87, 12.5, 18),
    "hip_right": (BACK_X, 0.5, 87, 12.5, 18),
}
# Parts of the back view drawn only as outline (their areas are on the front view).
OUTLINE = [
    (BACK_X - 6, 32.5, 12, 7.5),
    (BACK_X - 30, 40, 16, 10),
    (BACK_X + 14, 40, 16, 10),
    (BACK_X - 31, 51, 11, 28),
    (BACK_X + 20, 51, 11, 28),
    (BACK_X - 33, 80, 11, 30),
    (BACK_X + 22, 80, 11, 30),
    (BACK_X - 13, 106, 12, 28),
    (BACK_X + 1, 106, 12, 28),
    (BACK_X - 12, 136, 11, 44),
    (BACK_X + 1, 136, 11, 44),
]


@dataclass(frozen=True)
class Shape:
    code: str
    label: str
    x: float
    y: float
    width: float
    height: float
    level: int
    days: int
    percent: int


def heat_shapes(heat) -> list[Shape]:
    """Place each area's heat (``clinic.report.AreaHeat``) on the two body outlines."""
    shapes = []
    for area in heat:
        centre, dx, y, width, height = _AREAS[area.code]
        shapes.append(
            Shape(
                area.code,
                area.label,
                centre + dx,
                y,
                width,
                height,
                area.level,
                area.days,
                round(area.share * 100),
            )
        )
    return shapes


def outline_shapes() -> list[dict]:
    return [{"x": x, "y": y, "width": w, "height": h} for x, y, w, h in OUTLINE]

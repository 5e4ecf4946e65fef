"""Geometry of the tap-to-mark body map: front and back views of a simple figure whose shapes
are the 19 Widespread Pain Index areas (ACR 2016, Wolfe et al. 2016; ``diary.scales``).

Each view is drawn in a 200 x 410 box. Shapes are rounded rectangles, large enough to hit with a
thumb on a 390 px wide phone. An area drawn in both views (e.g. the neck) is one input: tapping
either shape changes the same value. In the front view the patient's left is on the viewer's
right; in the back view it is on the viewer's left, as on a clinician's chart.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from diary import scales

WIDTH, HEIGHT = 200, 410


@dataclass(frozen=True)
class Shape:
    code: str
    label: str
    x: float
    y: float
    w: float
    h: float
    rx: float = 8

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2


# (area without side, x, y, w, h, rx) drawn on the viewer's left; mirrored for the other side.
_PAIRED_FRONT = (
    ("jaw", 72, 40, 27, 24, 10),
    ("shoulder", 42, 84, 42, 20, 9),
    ("upper_arm", 38, 106, 26, 68, 10),
    ("lower_arm", 32, 177, 28, 72, 10),
    ("hip", 66, 196, 33, 34, 8),
    ("upper_leg", 67, 233, 31, 84, 10),
    ("lower_leg", 69, 320, 28, 84, 10),
)
_AXIAL_FRONT = (
    ("neck", 85, 66, 30, 36, 6),
    ("chest", 66, 106, 68, 44, 10),
    ("abdomen", 68, 152, 64, 42, 10),
)
_AXIAL_BACK = (
    ("neck", 85, 56, 30, 46, 6),
    ("upper_back", 66, 106, 68, 44, 10),
    ("lower_back", 68, 152, 64, 42, 10),
)
HEAD = {"front": (100, 31, 28), "back": (100, 31, 28)}  # cx, cy, r (not an area: see headache)


def _mirror(x: float, w: float) -> float:
    return WIDTH - x - w


def _shape(code: str, x, y, w, h, rx) -> Shape:
    return Shape(code, scales.PAIN_AREA_BY_CODE[code].label, x, y, w, h, rx)


@cache
def shapes(view: str) -> tuple[Shape, ...]:
    """The shapes of one view ('front' or 'back'), each tagged with its WPI area code."""
    viewer_left, viewer_right = ("right", "left") if view == "front" else ("left", "right")
    paired = [row for row in _PAIRED_FRONT if view == "front" or row[0] != "jaw"]
    result = []
    for name, x, y, w, h, rx in paired:
        result.append(_shape(f"{name}_{viewer_left}", x, y, w, h, rx))
        result.append(_shape(f"{name}_{viewer_right}", _mirror(x, w), y, w, h, rx))
    for name, x, y, w, h, rx in _AXIAL_FRONT if view == "front" else _AXIAL_BACK:
        result.append(_shape(name, x, y, w, h, rx))
    return tuple(result)


def side_labels(view: str) -> dict[str, str]:
    """Which of the patient's sides is drawn on the viewer's left and right."""
    if view == "front":
        return {"left": "Right", "right": "Left"}
    return {"left": "Left", "right": "Right"}


def covered_codes() -> set[str]:
    return {shape.code for view in ("front", "back") for shape in shapes(view)}

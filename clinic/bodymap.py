"""The report's body-map heat map, drawn on the check-in's own body geometry
(``diary.bodymap``): front and back side by side, each WPI area shaded by how often it hurt.
"""

from __future__ import annotations

from dataclasses import dataclass

from diary import bodymap

BACK_OFFSET = bodymap.WIDTH + 20  # the back view is drawn to the right of the front view
VIEWBOX = f"0 0 {bodymap.WIDTH + BACK_OFFSET} {bodymap.HEIGHT + 24}"
HEAT_FILLS = ("#ffffff", "#fde7c8", "#f9c27e", "#f08a3c", "#cf4a12", "#8f1d0b")
"""Fill of each heat level as an SVG attribute, for renderers that take no CSS in SVG (the PDF's
WeasyPrint); browsers use ``--heat-N`` of clinic.css, which holds the same colours (level 0 is
transparent there, white on the PDF's white page)."""


@dataclass(frozen=True)
class Shape:
    code: str
    label: str
    x: float
    y: float
    width: float
    height: float
    rx: float
    level: int
    days: int
    percent: int

    @property
    def fill(self) -> str:
        return HEAT_FILLS[self.level]


def heat_shapes(heat) -> list[Shape]:
    """Every shape of both views with the heat (``clinic.report.AreaHeat``) of its area."""
    by_code = {area.code: area for area in heat}
    shapes = []
    for view, offset in (("front", 0), ("back", BACK_OFFSET)):
        for shape in bodymap.shapes(view):
            area = by_code[shape.code]
            shapes.append(
                Shape(
                    shape.code,
                    shape.label,
                    shape.x + offset,
                    shape.y,
                    shape.w,
                    shape.h,
                    shape.rx,
                    area.level,
                    area.days,
                    area.percent,
                )
            )
    return shapes


def figure() -> dict:
    """Heads, view labels and side labels around the shapes."""
    cx, cy, r = bodymap.HEAD["front"]
    views = []
    for view, offset in (("front", 0), ("back", BACK_OFFSET)):
        sides = bodymap.side_labels(view)
        views.append(
            {
                "name": view.capitalize(),
                "head": {"cx": cx + offset, "cy": cy, "r": r},
                "label_x": offset + bodymap.WIDTH / 2,
                "left": {"x": offset + 8, "text": sides["left"][0]},
                "right": {"x": offset + bodymap.WIDTH - 16, "text": sides["right"][0]},
            }
        )
    return {"viewbox": VIEWBOX, "views": views, "label_y": bodymap.HEIGHT + 18}

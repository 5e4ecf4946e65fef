"""Small formatting filters for the clinician pages."""

from django import template
from django.utils.html import format_html

from diary import scales

register = template.Library()


@register.filter
def hours_minutes(minutes) -> str:
    """480 -> "8 h 00"; None -> "–"."""
    if minutes is None:
        return "–"
    minutes = round(minutes)
    return f"{minutes // 60} h {minutes % 60:02d}"


@register.filter
def area_labels(pain: dict) -> str:
    """A day's painful areas as readable labels, in the WPI order."""
    return ", ".join(scales.PAIN_AREA_BY_CODE[code].label for code in pain)


@register.filter
def day_list(dates) -> str:
    """Dates as compact day numbers grouped by month: "3, 4, 9 Mar"."""
    groups: dict[tuple[int, int], list[str]] = {}
    for day in dates:
        groups.setdefault((day.year, day.month), []).append(str(day.day))
    return "; ".join(
        f"{', '.join(days)} {dates[0].replace(year=year, month=month, day=1):%b}"
        for (year, month), days in groups.items()
    )


@register.filter
def age_on(born, day) -> str:
    """Age in whole years on ``day`` (the report's end), for the header beside the birth date."""
    if not born or not day:
        return ""
    return str(day.year - born.year - ((day.month, day.day) < (born.month, born.day)))


@register.filter
def per_30(count, days) -> str:
    """A count over ``days`` days expressed per 30 days, one decimal."""
    if not days:
        return "–"
    return f"{count * 30 / days:.1f}"


@register.filter
def ihs_grade(intensity) -> str:
    return scales.ihs_grade(intensity)


@register.filter
def asc12_band(score) -> str:
    """ASC-12 allodynia band (Lipton et al. 2008): none, mild, moderate, severe."""
    return scales.asc12_band(score)


@register.simple_tag
def trend(value):
    """A count with its arrow against the 30 days before (text for screen readers too)."""
    if value is None:
        return ""
    if value.direction == "same":
        return format_html(
            '<span class="count">{}</span> <span class="trend trend-same">'
            '<span aria-hidden="true">→</span>'
            '<span class="visually-hidden"> same as the 30 days before</span></span>',
            value.now,
        )
    return format_html(
        '<span class="count">{}</span> <span class="trend trend-{}">'
        '<span aria-hidden="true">{}</span>{}'
        '<span class="visually-hidden"> vs the 30 days before ({})</span></span>',
        value.now,
        value.direction,
        value.arrow,
        f"{value.change:+d}",
        value.before,
    )


_BROWSERS = (
    ("Edg/", "Edge"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("Windows", "Windows"),
    ("Mac OS X", "Mac"),
    ("Linux", "Linux"),
)


@register.filter
def device(user_agent: str) -> str:
    """A readable device for the access log ("Chrome on Windows"); the raw string stays in a
    tooltip. Apps and scripts show their own name."""
    if not user_agent:
        return "unknown device"
    browser = next((name for token, name in _BROWSERS if token in user_agent), None)
    system = next((name for token, name in _SYSTEMS if token in user_agent), None)
    if browser and system:
        return f"{browser} on {system}"
    return user_agent.split(" ")[0][:40]

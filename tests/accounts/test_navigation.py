"""The main navigation highlights the page's own entry, found from the URL that served it."""

from datetime import timedelta

import pytest
from django.urls import reverse

from accounts.templatetags.navigation import section_for
from diary.days import patient_today


@pytest.mark.parametrize(
    ("view_name", "namespace", "nav", "expected"),
    [
        ("diary:today", "diary", "today", "today"),
        ("diary:day", "diary", "today", "today"),
        ("diary:day", "diary", "calendar", "calendar"),
        ("diary:trends", "diary", "trends", "trends"),
        ("insights:mechanism", "insights", "", "insights"),
        ("diary:medication_edit", "diary", "today", "medications"),  # not "today" any more
        ("diary:questionnaire", "diary", "today", "questionnaires"),
        ("clinic:share_revoke", "clinic", "sharing", "sharing"),
        ("clinic:access_log", "clinic", "", "sharing"),
        ("accounts:devices", "accounts", "profile", "account"),
        ("diary:import_csv", "diary", "profile", "account"),
    ],
)
def test_a_patients_page_belongs_to_one_entry(view_name, namespace, nav, expected):
    assert section_for(view_name=view_name, namespace=namespace, nav=nav, clinician=False) == (
        expected
    )


def test_a_clinician_reading_a_report_is_in_patients():
    found = section_for(view_name="clinic:report", namespace="clinic", nav="", clinician=True)
    assert found == "dashboard"


def _current(html: str) -> list[str]:
    """The texts of the links marked as the current page."""
    found = []
    for part in html.split('aria-current="page"')[1:]:
        text = part.split("</a>")[0]
        found.append(text.rsplit("<span>", 1)[-1].split("</span>")[0].rsplit(">", 1)[-1])
    return found


@pytest.mark.parametrize(
    ("url_name", "expected"),
    [
        ("diary:today", ["Today"]),
        ("diary:calendar", ["Calendar"]),
        ("diary:trends", ["Trends"]),
        ("insights:list", ["Insights"]),
        ("diary:medications", ["Medications"]),
        ("diary:questionnaires", ["Questionnaires"]),
        ("clinic:shares", ["Sharing"]),
        ("accounts:notifications", ["Notifications"]),
        ("accounts:profile", ["Account"]),
    ],
)
def test_each_patient_page_marks_exactly_its_own_entry(client, alice, url_name, expected):
    client.force_login(alice)
    html = client.get(reverse(url_name)).content.decode()
    nav = html[html.index('<nav aria-label="Main"') : html.index("</nav>", html.index("tabbar"))]
    assert _current(nav) == expected
    in_more = expected[0] in (
        "Medications",
        "Questionnaires",
        "Sharing",
        "Notifications",
        "Account",
    )
    assert ('class="tab-link is-current"' in nav) is in_more


def test_a_past_day_belongs_to_the_calendar_and_today_to_today(client, alice):
    client.force_login(alice)
    today = patient_today(alice)
    past = client.get(reverse("diary:day", kwargs={"day": today - timedelta(days=3)}))
    assert _current(past.content.decode().split("</nav>")[0]) == ["Calendar"]
    assert _current(client.get(reverse("diary:today")).content.decode()) == ["Today"]


def test_log_out_is_in_the_more_menu_not_the_tab_row(client, alice):
    client.force_login(alice)
    html = client.get(reverse("diary:today")).content.decode()
    more = html[html.index('<ul class="more-list">') :]
    assert "Log out" in more[: more.index("</ul>")]
    assert html.count("Log out") == 1


def test_clinicians_keep_their_own_navigation(client, carol):
    client.force_login(carol)
    html = client.get(reverse("clinic:dashboard")).content.decode()
    assert 'class="tabbar"' not in html and "has-tabbar" not in html
    assert _current(html.split("</nav>")[0]) == ["Patients"]
    assert "Log out" in html

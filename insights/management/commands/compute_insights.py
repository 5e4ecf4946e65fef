"""``manage.py compute_insights EMAIL [--json]``: recompute one patient's insights now.

Prints a short summary, or with ``--json`` exactly the list ``GET /api/v1/insights/`` returns
(the same serializer over the same stored rows).
"""

import json

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from insights import services
from insights.api import InsightSerializer
from insights.selectors import current_insights


class Command(BaseCommand):
    help = "Recompute a patient's insights synchronously and print them."

    def add_arguments(self, parser):
        parser.add_argument("email", help="The patient's e-mail address.")
        parser.add_argument(
            "--json",
            action="store_true",
            dest="as_json",
            help="Print the API's JSON list instead of a summary.",
        )

    def handle(self, *args, email: str, as_json: bool = False, **options):
        patient = User.objects.filter(email__iexact=email.strip()).first()
        if patient is None:
            raise CommandError(f"No account with the e-mail {email!r}.")
        if not patient.is_patient:
            raise CommandError(f"{email} is not a patient account; insights are per patient.")
        services.recompute_patient(patient.pk)
        insights = current_insights(patient=patient)
        if as_json:
            self.stdout.write(_dumps(InsightSerializer(insights, many=True).data))
            return
        found = sum(1 for insight in insights if insight.status == "found")
        self.stdout.write(f"{patient.email}: {len(insights)} insights, {found} found")
        for insight in insights:
            self.stdout.write(f"\n[{insight.status}] {insight.get_kind_display()}")
            self.stdout.write(f"  {insight.summary}")


def _dumps(data) -> str:
    """The API renderer's JSON (ISO datetimes), indented for reading."""
    from rest_framework.renderers import JSONRenderer

    return json.dumps(json.loads(JSONRenderer().render(data)), indent=2, ensure_ascii=False)

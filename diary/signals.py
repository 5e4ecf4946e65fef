"""What the diary tells the apps built on it, without importing them."""

from django.dispatch import Signal

# Sent by every diary write that changed something, inside its transaction, with
# ``patient_id``. The insights app marks the patient stale and recomputes after commit.
diary_changed = Signal()

"""drop unused enum types

``webhook_event_type`` and ``audit_action`` were created by 001 for tables this package does
not have; no column uses them, so they go (the Python enums ``WebhookEventType`` and
``AuditAction`` stay, as plain string enums). Services of the previous release never used
them either.

Revision ID: 013
Revises: 012
Create Date: 2026-12-02
"""

from collections.abc import Sequence

from alembic import op

revision: str = "013"
down_revision: str | None = "012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DROPPED = {
    "webhook_event_type": (
        "lead.created",
        "lead.enriched",
        "lead.scored",
        "lead.converted",
        "campaign.started",
        "campaign.paused",
        "campaign.completed",
        "reply.received",
        "meeting.booked",
    ),
    "audit_action": (
        "create",
        "update",
        "delete",
        "login",
        "logout",
        "export",
        "import",
        "webhook_sent",
        "webhook_failed",
    ),
}


def upgrade() -> None:
    for name in DROPPED:
        op.execute(f"DROP TYPE {name}")


def downgrade() -> None:
    for name, labels in DROPPED.items():
        values = ", ".join(f"'{label}'" for label in labels)
        op.execute(f"CREATE TYPE {name} AS ENUM ({values})")

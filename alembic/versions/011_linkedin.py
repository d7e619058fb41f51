"""linkedin credentials, seats and connections

A client's LinkedIn login, its seats and their connection requests. The login's address and
password exist only as ciphertext, which the API roles cannot even select (column grants).
A connection's seat, lead and campaign are the client's own (composite keys); the lead is the
client's lead (``leads``), whose pool record is ``leads.lead_pool_id``.

Revision ID: 011
Revises: 010
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from agency_models.migrations import ddl

revision: str = "011"
down_revision: str | None = "010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CREDENTIAL_PUBLIC_COLUMNS = (
    "id",
    "client_id",
    "created_at",
    "updated_at",
    "connection_status",
    "auth_method",
    "heyreach_sender_id",
    "heyreach_account_id",
    "unipile_account_id",
    "linkedin_profile_url",
    "linkedin_profile_name",
    "linkedin_headline",
    "linkedin_connection_count",
    "two_fa_method",
    "two_fa_requested_at",
    "last_error",
    "error_count",
    "last_error_at",
    "connected_at",
    "disconnected_at",
)
"""Every column but the two ciphertexts."""


def upgrade() -> None:
    op.create_table(
        "client_linkedin_credentials",
        sa.Column("linkedin_email_encrypted", sa.Text(), nullable=False),
        sa.Column("linkedin_password_encrypted", sa.Text(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("two_fa_requested_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("error_count", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("last_error_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("connected_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("disconnected_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "connection_status",
            postgresql.ENUM(name="linkedin_credential_status", create_type=False),
            server_default="pending",
            nullable=False,
        ),
        sa.Column("auth_method", sa.Text(), server_default="heyreach", nullable=False),
        sa.Column("heyreach_sender_id", sa.Text(), nullable=True),
        sa.Column("heyreach_account_id", sa.Text(), nullable=True),
        sa.Column("unipile_account_id", sa.Text(), nullable=True),
        sa.Column("linkedin_profile_url", sa.Text(), nullable=True),
        sa.Column("linkedin_profile_name", sa.Text(), nullable=True),
        sa.Column("linkedin_headline", sa.Text(), nullable=True),
        sa.Column("linkedin_connection_count", sa.Integer(), nullable=True),
        sa.Column("two_fa_method", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "char_length(auth_method) <= 255",
            name=op.f("ck_client_linkedin_credentials_auth_method_length"),
        ),
        sa.CheckConstraint(
            "char_length(heyreach_account_id) <= 255",
            name=op.f("ck_client_linkedin_credentials_heyreach_account_id_length"),
        ),
        sa.CheckConstraint(
            "char_length(heyreach_sender_id) <= 255",
            name=op.f("ck_client_linkedin_credentials_heyreach_sender_id_length"),
        ),
        sa.CheckConstraint(
            "char_length(last_error) <= 100000",
            name=op.f("ck_client_linkedin_credentials_last_error_length"),
        ),
        sa.CheckConstraint(
            "char_length(linkedin_email_encrypted) <= 100000",
            name=op.f("ck_client_linkedin_credentials_linkedin_email_encrypted_length"),
        ),
        sa.CheckConstraint(
            "char_length(linkedin_headline) <= 255",
            name=op.f("ck_client_linkedin_credentials_linkedin_headline_length"),
        ),
        sa.CheckConstraint(
            "char_length(linkedin_password_encrypted) <= 100000",
            name=op.f("ck_client_linkedin_credentials_linkedin_password_encry_ede7b15a"),
        ),
        sa.CheckConstraint(
            "char_length(linkedin_profile_name) <= 255",
            name=op.f("ck_client_linkedin_credentials_linkedin_profile_name_length"),
        ),
        sa.CheckConstraint(
            "char_length(linkedin_profile_url) <= 2048",
            name=op.f("ck_client_linkedin_credentials_linkedin_profile_url_length"),
        ),
        sa.CheckConstraint(
            "char_length(two_fa_method) <= 255",
            name=op.f("ck_client_linkedin_credentials_two_fa_method_length"),
        ),
        sa.CheckConstraint(
            "char_length(unipile_account_id) <= 255",
            name=op.f("ck_client_linkedin_credentials_unipile_account_id_length"),
        ),
        sa.CheckConstraint(
            "error_count >= 0", name=op.f("ck_client_linkedin_credentials_error_count_range")
        ),
        sa.CheckConstraint(
            "linkedin_connection_count >= 0",
            name=op.f("ck_client_linkedin_credentials_linkedin_connection_count_range"),
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_client_linkedin_credentials_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client_linkedin_credentials")),
        sa.UniqueConstraint(
            "client_id", "id", name=op.f("uq_client_linkedin_credentials_client_id_id")
        ),
        sa.UniqueConstraint("client_id", name="unique_linkedin_credential_per_client"),
    )
    op.create_table(
        "linkedin_seats",
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column("accept_rate_7d", sa.Numeric(precision=5, scale=4), nullable=True),
        sa.Column("accept_rate_30d", sa.Numeric(precision=5, scale=4), nullable=True),
        sa.Column("pending_count", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column(
            "status",
            postgresql.ENUM(name="linkedin_seat_status", create_type=False),
            server_default="pending",
            nullable=False,
        ),
        sa.Column("pending_connection_id", sa.Text(), nullable=True),
        sa.Column("activated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("warmup_completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("restricted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("restricted_reason", sa.Text(), nullable=True),
        sa.Column("resource_id", sa.Uuid(), nullable=True),
        sa.Column("persona_id", sa.Uuid(), nullable=True),
        sa.Column("unipile_account_id", sa.Text(), nullable=True),
        sa.Column("account_email", sa.Text(), nullable=True),
        sa.Column("account_name", sa.Text(), nullable=True),
        sa.Column("profile_url", sa.Text(), nullable=True),
        sa.Column("daily_limit_override", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "accept_rate_30d >= 0 AND accept_rate_30d <= 1",
            name=op.f("ck_linkedin_seats_accept_rate_30d_range"),
        ),
        sa.CheckConstraint(
            "accept_rate_7d >= 0 AND accept_rate_7d <= 1",
            name=op.f("ck_linkedin_seats_accept_rate_7d_range"),
        ),
        sa.CheckConstraint(
            "account_email = lower(btrim(account_email))",
            name=op.f("ck_linkedin_seats_account_email_normalized"),
        ),
        sa.CheckConstraint(
            "char_length(account_email) <= 254", name=op.f("ck_linkedin_seats_account_email_length")
        ),
        sa.CheckConstraint(
            "char_length(account_name) <= 255", name=op.f("ck_linkedin_seats_account_name_length")
        ),
        sa.CheckConstraint(
            "char_length(pending_connection_id) <= 255",
            name=op.f("ck_linkedin_seats_pending_connection_id_length"),
        ),
        sa.CheckConstraint(
            "char_length(profile_url) <= 2048", name=op.f("ck_linkedin_seats_profile_url_length")
        ),
        sa.CheckConstraint(
            "char_length(restricted_reason) <= 100000",
            name=op.f("ck_linkedin_seats_restricted_reason_length"),
        ),
        sa.CheckConstraint(
            "char_length(unipile_account_id) <= 255",
            name=op.f("ck_linkedin_seats_unipile_account_id_length"),
        ),
        sa.CheckConstraint(
            "daily_limit_override >= 0", name=op.f("ck_linkedin_seats_daily_limit_override_range")
        ),
        sa.CheckConstraint(
            "pending_count >= 0", name=op.f("ck_linkedin_seats_pending_count_range")
        ),
        sa.ForeignKeyConstraint(
            ["client_id", "persona_id"],
            ["client_personas.client_id", "client_personas.id"],
            name=op.f("fk_linkedin_seats_client_id_persona_id_client_personas"),
            ondelete="SET NULL (persona_id)",
        ),
        sa.ForeignKeyConstraint(
            ["client_id", "resource_id"],
            ["client_resources.client_id", "client_resources.id"],
            name=op.f("fk_linkedin_seats_client_id_resource_id_client_resources"),
            ondelete="SET NULL (resource_id)",
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_linkedin_seats_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_linkedin_seats")),
        sa.UniqueConstraint("client_id", "id", name=op.f("uq_linkedin_seats_client_id_id")),
    )
    op.create_index(
        "ix_linkedin_seats_client_id_persona_id",
        "linkedin_seats",
        ["client_id", "persona_id"],
        unique=False,
    )
    op.create_index(
        "ix_linkedin_seats_client_id_resource_id",
        "linkedin_seats",
        ["client_id", "resource_id"],
        unique=False,
    )
    op.create_table(
        "linkedin_connections",
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=False),
        sa.Column(
            "requested_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "status",
            postgresql.ENUM(name="linkedin_connection_status", create_type=False),
            server_default="pending",
            nullable=False,
        ),
        sa.Column("profile_viewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("responded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("follow_up_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("seat_id", sa.Uuid(), nullable=False),
        sa.Column("lead_id", sa.Uuid(), nullable=False),
        sa.Column("campaign_id", sa.Uuid(), nullable=True),
        sa.Column("unipile_request_id", sa.Text(), nullable=True),
        sa.Column("note_included", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("note_content", sa.Text(), nullable=True),
        sa.Column("follow_up_scheduled_for", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "char_length(note_content) <= 100000",
            name=op.f("ck_linkedin_connections_note_content_length"),
        ),
        sa.CheckConstraint(
            "char_length(unipile_request_id) <= 255",
            name=op.f("ck_linkedin_connections_unipile_request_id_length"),
        ),
        sa.ForeignKeyConstraint(
            ["client_id", "campaign_id"],
            ["campaigns.client_id", "campaigns.id"],
            name=op.f("fk_linkedin_connections_client_id_campaign_id_campaigns"),
            ondelete="SET NULL (campaign_id)",
        ),
        sa.ForeignKeyConstraint(
            ["client_id", "lead_id"],
            ["leads.client_id", "leads.id"],
            name=op.f("fk_linkedin_connections_client_id_lead_id_leads"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["client_id", "seat_id"],
            ["linkedin_seats.client_id", "linkedin_seats.id"],
            name=op.f("fk_linkedin_connections_client_id_seat_id_linkedin_seats"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_linkedin_connections_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_linkedin_connections")),
        sa.UniqueConstraint("client_id", "id", name=op.f("uq_linkedin_connections_client_id_id")),
        sa.UniqueConstraint("client_id", "lead_id", "seat_id", name="unique_lead_seat"),
    )
    op.create_index(
        "ix_linkedin_connections_client_id_campaign_id",
        "linkedin_connections",
        ["client_id", "campaign_id"],
        unique=False,
    )
    op.create_index(
        "ix_linkedin_connections_client_id_seat_id",
        "linkedin_connections",
        ["client_id", "seat_id"],
        unique=False,
    )
    for table in ("client_linkedin_credentials", "linkedin_seats", "linkedin_connections"):
        ddl.add_updated_at_trigger(table)
    ddl.grant_api_access_to_columns("client_linkedin_credentials", CREDENTIAL_PUBLIC_COLUMNS)
    ddl.enable_row_level_security("client_linkedin_credentials")
    ddl.create_tenant_policies("client_linkedin_credentials")
    ddl.secure_tenant_table("linkedin_seats")
    ddl.secure_tenant_table("linkedin_connections")


def downgrade() -> None:
    op.drop_table("linkedin_connections")
    op.drop_table("linkedin_seats")
    op.drop_table("client_linkedin_credentials")

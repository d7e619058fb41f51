"""Every enum of Agency OS.

Each enum that a column uses is stored as a native PostgreSQL ENUM type whose labels are the
enum's *values*, in member order; ``__pg_type__`` names that type. Adding a member means adding
a migration that runs ``ALTER TYPE ... ADD VALUE``; never reorder or remove members.
"""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar


class PgEnum(StrEnum):
    """A ``str`` enum stored as the PostgreSQL ENUM type named ``__pg_type__``."""

    __pg_type__: ClassVar[str]


class TierType(PgEnum):
    __pg_type__ = "tier_type"
    IGNITION = "ignition"
    VELOCITY = "velocity"
    DOMINANCE = "dominance"


class SubscriptionStatus(PgEnum):
    __pg_type__ = "subscription_status"
    TRIALING = "trialing"
    ACTIVE = "active"
    PAST_DUE = "past_due"
    CANCELLED = "cancelled"
    PAUSED = "paused"


class MembershipRole(PgEnum):
    __pg_type__ = "membership_role"
    OWNER = "owner"
    ADMIN = "admin"
    MEMBER = "member"
    VIEWER = "viewer"


class PermissionMode(PgEnum):
    __pg_type__ = "permission_mode"
    AUTOPILOT = "autopilot"
    CO_PILOT = "co_pilot"
    MANUAL = "manual"


class CampaignStatus(PgEnum):
    __pg_type__ = "campaign_status"
    DRAFT = "draft"
    ACTIVE = "active"
    PAUSED = "paused"
    COMPLETED = "completed"


class CampaignType(PgEnum):
    __pg_type__ = "campaign_type"
    AI_SUGGESTED = "ai_suggested"
    CUSTOM = "custom"


class LeadStatus(PgEnum):
    __pg_type__ = "lead_status"
    NEW = "new"
    ENRICHED = "enriched"
    SCORED = "scored"
    IN_SEQUENCE = "in_sequence"
    CONVERTED = "converted"
    UNSUBSCRIBED = "unsubscribed"
    BOUNCED = "bounced"


class AlsTier(PgEnum):
    """Lead score band of the ALS (Agency Lead Score)."""

    __pg_type__ = "als_tier"
    HOT = "hot"
    WARM = "warm"
    COOL = "cool"
    COLD = "cold"
    DEAD = "dead"


class RejectionReason(PgEnum):
    __pg_type__ = "rejection_reason_type"
    TIMING_NOT_NOW = "timing_not_now"
    BUDGET_CONSTRAINTS = "budget_constraints"
    USING_COMPETITOR = "using_competitor"
    NOT_DECISION_MAKER = "not_decision_maker"
    NO_NEED = "no_need"
    BAD_EXPERIENCE = "bad_experience"
    TOO_BUSY = "too_busy"
    NOT_INTERESTED_GENERIC = "not_interested_generic"
    DO_NOT_CONTACT = "do_not_contact"
    WRONG_CONTACT = "wrong_contact"
    COMPANY_POLICY = "company_policy"
    OTHER = "other"


class ChannelType(PgEnum):
    __pg_type__ = "channel_type"
    EMAIL = "email"
    SMS = "sms"
    LINKEDIN = "linkedin"
    VOICE = "voice"
    MAIL = "mail"


class IntentType(PgEnum):
    """Classification of a reply."""

    __pg_type__ = "intent_type"
    MEETING_REQUEST = "meeting_request"
    INTERESTED = "interested"
    QUESTION = "question"
    NOT_INTERESTED = "not_interested"
    UNSUBSCRIBE = "unsubscribe"
    OUT_OF_OFFICE = "out_of_office"
    AUTO_REPLY = "auto_reply"
    REFERRAL = "referral"
    WRONG_PERSON = "wrong_person"
    ANGRY_COMPLAINT = "angry_or_complaint"


class WebhookEventType(StrEnum):
    """Events a client's webhooks receive (no column stores them: not a PostgreSQL type)."""

    LEAD_CREATED = "lead.created"
    LEAD_ENRICHED = "lead.enriched"
    LEAD_SCORED = "lead.scored"
    LEAD_CONVERTED = "lead.converted"
    CAMPAIGN_STARTED = "campaign.started"
    CAMPAIGN_PAUSED = "campaign.paused"
    CAMPAIGN_COMPLETED = "campaign.completed"
    REPLY_RECEIVED = "reply.received"
    MEETING_BOOKED = "meeting.booked"


class AuditAction(StrEnum):
    """Actions an audit log records (no column stores them: not a PostgreSQL type)."""

    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    LOGIN = "login"
    LOGOUT = "logout"
    EXPORT = "export"
    IMPORT = "import"
    WEBHOOK_SENT = "webhook_sent"
    WEBHOOK_FAILED = "webhook_failed"


class PatternType(PgEnum):
    """Dimension of a Conversion Intelligence pattern."""

    __pg_type__ = "pattern_type"
    WHO = "who"
    WHAT = "what"
    WHEN = "when"
    HOW = "how"


class ResourceType(PgEnum):
    __pg_type__ = "resource_type"
    EMAIL_DOMAIN = "email_domain"
    PHONE_NUMBER = "phone_number"
    LINKEDIN_SEAT = "linkedin_seat"


class ResourceStatus(PgEnum):
    __pg_type__ = "resource_status"
    AVAILABLE = "available"
    ASSIGNED = "assigned"
    WARMING = "warming"
    RETIRED = "retired"


class HealthStatus(PgEnum):
    """Sending health of a resource (domain, number, seat)."""

    __pg_type__ = "health_status"
    GOOD = "good"
    WARNING = "warning"
    CRITICAL = "critical"


class PoolStatus(PgEnum):
    """Lifecycle of a lead in the platform-wide lead pool."""

    __pg_type__ = "pool_status"
    AVAILABLE = "available"
    ASSIGNED = "assigned"
    CONVERTED = "converted"
    BOUNCED = "bounced"
    UNSUBSCRIBED = "unsubscribed"
    INVALID = "invalid"


class EmailStatus(PgEnum):
    """Deliverability verdict on an email address."""

    __pg_type__ = "email_status_type"
    VERIFIED = "verified"
    GUESSED = "guessed"
    INVALID = "invalid"
    CATCH_ALL = "catch_all"
    UNKNOWN = "unknown"


class LinkedInCredentialStatus(PgEnum):
    """Connection state of a client's LinkedIn login."""

    __pg_type__ = "linkedin_credential_status"
    PENDING = "pending"
    CONNECTING = "connecting"
    AWAITING_2FA = "awaiting_2fa"
    CONNECTED = "connected"
    FAILED = "failed"
    DISCONNECTED = "disconnected"
    CREDENTIALS_REQUIRED = "credentials_required"


class LinkedInSeatStatus(PgEnum):
    __pg_type__ = "linkedin_seat_status"
    PENDING = "pending"
    AWAITING_2FA = "awaiting_2fa"
    WARMUP = "warmup"
    ACTIVE = "active"
    RESTRICTED = "restricted"
    DISCONNECTED = "disconnected"


class LinkedInConnectionStatus(PgEnum):
    __pg_type__ = "linkedin_connection_status"
    PENDING = "pending"
    ACCEPTED = "accepted"
    IGNORED = "ignored"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class URLValidationErrorType(StrEnum):
    """Why a URL failed validation (only in :class:`URLValidationResult`, never a column)."""

    DNS_FAILURE = "dns_failure"
    TIMEOUT = "timeout"
    SSL_ERROR = "ssl_error"
    PARKED_DOMAIN = "parked_domain"
    INVALID_FORMAT = "invalid_format"


PG_ENUMS: tuple[type[PgEnum], ...] = tuple(PgEnum.__subclasses__())
"""Every enum stored as a PostgreSQL type, in declaration order."""

__all__ = [
    "PG_ENUMS",
    "AlsTier",
    "AuditAction",
    "CampaignStatus",
    "CampaignType",
    "ChannelType",
    "EmailStatus",
    "HealthStatus",
    "IntentType",
    "LeadStatus",
    "LinkedInConnectionStatus",
    "LinkedInCredentialStatus",
    "LinkedInSeatStatus",
    "MembershipRole",
    "PatternType",
    "PermissionMode",
    "PgEnum",
    "PoolStatus",
    "RejectionReason",
    "ResourceStatus",
    "ResourceType",
    "SubscriptionStatus",
    "TierType",
    "URLValidationErrorType",
    "WebhookEventType",
]

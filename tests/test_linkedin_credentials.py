"""LinkedIn credentials keep their secrets only as ciphertext, against real PostgreSQL: the
plaintext is never sent to the server nor stored, the service's encryption hook is checked,
no Read schema and no API role's grant reveals the ciphertext, and the Create schema masks the
plaintext wherever it is rendered."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa
from pydantic import ValidationError
from sqlmodel import select

import agency_models.models
from agency_models import (
    LONG_TEXT_MAX_LENGTH,
    EncryptionError,
    LinkedInCredential,
    LinkedInCredentialCreate,
    LinkedInCredentialRead,
    LinkedInCredentialUpdate,
    MembershipRole,
    PermissionDeniedError,
    ReadSchema,
    metadata,
)
from agency_models.db import AgencySession, act_as_user
from agency_models.models.linkedin import MIN_VISIBLE_PLAINTEXT, LinkedInCredentialCiphertext
from factories.tables import ClientFactory, MembershipFactory
from tests.helpers import fake_encrypt, revealed_payload

TABLE = LinkedInCredential.__tablename__
CIPHERTEXT_COLUMNS = tuple(LinkedInCredentialCiphertext.model_fields)
SECRET_FIELDS = ("linkedin_email", "linkedin_password")
PUBLIC_COLUMNS = tuple(
    column.name
    for column in LinkedInCredential.__table__.columns
    if column.name not in CIPHERTEXT_COLUMNS
)
INSUFFICIENT_PRIVILEGE = "42501"
READ_SCHEMAS = tuple(
    schema
    for name in agency_models.models.__all__
    if isinstance(schema := getattr(agency_models.models, name), type)
    and issubclass(schema, ReadSchema)
)


def fake_decrypt(ciphertext: str) -> str:
    return bytes.fromhex(ciphertext.removeprefix("enc:"))[::-1].decode()


@dataclass(frozen=True)
class Secrets:
    email: str
    password: str

    @classmethod
    def new(cls) -> Secrets:
        """Plaintexts unique to one test, so finding them anywhere is never a coincidence."""
        token = uuid.uuid4().hex
        return cls(email=f"login.{token}@example.com", password=f"Pw-{token[::-1]}!")

    def __iter__(self) -> Iterator[str]:
        return iter((self.email, self.password))

    def create(self, client_id: uuid.UUID) -> LinkedInCredentialCreate:
        return LinkedInCredentialCreate(
            client_id=client_id, linkedin_email=self.email, linkedin_password=self.password
        )

    def ciphertexts(self) -> tuple[str, str]:
        return fake_encrypt(self.email), fake_encrypt(self.password)


@dataclass(frozen=True)
class Tenant:
    client_id: uuid.UUID
    member: uuid.UUID
    credential: LinkedInCredential
    secrets: Secrets


async def store(session: AgencySession, create: LinkedInCredentialCreate) -> LinkedInCredential:
    credential = LinkedInCredential.from_create(create, encrypt=fake_encrypt)
    session.add(credential)
    await session.flush()
    return credential


async def new_tenant(session: AgencySession) -> Tenant:
    membership = await MembershipFactory.create_async(role=MembershipRole.MEMBER)
    secrets = Secrets.new()
    credential = await store(session, secrets.create(membership.client_id))
    return Tenant(membership.client_id, membership.user_id, credential, secrets)


@pytest.fixture
async def tenant(agency_session: AgencySession) -> Tenant:
    return await new_tenant(agency_session)


@pytest.fixture
async def other_tenant(agency_session: AgencySession) -> Tenant:
    return await new_tenant(agency_session)


@pytest.fixture
def sent_sql(agency_session: AgencySession) -> Iterator[list[str]]:
    """Every statement sent to the server while the test runs, with its parameters."""
    connection = agency_session.bind.sync_connection
    sent: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        sent.append(f"{statement} {parameters!r}")

    sa.event.listen(connection, "before_cursor_execute", record)
    yield sent
    sa.event.remove(connection, "before_cursor_execute", record)


async def run(session: AgencySession, sql: str, **params: Any) -> Any:
    return await session.exec(sa.text(sql), params=params)


async def stored_ciphertexts(session: AgencySession, credential_id: uuid.UUID) -> tuple[str, str]:
    columns = ", ".join(CIPHERTEXT_COLUMNS)
    result = await run(session, f"SELECT {columns} FROM {TABLE} WHERE id = :id", id=credential_id)
    return tuple(result.one())


async def rows_holding(session: AgencySession, text: str) -> dict[str, int]:
    """Table -> how many of its rows hold ``text`` in any column (the whole row as text)."""
    found = {}
    for table in metadata.sorted_tables:
        sql = f"SELECT count(*) FROM {table.name} AS r WHERE strpos(r::text, :text) > 0"
        if count := (await run(session, sql, text=text)).scalar_one():
            found[table.name] = count
    return found


@asynccontextmanager
async def acting_as(
    session: AgencySession, user_id: uuid.UUID | None, *, role: str = "authenticated"
) -> AsyncIterator[None]:
    """The block as ``user_id`` (or ``role``) in a savepoint that is always rolled back, which
    also hands the transaction back to the superuser (as in tests/test_rls.py)."""
    savepoint = await session.begin_nested()
    try:
        await act_as_user(session, user_id, role=role)
        yield
    finally:
        await savepoint.rollback()


async def assert_permission_denied(session: AgencySession, sql: str, **params: Any) -> None:
    """``sql`` is refused for lack of a privilege on the table, in a savepoint of its own so
    the test goes on."""
    with pytest.raises(PermissionDeniedError) as raised:
        async with session.begin_nested():
            await run(session, sql, **params)
    error = raised.value
    assert error.sqlstate == INSUFFICIENT_PRIVILEGE, error
    assert f"permission denied for table {TABLE}" in str(error), error


async def stored_ciphertexts_as_service(session: AgencySession, tenant: Tenant) -> tuple[str, str]:
    async with acting_as(session, None, role="service_role"):
        return await stored_ciphertexts(session, tenant.credential.id)


# --- the plaintext never reaches the database -----------------------------------------------------


async def test_plaintext_is_neither_sent_to_the_server_nor_stored(agency_session, sent_sql):
    secrets = Secrets.new()
    client = await ClientFactory.create_async()
    credential = await store(agency_session, secrets.create(client.id))
    await agency_session.refresh(credential)
    statement = select(LinkedInCredential).where(LinkedInCredential.id == credential.id)
    await agency_session.exec(statement.execution_options(populate_existing=True))
    sent = list(sent_sql)

    assert await stored_ciphertexts(agency_session, credential.id) == secrets.ciphertexts()
    for ciphertext in secrets.ciphertexts():
        assert any(ciphertext in text for text in sent)
        assert await rows_holding(agency_session, ciphertext) == {TABLE: 1}
    for plaintext in secrets:
        assert not [text for text in sent if plaintext in text]
        assert await rows_holding(agency_session, plaintext) == {}


async def test_ciphertext_decrypts_to_the_validated_secrets(agency_session):
    client = await ClientFactory.create_async()
    create = LinkedInCredentialCreate(
        client_id=client.id, linkedin_email="  Login@Example.COM ", linkedin_password="pass word"
    )
    credential = await store(agency_session, create)
    email, password = await stored_ciphertexts(agency_session, credential.id)
    assert (fake_decrypt(email), fake_decrypt(password)) == ("login@example.com", "pass word")


async def test_replace_secrets_rotates_the_ciphertext(agency_session, tenant, sent_sql):
    rotated = Secrets.new()
    tenant.credential.replace_secrets(
        email=rotated.email, password=rotated.password, encrypt=fake_encrypt
    )
    await agency_session.flush()
    sent = list(sent_sql)

    stored = await stored_ciphertexts(agency_session, tenant.credential.id)
    assert stored == rotated.ciphertexts()
    assert set(stored).isdisjoint(tenant.secrets.ciphertexts())
    for ciphertext in rotated.ciphertexts():
        assert any(ciphertext in text for text in sent)
    for plaintext in (*tenant.secrets, *rotated):
        assert not [text for text in sent if plaintext in text]
        assert await rows_holding(agency_session, plaintext) == {}


async def test_replace_secrets_validates_them_as_the_create_schema_does(tenant):
    before = (
        tenant.credential.linkedin_email_encrypted,
        tenant.credential.linkedin_password_encrypted,
    )
    for email, password, field in (
        ("not-an-address", "new password", "linkedin_email"),
        ("login@example.com", "p" * 256, "linkedin_password"),
    ):
        with pytest.raises(ValidationError) as raised:
            tenant.credential.replace_secrets(email=email, password=password, encrypt=fake_encrypt)
        assert [error["loc"] for error in raised.value.errors()] == [(field,)]
        assert password not in str(raised.value)
    after = (
        tenant.credential.linkedin_email_encrypted,
        tenant.credential.linkedin_password_encrypted,
    )
    assert after == before
    tenant.credential.replace_secrets(email=" New@Example.com", password="pw", encrypt=fake_encrypt)
    assert fake_decrypt(tenant.credential.linkedin_email_encrypted) == "new@example.com"


# --- the encryption hook --------------------------------------------------------------------------


BAD_HOOKS: dict[str, Callable[[str], Any]] = {
    "returns-the-plaintext": lambda plaintext: plaintext,
    "embeds-the-plaintext": lambda plaintext: f"v1:{plaintext}:mac",
    "returns-bytes": lambda plaintext: fake_encrypt(plaintext).encode(),
    "returns-none": lambda plaintext: None,
    "returns-empty-text": lambda plaintext: "",
    "returns-blank-text": lambda plaintext: " \n",
}


class KeyServiceError(Exception):
    pass


def failing_hook(plaintext: str) -> str:
    raise KeyServiceError("key service unavailable")


@pytest.mark.parametrize("hook", BAD_HOOKS.values(), ids=BAD_HOOKS.keys())
def test_from_create_refuses_a_hook_that_returns_no_ciphertext(hook):
    secrets = Secrets.new()
    with pytest.raises(EncryptionError) as raised:
        LinkedInCredential.from_create(secrets.create(uuid.uuid4()), encrypt=hook)
    for plaintext in secrets:
        assert plaintext not in str(raised.value)


@pytest.mark.parametrize("hook", BAD_HOOKS.values(), ids=BAD_HOOKS.keys())
async def test_replace_secrets_refuses_a_bad_hook_and_keeps_the_old_ciphertext(
    agency_session, tenant, hook
):
    rotated = Secrets.new()

    def bad_for_the_password(plaintext: str) -> Any:
        return hook(plaintext) if plaintext == rotated.password else fake_encrypt(plaintext)

    with pytest.raises(EncryptionError):
        tenant.credential.replace_secrets(
            email=rotated.email, password=rotated.password, encrypt=bad_for_the_password
        )
    await agency_session.flush()
    assert await stored_ciphertexts(agency_session, tenant.credential.id) == (
        tenant.secrets.ciphertexts()
    )


async def test_an_exception_of_the_hook_propagates_and_nothing_is_written(agency_session, tenant):
    with pytest.raises(KeyServiceError):
        LinkedInCredential.from_create(Secrets.new().create(tenant.client_id), encrypt=failing_hook)
    rotated = Secrets.new()
    with pytest.raises(KeyServiceError):
        tenant.credential.replace_secrets(
            email=rotated.email, password=rotated.password, encrypt=failing_hook
        )
    await agency_session.flush()
    result = await run(
        agency_session,
        f"SELECT {', '.join(CIPHERTEXT_COLUMNS)} FROM {TABLE} WHERE client_id = :client",
        client=tenant.client_id,
    )
    assert [tuple(row) for row in result] == [tenant.secrets.ciphertexts()]


def test_only_plaintexts_long_enough_to_be_visible_count_as_shown_in_the_ciphertext():
    def embedding(password: str) -> Callable[[str], str]:
        def encrypt(plaintext: str) -> str:
            return fake_encrypt(plaintext) + (plaintext if plaintext == password else "")

        return encrypt

    def from_password(password: str, encrypt: Callable[[str], str]) -> LinkedInCredential:
        create = LinkedInCredentialCreate(
            client_id=uuid.uuid4(), linkedin_email="a@example.com", linkedin_password=password
        )
        return LinkedInCredential.from_create(create, encrypt=encrypt)

    short = "p" * (MIN_VISIBLE_PLAINTEXT - 1)
    assert from_password(short, embedding(short)).linkedin_password_encrypted.endswith(short)
    with pytest.raises(EncryptionError):
        from_password(short, lambda plaintext: plaintext)
    visible = "p" * MIN_VISIBLE_PLAINTEXT
    with pytest.raises(EncryptionError):
        from_password(visible, embedding(visible))


def test_ciphertext_longer_than_the_column_allows_is_refused():
    def too_long(plaintext: str) -> str:
        return "c" * (LONG_TEXT_MAX_LENGTH + 1)

    secrets = Secrets.new()
    with pytest.raises(ValidationError):
        LinkedInCredential.from_create(secrets.create(uuid.uuid4()), encrypt=too_long)
    credential = LinkedInCredential.from_create(secrets.create(uuid.uuid4()), encrypt=fake_encrypt)
    with pytest.raises(ValidationError):
        credential.replace_secrets(email=secrets.email, password="new", encrypt=too_long)
    assert credential.linkedin_password_encrypted == fake_encrypt(secrets.password)


# --- schemas --------------------------------------------------------------------------------------


def test_create_masks_the_secrets_wherever_it_is_rendered():
    secrets = Secrets.new()
    create = secrets.create(uuid.uuid4())
    renderings = {
        "repr": repr(create),
        "str": str(create),
        "model_dump": repr(create.model_dump()),
        "model_dump json mode": json.dumps(create.model_dump(mode="json")),
        "model_dump_json": create.model_dump_json(),
    }
    for name, rendering in renderings.items():
        for plaintext in secrets:
            assert plaintext not in rendering, name
        assert "**********" in rendering, name
    assert create.linkedin_email.get_secret_value() == secrets.email
    assert create.linkedin_password.get_secret_value() == secrets.password
    assert revealed_payload(create)["linkedin_password"] == secrets.password


def test_create_validation_errors_do_not_print_the_secrets():
    token = uuid.uuid4().hex
    with pytest.raises(ValidationError) as raised:
        LinkedInCredentialCreate(
            client_id=uuid.uuid4(),
            linkedin_email=f"no-address-{token}",
            linkedin_password=f"{'p' * 255}{token}",
        )
    assert {error["loc"] for error in raised.value.errors()} == {(name,) for name in SECRET_FIELDS}
    assert token not in str(raised.value)
    assert token not in repr(raised.value)


def test_table_row_repr_hides_the_ciphertext():
    secrets = Secrets.new()
    credential = LinkedInCredential.from_create(secrets.create(uuid.uuid4()), encrypt=fake_encrypt)
    for ciphertext in secrets.ciphertexts():
        assert ciphertext not in repr(credential)
        assert ciphertext not in str(credential)


def test_no_read_schema_has_a_ciphertext_or_secret_field():
    assert LinkedInCredentialRead in READ_SCHEMAS
    hidden = {*CIPHERTEXT_COLUMNS, *SECRET_FIELDS}
    for schema in READ_SCHEMAS:
        properties = schema.model_json_schema(mode="serialization")["properties"]
        assert not hidden & {*schema.model_fields, *properties}, schema.__name__
        assert not [name for name in schema.model_fields if name.endswith("_encrypted")]
    assert set(LinkedInCredentialRead.model_fields) == set(PUBLIC_COLUMNS)


async def test_read_of_a_stored_credential_shows_no_ciphertext(agency_session, tenant):
    await agency_session.refresh(tenant.credential)
    read = LinkedInCredentialRead.model_validate(tenant.credential)
    assert read.id == tenant.credential.id
    for rendering in (read.model_dump_json(), repr(read.model_dump())):
        for text in (*tenant.secrets, *tenant.secrets.ciphertexts()):
            assert text not in rendering


def test_update_takes_neither_secrets_nor_ciphertext():
    assert not {*SECRET_FIELDS, *CIPHERTEXT_COLUMNS} & set(LinkedInCredentialUpdate.model_fields)
    for name in (*SECRET_FIELDS, *CIPHERTEXT_COLUMNS):
        with pytest.raises(ValidationError) as raised:
            LinkedInCredentialUpdate.model_validate({name: "login@example.com"})
        assert [error["type"] for error in raised.value.errors()] == ["extra_forbidden"], name


# --- column grants --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["authenticated", "anon"])
async def test_api_roles_may_select_exactly_the_read_schemas_columns(agency_session, role):
    sql = (
        "SELECT attname::text FROM pg_attribute WHERE attrelid = CAST(:table AS regclass) "
        "AND attnum > 0 AND NOT attisdropped "
        "AND has_column_privilege(:role, attrelid, attnum, 'SELECT')"
    )
    selectable = set((await run(agency_session, sql, table=TABLE, role=role)).scalars())
    assert selectable == set(LinkedInCredentialRead.model_fields)


@pytest.mark.parametrize("role", ["authenticated", "anon"])
async def test_api_roles_cannot_select_the_ciphertext(agency_session, tenant, role):
    user = tenant.member if role == "authenticated" else None
    async with acting_as(agency_session, user, role=role):
        for column in CIPHERTEXT_COLUMNS:
            await assert_permission_denied(agency_session, f"SELECT {column} FROM {TABLE}")
            await assert_permission_denied(
                agency_session, f"SELECT id FROM {TABLE} WHERE {column} LIKE 'enc:%'"
            )
        await assert_permission_denied(agency_session, f"SELECT * FROM {TABLE}")
        await assert_permission_denied(agency_session, f"SELECT r::text FROM {TABLE} AS r")


async def test_member_reads_the_public_columns_of_their_own_tenants_credential(
    agency_session, tenant, other_tenant
):
    columns = ", ".join(LinkedInCredentialRead.model_fields)
    async with acting_as(agency_session, tenant.member):
        rows = (await run(agency_session, f"SELECT {columns} FROM {TABLE}")).mappings().all()
    reads = [LinkedInCredentialRead.model_validate(dict(row)) for row in rows]
    assert [(read.id, read.client_id) for read in reads] == [
        (tenant.credential.id, tenant.client_id)
    ]


async def test_writer_can_store_new_ciphertext_but_not_read_it_back(agency_session, tenant):
    rotated = Secrets.new()
    new_ciphertext = fake_encrypt(rotated.password)
    update = f"UPDATE {TABLE} SET linkedin_password_encrypted = :ciphertext WHERE id = :id"
    async with acting_as(agency_session, tenant.member):
        await assert_permission_denied(
            agency_session,
            f"{update} RETURNING linkedin_password_encrypted",
            ciphertext=new_ciphertext,
            id=tenant.credential.id,
        )
        result = await run(
            agency_session, update, ciphertext=new_ciphertext, id=tenant.credential.id
        )
        assert result.rowcount == 1


async def test_service_role_reads_the_ciphertext_to_decrypt_it(agency_session, tenant):
    ciphertexts = await stored_ciphertexts_as_service(agency_session, tenant)
    assert tuple(map(fake_decrypt, ciphertexts)) == tuple(tenant.secrets)

"""Which statements of a migration break a service still running the previous release.

A service of the previous release maps every table, column, type and unique constraint that
release knew. The new release's revisions run under it, so they may only add (tables, columns
that are nullable or have a default, indexes, enum values, constraints) until every service
has upgraded. This module reads the offline SQL of the revisions added since the previous
release (the *window*) and reports each statement that removes, renames or retypes something
that existed before the window, makes an existing column stricter, or adds a NOT NULL column
without a default. Objects created inside the window are the window's own: dropping or
renaming them breaks nobody.

Not judged here (reviewed by hand, and by ``db check`` and the compatibility gate): new CHECK
or foreign-key constraints (old rows and old writers are exercised by the gate), privileges,
policies and trigger functions, and the locks a statement takes (the SQL linter's job).
Dropping a CHECK, a foreign key or a non-unique index is compatible (it only loosens);
dropping a unique constraint, unique index or primary key is not: the previous release's
upserts name them (``ON CONFLICT``), and its get-or-create logic relies on them.

Stdlib only, so the release checker runs without the package's dependencies.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

COMPAT_MARKER = re.compile(r"^\s*compat:\s*(?P<subject>[^:]+?)\s*:\s*(?P<reason>.*?)\s*$")
"""A docstring line ``compat: <subject>: <reason>`` accepting one finding of its revision."""


@dataclass(frozen=True)
class Finding:
    revision: str
    subject: str
    """What breaks, canonical and lower case: ``drop column leads.email``."""
    statement: str

    def __str__(self) -> str:
        return f"{self.revision}: {self.subject}  ({_shorten(self.statement)})"


@dataclass
class _Window:
    """What the window's revisions created, and the unique keys known before and in it."""

    tables: set[str] = field(default_factory=set)
    columns: set[str] = field(default_factory=set)
    types: set[str] = field(default_factory=set)
    constraints: set[str] = field(default_factory=set)
    indexes: set[str] = field(default_factory=set)
    unique_keys: set[str] = field(default_factory=set)
    """Names of unique and primary-key constraints and unique indexes (before and in it)."""
    loose_keys: set[str] = field(default_factory=set)
    """Names of CHECK and foreign-key constraints and non-unique indexes (before and in it)."""


def breaking_changes(window: dict[str, str], before: Iterable[str] = ()) -> list[Finding]:
    """Findings in ``window`` (revision -> upgrade SQL, oldest first); ``before`` is the SQL of
    the revisions the previous release already had, read only to tell unique keys from loose
    ones."""
    state = _Window()
    for sql in before:
        for statement in statements(sql):
            _learn_keys(statement, state)
    findings = []
    for revision, sql in window.items():
        for statement in statements(sql):
            findings.extend(
                Finding(revision, subject, statement) for subject in _judge(statement, state)
            )
            _learn_keys(statement, state)
            _learn_created(statement, state)
    return findings


def accepted_subjects(revision_file: Path) -> dict[str, str]:
    """The ``compat: <subject>: <reason>`` lines of a revision's docstring: subject -> reason."""
    docstring = ast.get_docstring(ast.parse(revision_file.read_text())) or ""
    accepted = {}
    for line in docstring.splitlines():
        match = COMPAT_MARKER.match(line)
        if match:
            accepted[match["subject"].lower()] = match["reason"]
    return accepted


# --- splitting SQL into statements -----------------------------------------------------------

_DOLLAR_TAG = re.compile(r"\$[A-Za-z_]*\$")


def statements(sql: str) -> Iterator[str]:
    """The statements of ``sql``, whitespace collapsed, without comments, string literals as
    ``''`` and function bodies as ``$$ $$``; a ``DO`` block keeps its body (it runs during the
    migration, dynamic SQL included).
    Transaction control and Alembic's version bookkeeping are left out."""
    for raw in _split(sql):
        text = " ".join(raw.split())
        upper = text.upper()
        if not text or upper in {"BEGIN", "COMMIT"} or "AGENCY_MODELS_VERSION" in upper:
            continue
        yield text


def _split(sql: str) -> Iterator[str]:
    """Split on top-level semicolons, honouring quotes, dollar quotes and comments."""
    current: list[str] = []
    index = 0
    while index < len(sql):
        char = sql[index]
        if sql.startswith("--", index):
            end = sql.find("\n", index)
            index = len(sql) if end < 0 else end
            continue
        if sql.startswith("/*", index):
            end = sql.find("*/", index + 2)
            index = len(sql) if end < 0 else end + 2
            current.append(" ")
            continue
        if char in "'\"":
            end = index + 1
            while end < len(sql):
                if sql[end] == char and sql.startswith(char * 2, end):
                    end += 2
                    continue
                if sql[end] == char:
                    break
                end += 1
            literal = sql[index : end + 1]
            current.append(literal if char == '"' else "''")
            index = end + 1
            continue
        tag = _DOLLAR_TAG.match(sql, index)
        if tag:
            end = sql.find(tag.group(), tag.end())
            end = len(sql) if end < 0 else end + len(tag.group())
            body = sql[index:end]
            is_do_block = "".join(current).strip().upper() == "DO"
            current.append(body if is_do_block else "$$ $$")
            index = end
            continue
        if char == ";":
            yield "".join(current)
            current = []
        else:
            current.append(char)
        index += 1
    if "".join(current).strip():
        yield "".join(current)


# --- judging one statement -------------------------------------------------------------------

_NAME = r'(?:"[^"]+"|[\w$%]+)(?:\.(?:"[^"]+"|[\w$%]+))?'


def _name(raw: str) -> str:
    """An identifier as compared: unquoted, lower case, without the ``public.`` schema."""
    parts = [part.strip('"') for part in re.findall(r'"[^"]+"|[^.]+', raw)]
    if len(parts) == 2 and parts[0].lower() == "public":
        parts = parts[1:]
    return ".".join(part.lower() for part in parts)


def _names(raw: str) -> list[str]:
    return [_name(part.strip()) for part in raw.split(",") if part.strip()]


def _judge(statement: str, state: _Window) -> list[str]:
    if statement.upper().startswith("DO "):
        return [
            subject for inner in _do_block_statements(statement) for subject in _judge(inner, state)
        ]
    for pattern, judge in _JUDGES:
        match = pattern.match(statement)
        if match:
            return judge(match, state)
    return []


def _do_block_statements(statement: str) -> Iterator[str]:
    """The DDL inside a ``DO`` block: its statements (from their first ``DROP`` or ``ALTER``,
    past PL/pgSQL's ``BEGIN``, ``IF … THEN``, ``LOOP``) and the strings it ``EXECUTE``s."""
    body = statement[3:]
    literals = [" ".join(text.replace("''", "'").split()) for text in _LITERAL.findall(body)]
    for part in [*literals, *_LITERAL.sub("''", body).split(";")]:
        ddl = _DDL_START.search(part)
        if ddl:
            yield " ".join(part[ddl.start() :].split())


_LITERAL = re.compile(r"'((?:[^']|'')*)'")
_DDL_START = re.compile(r"\b(?:DROP|ALTER)\s", re.I)


def _drop_tables(match: re.Match[str], state: _Window) -> list[str]:
    return [f"drop table {name}" for name in _names(match["names"]) if name not in state.tables]


def _drop_types(match: re.Match[str], state: _Window) -> list[str]:
    return [f"drop type {name}" for name in _names(match["names"]) if name not in state.types]


def _drop_indexes(match: re.Match[str], state: _Window) -> list[str]:
    return [
        f"drop unique index {name}"
        for name in _names(match["names"])
        if name not in state.indexes and _is_unique_key(name, state)
    ]


def _drop_schema(match: re.Match[str], state: _Window) -> list[str]:
    return [f"drop schema {name}" for name in _names(match["names"])]


def _rename_type(match: re.Match[str], state: _Window) -> list[str]:
    name = _name(match["name"])
    if name in state.types:
        return []
    return [f"rename value of type {name}" if match["value"] else f"rename type {name}"]


def _rename_index(match: re.Match[str], state: _Window) -> list[str]:
    name = _name(match["name"])
    if name in state.indexes or not _is_unique_key(name, state):
        return []
    return [f"rename index {name}"]


def _alter_table(match: re.Match[str], state: _Window) -> list[str]:
    table = _name(match["table"])
    if table in state.tables:
        return []
    return [
        subject
        for action in _top_level_parts(match["actions"])
        if (subject := _judge_action(table, action, state))
    ]


_DROP_CONSTRAINT = re.compile(rf"DROP CONSTRAINT (?:IF EXISTS )?(?P<name>{_NAME})", re.I)
_DROP_COLUMN = re.compile(rf"DROP (?:COLUMN )?(?:IF EXISTS )?(?P<name>{_NAME})", re.I)
_RENAME = re.compile(rf"RENAME (?:(?P<kind>COLUMN|CONSTRAINT) )?(?P<name>{_NAME}) TO ", re.I)
_ALTER_COLUMN = re.compile(
    rf"ALTER (?:COLUMN )?(?P<name>{_NAME}) "
    r"(?P<change>(?:SET DATA )?TYPE|SET NOT NULL|DROP DEFAULT)\b",
    re.I,
)
_ADD_COLUMN = re.compile(
    rf"ADD (?:COLUMN )?(?:IF NOT EXISTS )?(?P<name>{_NAME}) (?P<rest>.*)", re.I
)
_TABLE_CONSTRAINT = re.compile(r"(CONSTRAINT|PRIMARY|UNIQUE|CHECK|FOREIGN|EXCLUDE)\b", re.I)


def _judge_action(table: str, action: str, state: _Window) -> str | None:
    if match := _DROP_CONSTRAINT.match(action):
        name = _name(match["name"])
        if name in state.constraints or not _is_unique_key(name, state):
            return None
        return f"drop unique constraint {table}.{name}"
    if match := _DROP_COLUMN.match(action):
        column = _name(match["name"])
        return None if f"{table}.{column}" in state.columns else f"drop column {table}.{column}"
    if action.upper().startswith("RENAME TO "):
        return f"rename table {table}"
    if match := _RENAME.match(action):
        name = _name(match["name"])
        if (match["kind"] or "").upper() == "CONSTRAINT":
            return None if name in state.constraints else f"rename constraint {table}.{name}"
        return None if f"{table}.{name}" in state.columns else f"rename column {table}.{name}"
    if match := _ALTER_COLUMN.match(action):
        column = _name(match["name"])
        if f"{table}.{column}" in state.columns:
            return None
        change = match["change"].upper()
        if change.endswith("TYPE"):
            return f"change type of {table}.{column}"
        if change == "SET NOT NULL":
            return f"set not null on {table}.{column}"
        return f"drop default of {table}.{column}"
    match = _ADD_COLUMN.match(action)
    if match and not _TABLE_CONSTRAINT.match(match["name"]) and _needs_a_value(match["rest"]):
        return f"add column {table}.{_name(match['name'])} not null without default"
    return None


def _needs_a_value(definition: str) -> bool:
    """Whether an INSERT that does not name the column fails: NOT NULL (or PRIMARY KEY) with
    nothing that fills it in."""
    upper = f" {definition.upper()} "
    required = " NOT NULL " in upper or " PRIMARY KEY " in upper
    filled = any(word in upper for word in (" DEFAULT ", " GENERATED ", "SERIAL ", " IDENTITY "))
    return required and not filled


def _is_unique_key(name: str, state: _Window) -> bool:
    """Unique unless known to be loose: a name the earlier SQL never showed counts as unique."""
    return name in state.unique_keys or name not in state.loose_keys


def _top_level_parts(text: str) -> list[str]:
    parts, depth, current = [], 0, []
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        if char == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    parts.append("".join(current).strip())
    return [part for part in parts if part]


_JUDGES = [
    (
        re.compile(r"DROP TABLE (?:IF EXISTS )?(?P<names>.+?)(?: CASCADE| RESTRICT)?$", re.I),
        _drop_tables,
    ),
    (
        re.compile(r"DROP TYPE (?:IF EXISTS )?(?P<names>.+?)(?: CASCADE| RESTRICT)?$", re.I),
        _drop_types,
    ),
    (
        re.compile(
            r"DROP INDEX (?:CONCURRENTLY )?(?:IF EXISTS )?(?P<names>.+?)(?: CASCADE| RESTRICT)?$",
            re.I,
        ),
        _drop_indexes,
    ),
    (
        re.compile(r"DROP SCHEMA (?:IF EXISTS )?(?P<names>.+?)(?: CASCADE| RESTRICT)?$", re.I),
        _drop_schema,
    ),
    (
        re.compile(rf"ALTER TYPE (?P<name>{_NAME}) RENAME (?P<value>VALUE )?", re.I),
        _rename_type,
    ),
    (re.compile(rf"ALTER INDEX (?:IF EXISTS )?(?P<name>{_NAME}) RENAME TO ", re.I), _rename_index),
    (
        re.compile(
            rf"ALTER TABLE (?:IF EXISTS )?(?:ONLY )?(?P<table>{_NAME}) (?P<actions>.+)$", re.I
        ),
        _alter_table,
    ),
]


# --- learning what exists --------------------------------------------------------------------

_CREATE_TABLE = re.compile(
    rf"CREATE (?:UNLOGGED )?TABLE (?:IF NOT EXISTS )?(?P<table>{_NAME}) ?(?P<body>\(.*)?$", re.I
)
_CREATE_TYPE = re.compile(rf"CREATE TYPE (?P<name>{_NAME})", re.I)
_CREATE_INDEX = re.compile(
    rf"CREATE (?P<unique>UNIQUE )?INDEX (?:CONCURRENTLY )?(?:IF NOT EXISTS )?(?P<name>{_NAME}) ON ",
    re.I,
)
_NAMED_CONSTRAINT = re.compile(
    rf"CONSTRAINT (?P<name>{_NAME}) (?P<kind>PRIMARY KEY|UNIQUE|EXCLUDE|CHECK|FOREIGN KEY)", re.I
)
_ALTER_TABLE_RENAME = re.compile(
    rf"ALTER TABLE (?:IF EXISTS )?(?:ONLY )?(?P<table>{_NAME}) RENAME TO (?P<new>{_NAME})", re.I
)
_ALTER_TABLE = re.compile(
    rf"ALTER TABLE (?:IF EXISTS )?(?:ONLY )?(?P<table>{_NAME}) (?P<actions>.+)$", re.I
)


def _learn_keys(statement: str, state: _Window) -> None:
    if match := _CREATE_INDEX.match(statement):
        keys = state.unique_keys if match["unique"] else state.loose_keys
        keys.add(_name(match["name"]))
    for match in _NAMED_CONSTRAINT.finditer(statement):
        kind = match["kind"].upper()
        keys = state.loose_keys if kind in {"CHECK", "FOREIGN KEY"} else state.unique_keys
        keys.add(_name(match["name"]))


def _learn_created(statement: str, state: _Window) -> None:
    if match := _CREATE_TABLE.match(statement):
        table = _name(match["table"])
        state.tables.add(table)
        body = (match["body"] or "()")[1:].rsplit(")", 1)[0]
        for part in _top_level_parts(body):
            if not _TABLE_CONSTRAINT.match(part):
                state.columns.add(f"{table}.{_name(part.split()[0])}")
    elif match := _CREATE_TYPE.match(statement):
        state.types.add(_name(match["name"]))
    elif match := _CREATE_INDEX.match(statement):
        state.indexes.add(_name(match["name"]))
    elif match := _ALTER_TABLE_RENAME.match(statement):
        if _name(match["table"]) in state.tables:
            state.tables.add(_name(match["new"]))
    elif match := _ALTER_TABLE.match(statement):
        table = _name(match["table"])
        for action in _top_level_parts(match["actions"]):
            added = _ADD_COLUMN.match(action)
            if added and not _TABLE_CONSTRAINT.match(added["name"]):
                state.columns.add(f"{table}.{_name(added['name'])}")
    for match in _NAMED_CONSTRAINT.finditer(statement):
        state.constraints.add(_name(match["name"]))


def _shorten(statement: str, limit: int = 120) -> str:
    return statement if len(statement) <= limit else statement[: limit - 1] + "…"

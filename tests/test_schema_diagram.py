"""The generated ER diagram: current, well-formed Mermaid, and true to the metadata."""

import re
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from agency_models import metadata
from agency_models.migrations import diagram

ENTITY = re.compile(r"    (?P<name>\S+) \{")
ATTRIBUTE = re.compile(
    r"        (?P<type>\S+) (?P<name>\S+)(?: (?P<keys>(?:PK|FK|UK)(?:, (?:PK|FK|UK))*))?"
    r'(?: "(?P<comment>[^"]+)")?'
)
RELATIONSHIP = re.compile(
    r"    (?P<parent>\S+) (?P<parent_end>\|\||\|o)(?:\.\.|--)(?P<child_end>o\{|o\|) "
    r'(?P<child>\S+) : "(?P<label>[^"]+)"'
)
STANDALONE = re.compile(r"    (?P<name>\S+)")


def mermaid_block(document: str) -> list[str]:
    blocks = re.findall(r"```mermaid\n(.*?)```", document, flags=re.DOTALL)
    assert len(blocks) == 1
    lines = blocks[0].splitlines()
    assert lines[0] == "erDiagram"
    return lines[1:]


def parse(lines: list[str]) -> tuple[dict[str, list[re.Match[str]]], list[re.Match[str]]]:
    """Entities with their attributes, and relationships; fails on any other line."""
    entities: dict[str, list[re.Match[str]]] = {}
    relationships = []
    current = None
    for line in lines:
        if current is not None:
            if line == "    }":
                current = None
            else:
                attribute = ATTRIBUTE.fullmatch(line)
                assert attribute, f"not an attribute: {line!r}"
                entities[current].append(attribute)
        elif entity := ENTITY.fullmatch(line):
            current = entity["name"]
            entities[current] = []
        elif relationship := RELATIONSHIP.fullmatch(line):
            relationships.append(relationship)
        else:
            standalone = STANDALONE.fullmatch(line)
            assert standalone, f"not Mermaid erDiagram syntax: {line!r}"
            entities[standalone["name"]] = []
    assert current is None, "an entity block is not closed"
    return entities, relationships


def words_of(entities, relationships) -> list[str]:
    names = list(entities)
    names += [match[key] for match in relationships for key in ("parent", "child")]
    names += [
        match[key] for matches in entities.values() for match in matches for key in ("type", "name")
    ]
    return names


def test_docs_and_readme_show_the_current_diagram():
    stale = diagram.stale()
    assert not stale, f"stale: {[str(path) for path in stale]}; run `{diagram.WRITE_COMMAND}`"
    assert diagram.WRITE_COMMAND in diagram.SCHEMA_DOCUMENT.read_text()


def test_the_diagram_is_well_formed_and_shows_every_table():
    entities, relationships = parse(mermaid_block(diagram.SCHEMA_DOCUMENT.read_text()))

    assert set(entities) == set(metadata.tables)
    for name, attributes in entities.items():
        assert [match["name"] for match in attributes] == list(metadata.tables[name].columns.keys())
    assert {match[key] for match in relationships for key in ("parent", "child")} <= set(entities)
    assert all(diagram.MERMAID_WORD.fullmatch(word) for word in words_of(entities, relationships))


def test_the_readme_shows_every_table_and_foreign_key():
    readme = diagram.README.read_text()
    assert readme.count(diagram.README_START) == readme.count(diagram.README_END) == 1
    section = readme.split(diagram.README_START)[1].split(diagram.README_END)[0]
    entities, relationships = parse(mermaid_block(section))
    _, full = parse(mermaid_block(diagram.SCHEMA_DOCUMENT.read_text()))

    assert [match.group(0) for match in relationships] == [match.group(0) for match in full]
    shown = set(entities) | {match[key] for match in relationships for key in ("parent", "child")}
    assert shown == set(metadata.tables)


def test_one_relationship_per_foreign_key_a_tenant_key_included():
    _, relationships = parse(mermaid_block(diagram.SCHEMA_DOCUMENT.read_text()))
    foreign_keys = [
        fk for table in metadata.tables.values() for fk in table.foreign_key_constraints
    ]

    assert len(relationships) == len(foreign_keys)
    sequences = {
        (m["parent"], m["label"]) for m in relationships if m["child"] == "campaign_sequences"
    }
    assert sequences == {("clients", "client_id"), ("campaigns", "campaign_id")}


def test_cardinality_follows_nullability_and_uniqueness():
    _, relationships = parse(mermaid_block(diagram.SCHEMA_DOCUMENT.read_text()))
    ends = {
        (m["parent"], m["child"], m["label"]): (m["parent_end"], m["child_end"])
        for m in relationships
    }

    assert ends["campaigns", "leads", "campaign_id"] == ("||", "o{")
    assert ends["lead_pool", "leads", "lead_pool_id"] == ("|o", "o{")
    assert ends["clients", "client_linkedin_credentials", "client_id"] == ("||", "o|")
    assert ends["users", "campaigns", "created_by"] == ("|o", "o{")


def test_columns_show_their_postgres_types_and_keys():
    entities, _ = parse(mermaid_block(diagram.SCHEMA_DOCUMENT.read_text()))
    leads = {match["name"]: match for match in entities["leads"]}

    assert (leads["id"]["type"], leads["id"]["keys"]) == ("uuid", "PK")
    assert (leads["campaign_id"]["type"], leads["campaign_id"]["keys"]) == ("uuid", "FK")
    assert leads["status"]["type"] == "lead_status"
    assert leads["created_at"]["type"] == "timestamptz"
    assert leads["deep_research_data"]["type"] == "jsonb"
    assert leads["sdk_signals"]["type"] == "text[]"
    assert (leads["deal_value"]["type"], leads["deal_value"]["comment"]) == (
        "numeric",
        "numeric(12,2); nullable",
    )
    domains = {match["name"]: match for match in entities["domain_suppression"]}
    assert domains["domain"]["keys"] == "UK"


@pytest.mark.parametrize(
    ("type_", "shown"),
    [
        (sa.String(32), ("varchar(32)", None)),
        (sa.Uuid(), ("uuid", None)),
        (sa.Numeric(5, 4), ("numeric", "numeric(5,4)")),
        (sa.Numeric(), ("numeric", None)),
        (sa.Double(), ("float8", None)),
        (sa.Time(), ("time", None)),
        (postgresql.ARRAY(sa.Enum("a", name="channel_type")), ("channel_type[]", None)),
    ],
)
def test_postgres_type_names(type_, shown):
    assert diagram.postgres_type(type_) == shown


def test_a_stale_file_is_named_with_the_command(monkeypatch, tmp_path: Path, capsys):
    monkeypatch.setattr(diagram, "SCHEMA_DOCUMENT", tmp_path / "schema.md")
    monkeypatch.setattr(diagram, "README", tmp_path / "README.md")
    shutil.copy(Path(diagram.REPOSITORY, "README.md"), tmp_path / "README.md")
    (tmp_path / "schema.md").write_text(diagram.schema_document().replace("uuid id PK", "uuid id"))

    assert diagram.main([]) == 1
    assert f"schema.md is stale: run `{diagram.WRITE_COMMAND}`" in capsys.readouterr().err

    assert diagram.main(["--write"]) == 0
    assert diagram.stale() == []

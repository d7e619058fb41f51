"""The ``agency-models`` command: ``agency-models db upgrade|downgrade|current|check|head`` and
``agency-models schema export [--out DIR]``."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from alembic.util import CommandError
from sqlalchemy.exc import DBAPIError

from agency_models import migrations
from agency_models.exceptions import AgencyModelsError, SchemaDriftError


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="agency-models", description=__doc__)
    groups = parser.add_subparsers(dest="group", required=True)
    db = groups.add_parser("db", help="migrate or inspect the database schema")
    db.add_argument(
        "--url",
        help="database URL (default: DATABASE_DIRECT_URL, else DATABASE_URL)",
    )
    commands = db.add_subparsers(dest="command", required=True)
    up = commands.add_parser("upgrade", help="migrate up (default: to head)")
    up.add_argument("revision", nargs="?", default="head")
    down = commands.add_parser("downgrade", help="migrate down to REVISION ('base': everything)")
    down.add_argument("revision")
    commands.add_parser("current", help="print the revision the database is at")
    commands.add_parser("check", help="exit 1 if the database differs from the models")
    commands.add_parser("head", help="print the newest revision this package ships")
    schema = groups.add_parser("schema", help="the JSON Schema of every schema")
    schema_commands = schema.add_subparsers(dest="command", required=True)
    export = schema_commands.add_parser(
        "export", help="write one JSON Schema file per schema, and one combined document"
    )
    export.add_argument("--out", type=Path, default=Path("schemas"), help="default: ./schemas")
    args = parser.parse_args(argv)
    if args.group == "schema":
        from agency_models.json_schema import export as export_json_schemas

        written = export_json_schemas(args.out)
        print(f"wrote {len(written)} JSON Schema files to {args.out}")
        return 0
    logging.basicConfig(format="%(message)s")
    logging.getLogger("alembic.runtime.migration").setLevel(logging.INFO)

    try:
        if args.command == "upgrade":
            migrations.upgrade(args.url, args.revision)
        elif args.command == "downgrade":
            migrations.downgrade(args.url, args.revision)
        elif args.command == "current":
            print(migrations.current(args.url) or "(empty database)")
        elif args.command == "check":
            migrations.check(args.url)
            print("no drift: the database matches the models")
        elif args.command == "head":
            print(migrations.head())
    except SchemaDriftError as error:
        print(f"agency-models: schema drift: {error}", file=sys.stderr)
        return 1
    except (AgencyModelsError, CommandError) as error:
        print(f"agency-models: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"agency-models: cannot reach the database: {error}", file=sys.stderr)
        return 2
    except DBAPIError as error:
        if error.connection_invalidated or not error.statement:
            print(f"agency-models: cannot use the database: {error.orig}", file=sys.stderr)
            return 2
        raise
    return 0


if __name__ == "__main__":
    sys.exit(main())

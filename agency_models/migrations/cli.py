"""The agency-models command: migrate and inspect the database (db), export the JSON Schemas
(schema)."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from alembic.util import CommandError
from sqlalchemy.exc import DBAPIError

from agency_models import __version__, migrations
from agency_models.db.config import DATABASE_DIRECT_URL, DATABASE_URL, database_url
from agency_models.exceptions import AgencyModelsError, SchemaDriftError, UnknownRevisionError
from agency_models.migrations import offline, status

OK = 0
NOT_THERE_YET = 1
UNUSABLE = 2
AHEAD = 3

EXIT_CODES = f"""\
exit codes:
  {OK}  done: the database is as asked (at head, no drift, nothing pending)
  {NOT_THERE_YET}  not there yet: schema drift (check), revisions pending (pending), timed out
     (wait), downgrade not confirmed
  {UNUSABLE}  unusable database or configuration: unreachable, no DATABASE_URL, a migration
     that failed, a downgrade asked for without a terminal and without --yes
  {AHEAD}  the database is ahead: migrated by a newer release than this package (check,
     pending, upgrade, downgrade, stamp)
"""

URL_HELP = "database URL (default: DATABASE_DIRECT_URL, else DATABASE_URL)"

DB_DESCRIPTION = """\
Migrate or inspect the database with the revisions this package ships.

  agency-models db upgrade                 migrate to head, timing each revision
  agency-models db upgrade --sql 003:004   print the SQL instead (no database needed)
  agency-models db pending                 exit 1 while revisions are not applied
  agency-models db wait --timeout 300      block until a deploy brought it to head
  agency-models db check                   exit 1 if the database differs from the models

--url goes before or after the command: db --url URL upgrade, db upgrade --url URL."""

Command = Callable[[argparse.Namespace], int]


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.group == "schema":
        from agency_models.json_schema import export as export_json_schemas

        written = export_json_schemas(args.out)
        print(f"wrote {len(written)} JSON Schema files to {args.out}")
        return OK
    if args.command in {"upgrade", "downgrade", "stamp"}:
        logging.basicConfig(format="%(message)s")
        logging.getLogger("alembic.runtime.migration").setLevel(logging.INFO)

    run: Command = args.run
    try:
        return run(args)
    except UnknownRevisionError as error:
        _complain(str(error))
        return AHEAD
    except (AgencyModelsError, CommandError) as error:
        _complain(str(error))
        return UNUSABLE
    except OSError as error:
        _complain(f"cannot reach the database: {error}")
        return UNUSABLE
    except DBAPIError as error:
        if error.connection_invalidated or not error.statement:
            _complain(f"cannot use the database: {error.orig}")
            return UNUSABLE
        raise


def _parser() -> argparse.ArgumentParser:
    def parser_of(
        adder: Callable[..., argparse.ArgumentParser], name: str, **kwargs: Any
    ) -> argparse.ArgumentParser:
        return adder(
            name, epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter, **kwargs
        )

    parser = argparse.ArgumentParser(
        prog="agency-models",
        description=__doc__,
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"agency-models {__version__}")
    groups = parser.add_subparsers(dest="group", required=True)

    db = parser_of(
        groups.add_parser, "db", help="migrate or inspect the database", description=DB_DESCRIPTION
    )
    db.add_argument("--url", help=URL_HELP)
    url_after_command = argparse.ArgumentParser(add_help=False)
    url_after_command.add_argument("--url", default=argparse.SUPPRESS, help=URL_HELP)
    commands = db.add_subparsers(dest="command", required=True)

    def command(
        name: str, run: Command, summary: str, details: str = ""
    ) -> argparse.ArgumentParser:
        sub = parser_of(
            commands.add_parser,
            name,
            help=summary,
            description=f"{summary[0].upper()}{summary[1:]}.\n\n{details}".strip(),
            parents=[url_after_command],
        )
        sub.set_defaults(run=run)
        return sub

    up = command(
        "upgrade",
        _upgrade,
        "migrate up to REVISION (default: head), printing how long each revision took",
        "With --sql, print the SQL instead, without connecting to any database; REVISION may\n"
        "then be a range: 003:004 is the SQL of revision 004 alone.",
    )
    up.add_argument("revision", nargs="?", default="head")
    up.add_argument("--sql", action="store_true", help="print the SQL, touch no database")

    down = command(
        "downgrade",
        _downgrade,
        "migrate down to REVISION (base: remove everything)",
        "What the undone revisions created is dropped, data included, so it asks for\n"
        "confirmation; without a terminal it refuses unless --yes is given. With --sql it\n"
        "prints the SQL of a range instead (016:015), touching no database.",
    )
    down.add_argument("revision")
    down.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    down.add_argument("--sql", action="store_true", help="print the SQL, touch no database")

    stamp = command(
        "stamp",
        _stamp,
        "record REVISION as the database's without running any migration",
        "For a database whose schema was built or repaired by other means; base clears it.",
    )
    stamp.add_argument("revision")

    command("current", _current, "print the revision the database is at")
    command(
        "head", lambda args: _print(migrations.head()), "print the newest revision this package has"
    )
    command(
        "history",
        _history,
        "list every revision this package ships, oldest first, marking the head",
        "Needs no database. When one is configured (--url, DATABASE_DIRECT_URL or DATABASE_URL)\n"
        "it also marks the revision the database is at; if that database cannot be read, it\n"
        "says so on stderr and lists the revisions anyway.",
    )
    command(
        "pending",
        _pending,
        "list the revisions not applied yet, oldest first; exit 1 if there are any",
    )
    command(
        "check",
        _check,
        "compare the database with the models; exit 1 with one line per difference",
        "The database should be at head. Writes nothing and takes no lock.",
    )
    wait = command(
        "wait",
        _wait,
        "wait until the database is at this package's head; exit 1 on timeout",
        "For a service that starts after the deploy job migrating the database. A database\n"
        "that cannot be reached yet is polled again. One ahead of this package (migrated by a\n"
        "newer release, which keeps the previous one working) counts as ready.",
    )
    wait.add_argument("--timeout", type=float, default=60.0, help="seconds (default: 60)")
    wait.add_argument("--interval", type=float, default=1.0, help="seconds between polls")

    schema = groups.add_parser("schema", help="the JSON Schema of every schema")
    schema_commands = schema.add_subparsers(dest="command", required=True)
    export = schema_commands.add_parser(
        "export", help="write one JSON Schema file per schema, and one combined document"
    )
    export.add_argument("--out", type=Path, default=Path("schemas"), help="default: ./schemas")
    return parser


def _upgrade(args: argparse.Namespace) -> int:
    if args.sql:
        print(offline.sql(args.revision), end="")
        return OK
    report = _RevisionTimes()
    migrations.upgrade(args.url, args.revision, on_revision=report)
    return report.summary("upgraded", migrations.current(args.url))


def _downgrade(args: argparse.Namespace) -> int:
    if args.sql:
        print(offline.sql(args.revision, downgrade=True), end="")
        return OK
    if not args.yes:
        if not sys.stdin.isatty():
            _complain(
                "refusing to downgrade without confirmation: stdin is not a terminal. "
                "Pass --yes to downgrade anyway."
            )
            return UNUSABLE
        url = database_url(args.url, direct=True)
        at = migrations.current(args.url) or "nothing (empty)"
        print(
            f"Downgrade database {url.database} on {url.host}:{url.port or 5432} from {at} to "
            f"{args.revision}? What those revisions created is dropped, data included. [y/N] ",
            end="",
            file=sys.stderr,
            flush=True,
        )
        if sys.stdin.readline().strip().lower() not in {"y", "yes"}:
            _complain("not downgraded")
            return NOT_THERE_YET
    report = _RevisionTimes()
    migrations.downgrade(args.url, args.revision, on_revision=report)
    return report.summary("undid", migrations.current(args.url))


def _stamp(args: argparse.Namespace) -> int:
    migrations.stamp(args.url, args.revision)
    print(f"the database is recorded at {migrations.current(args.url) or 'nothing (empty)'}")
    return OK


def _current(args: argparse.Namespace) -> int:
    return _print(migrations.current(args.url) or "(empty database)")


def _history(args: argparse.Namespace) -> int:
    at = _database_revision(args.url)
    revisions = status.history()
    head = revisions[-1].revision
    width = max(len(revision.message) for revision in revisions)
    for revision in revisions:
        marks = [
            mark for mark, here in (("head", head), ("database", at)) if here == revision.revision
        ]
        line = f"{revision.revision}  {revision.message:<{width}}"
        print(f"{line}  <- {', '.join(marks)}" if marks else line.rstrip())
    if at is not None and at not in {revision.revision for revision in revisions}:
        _complain(f"the database is at revision {at}, which this package does not know: ahead")
    return OK


def _database_revision(url: str | None) -> str | None:
    """The database's revision when one is configured and readable, else None (said on stderr
    when a configured one cannot be read)."""
    if url is None and not any(
        os.environ.get(name) for name in (DATABASE_DIRECT_URL, DATABASE_URL)
    ):
        return None
    try:
        return migrations.current(url)
    except (AgencyModelsError, OSError, DBAPIError) as error:
        _complain(f"cannot read the database's revision ({error}); listing without it")
        return None


def _pending(args: argparse.Namespace) -> int:
    missing = status.pending(args.url)
    if not missing:
        print(f"nothing pending: the database is at head {migrations.head()}")
        return OK
    for revision in missing:
        print(f"{revision.revision}  {revision.message}")
    _complain(f"{len(missing)} revision{'s' if len(missing) > 1 else ''} pending")
    return NOT_THERE_YET


def _check(args: argparse.Namespace) -> int:
    try:
        migrations.check(args.url)
    except SchemaDriftError as error:
        for difference in error.differences:
            print(" ".join(difference.split()))
        count = len(error.differences)
        _complain(f"schema drift: {count} difference{'s' if count > 1 else ''}")
        return NOT_THERE_YET
    print("no drift: the database matches the models")
    return OK


def _wait(args: argparse.Namespace) -> int:
    result = status.wait_for_head(args.url, timeout=args.timeout, interval=args.interval)
    if result.at_head:
        print(f"ready after {result.waited:.1f} s: {result.state}")
        return OK
    _complain(
        f"gave up after {result.waited:.1f} s waiting for head {migrations.head()}: "
        f"the database is {result.state}"
    )
    return NOT_THERE_YET


class _RevisionTimes:
    """Prints each revision with the seconds it took, as it is applied or undone."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.count = 0
        self.width = max(len(revision.name) for revision in status.history())

    def __call__(self, name: str, seconds: float) -> None:
        self.count += 1
        print(f"{name:<{self.width}}  {seconds:6.2f} s", flush=True)

    def summary(self, done: str, at: str | None) -> int:
        where = f"the database is at {at or 'nothing (empty)'}"
        if self.count == 0:
            print(f"nothing to do: {where}")
        else:
            plural = "s" if self.count > 1 else ""
            elapsed = time.monotonic() - self.started
            print(f"{done} {self.count} revision{plural} in {elapsed:.2f} s: {where}")
        return OK


def _print(text: str) -> int:
    print(text)
    return OK


def _complain(message: str) -> None:
    print(f"agency-models: {message}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())

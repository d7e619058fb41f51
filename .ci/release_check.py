"""The release rules CI enforces on the commit HEAD (README, "Releases and compatible schema
changes").

    .venv/bin/python .ci/release_check.py                    # exit 1 naming each broken rule
    .venv/bin/python .ci/release_check.py previous-release   # "<commit> <version>", or nothing

A released version is one with a dated heading ``## [X.Y.Z] - YYYY-MM-DD`` in HEAD's
``CHANGELOG.md``; its release commit is the oldest commit of HEAD's first-parent history whose
``__version__`` is that version. The previous release is the newest release commit whose
version differs from HEAD's. Everything but the expand/contract step needs only git and the
stdlib; that step reads each new revision's offline SQL through the package.
"""

from __future__ import annotations

import argparse
import ast
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import expand_contract
import release_changelog
from release_versions import InvalidVersionError, Version

VERSION_FILE = "agency_models/__init__.py"
CHANGELOG = "CHANGELOG.md"
REVISIONS = "alembic/versions"
PACKAGE_PATHS = ("agency_models", "factories", "alembic", "pyproject.toml")
"""What ships (or decides what ships): a change here needs a changelog entry."""
_VERSION_LINE = re.compile(r'^__version__ = ["\'](?P<version>[^"\']+)["\']\s*$', re.M)


@dataclass(frozen=True)
class Release:
    version: Version
    commit: str


class Repository:
    """The git history the rules read, from HEAD down its first parents."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.head = self.git("rev-parse", "HEAD").strip()
        self.history = self.git("rev-list", "--first-parent", "HEAD").split()
        self._versions = self._read_versions()

    def git(self, *args: str, input_text: str | None = None) -> str:
        return subprocess.run(
            ["git", "-C", str(self.root), *args],
            check=True,
            capture_output=True,
            text=True,
            input=input_text,
        ).stdout

    def show(self, commit: str, path: str) -> str | None:
        result = subprocess.run(
            ["git", "-C", str(self.root), "show", f"{commit}:{path}"],
            capture_output=True,
            text=True,
            check=False,
        )
        return result.stdout if result.returncode == 0 else None

    def version_text(self, commit: str) -> str | None:
        return self._versions.get(commit)

    def _read_versions(self) -> dict[str, str | None]:
        """Each first-parent commit's ``__version__`` (one ``git cat-file --batch`` for all)."""
        requests = "".join(f"{commit}:{VERSION_FILE}\n" for commit in self.history)
        output = subprocess.run(
            ["git", "-C", str(self.root), "cat-file", "--batch"],
            input=requests.encode(),
            capture_output=True,
            check=True,
        ).stdout
        versions: dict[str, str | None] = {}
        position = 0
        for commit in self.history:
            header_end = output.index(b"\n", position)
            header = output[position:header_end].split()
            position = header_end + 1
            if header[-1] == b"missing":
                versions[commit] = None
                continue
            size = int(header[2])
            content = output[position : position + size].decode()
            position += size + 1
            match = _VERSION_LINE.search(content)
            versions[commit] = match["version"] if match else None
        return versions

    def package_changed(self, since: str) -> bool:
        """Whether what ships differs between ``since`` and HEAD, the version line aside."""
        changed = self.git("diff", "--name-only", since, "HEAD", "--", *PACKAGE_PATHS).split()
        if changed != [VERSION_FILE]:
            return bool(changed)
        before, now = self.show(since, VERSION_FILE) or "", self.show("HEAD", VERSION_FILE) or ""
        return _VERSION_LINE.sub("", before) != _VERSION_LINE.sub("", now)


@dataclass
class State:
    """What the rules are checked against: HEAD's version and changelog, and the releases."""

    repository: Repository
    version: Version
    changelog: release_changelog.Changelog
    releases: list[Release]
    """Newest first."""

    @property
    def head_is_release(self) -> bool:
        return any(
            release.commit == self.repository.head and release.version == self.version
            for release in self.releases
        )

    @property
    def previous_release(self) -> Release | None:
        return next((r for r in self.releases if r.version != self.version), None)


def read_state(root: Path) -> tuple[State | None, list[str]]:
    repository = Repository(root)
    if repository.git("rev-parse", "--is-shallow-repository").strip() == "true":
        return None, [
            "the clone is shallow, so the releases in its history cannot be found: fetch the "
            "whole history (git fetch --unshallow; in CI, a checkout with fetch-depth 0)"
        ]
    problems = []
    text = repository.show("HEAD", CHANGELOG)
    if text is None:
        problems.append(f"{CHANGELOG} is missing")
    log = release_changelog.parse(text or "## [Unreleased]\n")
    problems.extend(log.problems)
    version_text = repository.version_text(repository.head)
    if version_text is None:
        return None, [*problems, f"{VERSION_FILE} has no __version__ = '...' line"]
    try:
        version = Version.parse(version_text)
    except InvalidVersionError as error:
        return None, [*problems, f"{VERSION_FILE}: {error}"]
    return State(repository, version, log, _releases(repository, log)), problems


def _releases(repository: Repository, log: release_changelog.Changelog) -> list[Release]:
    release_commits: dict[Version, str] = {}
    for commit in repository.history:  # newest first: the last one seen is the oldest
        text = repository.version_text(commit)
        try:
            version = Version.parse(text) if text else None
        except InvalidVersionError:
            continue
        if version in log.releases:
            release_commits[version] = commit
    order = {commit: index for index, commit in enumerate(repository.history)}
    releases = [Release(version, commit) for version, commit in release_commits.items()]
    return sorted(releases, key=lambda release: order[release.commit])


def version_problems(state: State) -> list[str]:
    version, log, problems = state.version, state.changelog, []
    if not version.is_development and version not in log.releases:
        problems.append(
            f"__version__ is {version}, a release, but {CHANGELOG} has no "
            f"'## [{version}] - YYYY-MM-DD' heading: date the release, or use a development "
            f"version ({version}.dev0 is before {version})"
        )
    newer = [released for released in log.releases if released > version]
    if newer:
        problems.append(
            f"__version__ {version} is older than {', '.join(map(str, newer))}, already released: "
            "versions never go backwards"
        )
    parents = state.repository.history[1:2]
    parent_text = state.repository.version_text(parents[0]) if parents else None
    try:
        parent = Version.parse(parent_text) if parent_text else None
    except InvalidVersionError:
        parent = None
    if parent is not None and version < parent:
        problems.append(f"__version__ went backwards: {parent} in the parent commit, now {version}")
    return problems


def changelog_problems(state: State) -> list[str]:
    repository, version = state.repository, state.version
    if state.head_is_release:
        if state.changelog.has_unreleased_entries:
            return [
                f"HEAD releases {version}, but '## [Unreleased]' still has entries: move them "
                f"under '## [{version}] - …'"
            ]
        return []
    own_release = next((r for r in state.releases if r.version == version), None)
    if own_release and repository.package_changed(own_release.commit):
        return [
            f"the package changed after {version} was released (commit "
            f"{own_release.commit[:12]}), but __version__ still says {version}: set the next "
            "development version and describe the change under '## [Unreleased]'"
        ]
    newest = state.releases[0] if state.releases else None
    changed = newest is None or repository.package_changed(newest.commit)
    if changed and not state.changelog.has_unreleased_entries:
        since = (
            f"since {newest.version} (commit {newest.commit[:12]})"
            if newest
            else "(no release yet)"
        )
        return [
            f"the package ({', '.join(PACKAGE_PATHS)}) changed {since} but '## [Unreleased]' "
            f"in {CHANGELOG} is empty: say what changed for the services that use it"
        ]
    return []


def revision_chain(files: dict[str, str]) -> list[str]:
    """Revision ids of Alembic revision files (name -> source), oldest first."""
    parents: dict[str, str | None] = {}
    for source in files.values():
        assignments = _assignments(source)
        if "revision" in assignments:
            parents[str(assignments["revision"])] = assignments.get("down_revision")
    children = {parent: child for child, parent in parents.items()}
    chain, current = [], children.get(None)
    while current is not None:
        chain.append(current)
        current = children.get(current)
    return chain


def _assignments(source: str) -> dict[str, str | None]:
    values: dict[str, str | None] = {}
    for node in ast.parse(source).body:
        target = node.target if isinstance(node, ast.AnnAssign) else None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
        value = node.value if isinstance(node, ast.Assign | ast.AnnAssign) else None
        if isinstance(target, ast.Name) and isinstance(value, ast.Constant):
            values[target.id] = value.value
    return values


def revisions_at(repository: Repository, commit: str) -> list[str]:
    names = repository.git("ls-tree", "--name-only", f"{commit}:{REVISIONS}").split()
    files = {
        name: repository.show(commit, f"{REVISIONS}/{name}") or ""
        for name in names
        if name.endswith(".py")
    }
    return revision_chain(files)


def revision_files(root: Path) -> dict[str, Path]:
    """The checkout's revision files by revision id."""
    files = {}
    for path in sorted((root / REVISIONS).glob("*.py")):
        revision = _assignments(path.read_text()).get("revision")
        if revision:
            files[str(revision)] = path
    return files


def expand_contract_problems(
    state: State, root: Path, sql_of: Callable[[str], str]
) -> tuple[list[str], list[str]]:
    """Problems, and notes to print, of the revisions added since the previous release."""
    previous = state.previous_release
    if previous is None:
        return [], ["no previous release: expand/contract check skipped"]
    files = revision_files(root)
    current = revision_chain({str(path): path.read_text() for path in files.values()})
    released = set(revisions_at(state.repository, previous.commit))
    window = [revision for revision in current if revision not in released]
    before = [sql_of(revision) for revision in current if revision in released]
    findings = expand_contract.breaking_changes({r: sql_of(r) for r in window}, before)
    problems, notes, open_findings = [], [], []
    for revision in window:
        accepted = expand_contract.accepted_subjects(files[revision])
        found = {finding.subject for finding in findings if finding.revision == revision}
        for subject, reason in accepted.items():
            if subject not in found:
                problems.append(
                    f"{revision}: 'compat: {subject}' accepts nothing this revision does"
                )
            elif not reason:
                problems.append(f"{revision}: 'compat: {subject}:' needs a reason")
            else:
                notes.append(f"{revision}: {subject} accepted: {reason}")
        open_findings += [
            f for f in findings if f.revision == revision and f.subject not in accepted
        ]
    against = f"{previous.version} (commit {previous.commit[:12]})"
    notes.insert(0, f"expand/contract: {len(window)} revision(s) since {against}")
    if open_findings and state.version.major > previous.version.major:
        notes += [f"breaking, allowed in a major release: {finding}" for finding in open_findings]
    elif open_findings:
        problems += [
            f"revision {finding} breaks services still on {previous.version}"
            for finding in open_findings
        ]
        problems.append(
            "expand/contract: ship a removal or rename in two releases (stop using it, then "
            "drop it); a revision the previous release survives says why in its docstring "
            "('compat: <subject>: <reason>'); otherwise the release is a major one "
            f"({previous.version.major + 1}.0.0)"
        )
    return problems, notes


def _package_sql() -> Callable[[str], str]:
    from agency_models.migrations.offline import revision_sql

    return revision_sql


def check(root: Path, sql_of: Callable[[str], str] | None = None) -> tuple[list[str], list[str]]:
    """All rules: (problems, notes)."""
    state, problems = read_state(root)
    if state is None:
        return problems, []
    problems += version_problems(state) + changelog_problems(state)
    schema_problems, notes = expand_contract_problems(state, root, sql_of or _package_sql())
    kind = "a release commit" if state.head_is_release else "not a release commit"
    notes.insert(0, f"HEAD {state.repository.head[:12]}: version {state.version}, {kind}")
    return problems + schema_problems, notes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "command", nargs="?", default="check", choices=["check", "previous-release"]
    )
    parser.add_argument("--repo", type=Path, default=Path(__file__).resolve().parent.parent)
    arguments = parser.parse_args(argv)
    if arguments.command == "previous-release":
        state, problems = read_state(arguments.repo)
        if state is None:
            print("\n".join(problems), file=sys.stderr)
            return 1
        if state.previous_release:
            print(state.previous_release.commit, state.previous_release.version)
        return 0
    problems, notes = check(arguments.repo)
    for note in notes:
        print(f"release rules: {note}")
    for problem in problems:
        print(f"release rules: FAILED: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

"""``CHANGELOG.md`` in Keep a Changelog 1.1.0 form: ``## [Unreleased]`` on top (a release
commit may leave it out), then one ``## [X.Y.Z] - YYYY-MM-DD`` heading per release, newest
first."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from release_versions import InvalidVersionError, Version

_HEADING = re.compile(r"^## (?P<title>.*?)\s*$")
_RELEASE = re.compile(r"^\[(?P<version>[^\]]+)\] - (?P<date>\d{4}-\d{2}-\d{2})$")


@dataclass
class Changelog:
    unreleased: list[str] = field(default_factory=list)
    """The entry lines under ``## [Unreleased]`` (sub-headings and blank lines left out)."""
    releases: dict[Version, date] = field(default_factory=dict)
    """Released version -> release date, in the file's order."""
    problems: list[str] = field(default_factory=list)

    @property
    def has_unreleased_entries(self) -> bool:
        return bool(self.unreleased)


def parse(text: str) -> Changelog:
    changelog = Changelog()
    headings: list[str] = []
    section: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        heading = _HEADING.match(line)
        if heading:
            section = _read_heading(heading["title"], number, changelog)
            headings.append(section)
        elif section == "unreleased" and _is_entry(line):
            changelog.unreleased.append(line.strip())
    if "unreleased" in headings and headings[0] != "unreleased":
        changelog.problems.append("CHANGELOG.md: '## [Unreleased]' must be the first '## ' heading")
    if headings.count("unreleased") > 1:
        changelog.problems.append("CHANGELOG.md: more than one '## [Unreleased]' section")
    versions = list(changelog.releases)
    if versions != sorted(versions, reverse=True):
        changelog.problems.append("CHANGELOG.md: releases must be listed newest first")
    return changelog


def _read_heading(title: str, number: int, changelog: Changelog) -> str:
    if title == "[Unreleased]":
        return "unreleased"
    release = _RELEASE.match(title)
    where = f"CHANGELOG.md line {number}"
    if not release:
        changelog.problems.append(
            f"{where}: '## {title}' is neither '## [Unreleased]' nor '## [X.Y.Z] - YYYY-MM-DD'"
        )
        return "other"
    try:
        version = Version.parse(release["version"])
        released_on = date.fromisoformat(release["date"])
    except (InvalidVersionError, ValueError) as error:
        changelog.problems.append(f"{where}: {error}")
        return "other"
    if version.is_development:
        changelog.problems.append(f"{where}: a development version ({version}) is never released")
    if version in changelog.releases:
        changelog.problems.append(f"{where}: {version} is listed twice")
    changelog.releases[version] = released_on
    return f"release {version}"


def _is_entry(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith(("#", "<!--"))

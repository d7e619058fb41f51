"""What the distributions carry: the sdist, every tracked file (the tests read docs/, .ci/,
the SQL snapshots and the squawk configuration, so the suite passes from an unpacked sdist);
the wheel, its metadata and the extra that the error for a missing test server names."""

from __future__ import annotations

import subprocess
import sys
import tarfile
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

from agency_models.exceptions import ConfigurationError
from factories import testdb
from tests.packaging import REPO, build


def _tracked_files() -> list[str]:
    listed = subprocess.run(
        ["git", "-C", str(REPO), "ls-files", "-z"], capture_output=True, text=True, check=False
    )
    if listed.returncode != 0:
        pytest.skip("not a git checkout (an unpacked sdist): nothing to compare with")
    return [name for name in listed.stdout.split("\0") if name]


def _metadata(wheel: Path) -> tuple[list[tuple[str, str]], str]:
    with zipfile.ZipFile(wheel) as archive:
        (metadata,) = [name for name in archive.namelist() if name.endswith(".dist-info/METADATA")]
        entry_points = metadata.replace("METADATA", "entry_points.txt")
        fields = Parser().parsestr(archive.read(metadata).decode(), headersonly=True)
        return list(fields.items()), archive.read(entry_points).decode()


@pytest.mark.slow
def test_the_sdist_holds_every_tracked_file_and_no_caches(tmp_path):
    tracked = _tracked_files()
    sdist = build("sdist", tmp_path)
    with tarfile.open(sdist) as archive:
        members = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}

    assert sorted(set(tracked) - members) == []
    assert not [name for name in members if "__pycache__" in name or name.startswith(".venv")]


@pytest.mark.slow
def test_the_wheel_declares_its_pytest_plugin_urls_license_and_classifiers(wheel):
    fields, entry_points = _metadata(wheel)

    assert "[pytest11]\nfactories.pytest_plugin = factories.pytest_plugin" in entry_points
    urls = {value.split(",")[0] for name, value in fields if name == "Project-URL"}
    assert urls >= {"Homepage", "Repository", "Changelog", "Issues"}
    classifiers = {value for name, value in fields if name == "Classifier"}
    assert {"Framework :: Pytest", "Typing :: Typed", "Topic :: Database"} <= classifiers
    assert f"Programming Language :: Python :: 3.{sys.version_info.minor}" in classifiers
    assert ("License-Expression", "MIT") in fields
    assert not [value for value in classifiers if value.startswith("License ::")]  # PEP 639


@pytest.mark.slow
def test_the_missing_test_server_error_names_an_extra_that_brings_pgserver(wheel, monkeypatch):
    monkeypatch.setitem(sys.modules, "pgserver", None)
    with pytest.raises(ConfigurationError, match=r"agency-models\[(\w+)\]") as raised:
        testdb._embedded_server()
    extra = raised.value.args[0].split("agency-models[")[1].split("]")[0]

    fields, _ = _metadata(wheel)
    requirements = [value for name, value in fields if name == "Requires-Dist"]
    assert ("Provides-Extra", extra) in fields
    assert [r for r in requirements if r.startswith("pgserver") and f"extra == '{extra}'" in r]
    assert not [r for r in requirements if f"extra == '{extra}'" in r and "pgserver" not in r]

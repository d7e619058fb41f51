"""A service's suite on the package as released: the wheel installed with its ``factories``
extra into a virtualenv outside the checkout, the plugin found by its entry point, the
databases of two pytest-xdist workers cloned from one template and all dropped afterwards."""

from __future__ import annotations

import subprocess

import pytest

from factories.testdb import TEST_DATABASE_URL, libpq_dsn, server_url
from tests.packaging import (
    databases_starting_with,
    run_suite,
    service_checkout,
    unique_prefix,
    virtualenv,
)

BEFORE_THE_ENTRY_POINT = ("conftest.py", 'pytest_plugins = ["factories.pytest_plugin"]\n')
"""The line the README asked for before the plugin had an entry point; it must stay harmless."""


@pytest.mark.slow
def test_a_service_suite_runs_on_the_installed_wheel_with_two_xdist_workers(wheel, tmp_path):
    bin_dir = virtualenv(tmp_path / "venv", f"{wheel}[factories]", "pytest-xdist")
    plugin = subprocess.run(
        [str(bin_dir / "python"), "-c", "import factories.pytest_plugin as p; print(p.__file__)"],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    ).stdout
    assert plugin.startswith(str(tmp_path / "venv")), plugin
    service = service_checkout(tmp_path / "service", BEFORE_THE_ENTRY_POINT)
    prefix = unique_prefix()

    result = run_suite(
        bin_dir / "python",
        service,
        "-n",
        "2",
        "--agency-db-url",
        libpq_dsn(server_url()),
        "--agency-db-prefix",
        prefix,
        **{TEST_DATABASE_URL: "postgresql://nobody@127.0.0.1:1/nothing"},
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed" in result.stdout
    assert databases_starting_with(prefix) == []

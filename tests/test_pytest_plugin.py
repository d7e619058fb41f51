"""The pytest plugin as a service's suite meets it, loaded by its entry point: pytest-asyncio's
strict and auto modes and loop scopes, disabling it, a bad option. Each case runs
tests/downstream in a subprocess outside the checkout, with this virtualenv;
tests/test_downstream.py runs it from the built wheel on pytest-xdist workers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from factories.testdb import TEST_DATABASE_PREFIX
from tests.packaging import databases_starting_with, run_suite, service_checkout, unique_prefix


def _pytest(service: Path, *args: str, **environment: str) -> subprocess.CompletedProcess[str]:
    return run_suite(sys.executable, service, *args, **environment)


@pytest.mark.parametrize(
    "options",
    [
        ["-o", "asyncio_mode=auto", "-o", "asyncio_default_fixture_loop_scope=session"],
        ["-o", "asyncio_default_test_loop_scope=session"],
    ],
    ids=["auto-mode-session-fixture-loop-function-test-loop", "strict-mode-session-test-loop"],
)
def test_the_session_fixture_runs_in_the_tests_event_loop_whatever_its_scope(tmp_path, options):
    prefix = unique_prefix()

    result = _pytest(service_checkout(tmp_path), *options, **{TEST_DATABASE_PREFIX: prefix})

    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed" in result.stdout
    assert databases_starting_with(prefix) == []


def test_the_plugin_is_disabled_by_its_entry_point_name(tmp_path):
    result = _pytest(service_checkout(tmp_path), "-p", "no:factories.pytest_plugin")

    assert result.returncode == 1
    assert "fixture 'agency_session' not found" in result.stdout


def test_a_prefix_postgresql_cannot_take_is_a_usage_error(tmp_path):
    result = _pytest(service_checkout(tmp_path), "--agency-db-prefix", "Not-A-Name")

    assert result.returncode == pytest.ExitCode.USAGE_ERROR
    assert "agency-models: test database prefix 'Not-A-Name'" in result.stderr


WORKER_KILLED = (
    "test_killed.py",
    "import os\n\nimport pytest\n\n\n"
    "@pytest.mark.asyncio\nasync def test_the_worker_dies(agency_session):\n    os._exit(1)\n",
)


def test_the_databases_of_a_killed_xdist_worker_are_dropped_at_the_end(tmp_path):
    prefix = unique_prefix()

    result = _pytest(
        service_checkout(tmp_path, WORKER_KILLED), "-n", "2", **{TEST_DATABASE_PREFIX: prefix}
    )

    assert "worker 'gw" in result.stdout + result.stderr, result.stdout + result.stderr
    assert "3 passed" in result.stdout
    assert databases_starting_with(prefix) == []

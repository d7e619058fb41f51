"""The compatibility suite's setup: the previous release's package, an engine on the database
``.ci/compat.py`` migrated with the newer head. Run only by that gate, never collected with the
package's own tests (it must import the installed previous release, not this checkout)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

import agency_models
from agency_models.db import create_engine

DATABASE = "AGENCY_MODELS_COMPAT_URL"
RELEASE = "AGENCY_MODELS_COMPAT_RELEASE"


def pytest_report_header() -> str:
    return f"agency-models {agency_models.__version__} from {Path(agency_models.__file__).parent}"


@pytest.fixture(scope="session")
def release() -> str:
    return os.environ[RELEASE]


@pytest_asyncio.fixture(scope="session")
async def engine() -> AsyncIterator[AsyncEngine]:
    engine = create_engine(os.environ[DATABASE], poolclass=sa.NullPool)
    yield engine
    await engine.dispose()

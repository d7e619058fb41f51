"""polyfactory factories for every table and Create schema of agency-models.

``create_async`` persists through the session bound with :func:`bind_factories` (the
``agency_session`` fixture of ``factories.pytest_plugin`` binds it for each test).
"""

from factories.base import AgencyFactory, SessionPersistence, bind_factories, unique_email

__all__ = ["AgencyFactory", "SessionPersistence", "bind_factories", "unique_email"]

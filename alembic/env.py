from logging.config import fileConfig

from alembic import context

from agency_models.migrations.environment import run

if context.config.config_file_name is not None:
    fileConfig(context.config.config_file_name, disable_existing_loggers=False)

run(context)

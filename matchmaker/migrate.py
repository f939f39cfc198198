"""Schema changes through Alembic only: upgrade, downgrade, current revision."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig

MIGRATIONS = Path(__file__).resolve().parent / "migrations"

#: What only a PostgreSQL database has (revisions 0008, 0011, 0012: partial, INCLUDE, trigram and
#: bigram indexes, the generated column of two-character pieces): not in the models, so that
#: comparing the models with a PostgreSQL database does not propose dropping them.
POSTGRESQL_ONLY_INDEXES = {"ix_demand_published_order", "ix_capability_listed_order", "ix_capability_listed_region",
                           "ix_enterprise_size", "ix_search_entry_title_trgm", "ix_search_entry_body_trgm",
                           "ix_search_entry_recent", "ix_search_entry_bigrams"}
POSTGRESQL_ONLY_COLUMNS = {("search_entry", "bigrams")}


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic's filter when comparing the models with a database: leaves out :data:`POSTGRESQL_ONLY_INDEXES`
    and :data:`POSTGRESQL_ONLY_COLUMNS` found in the database and absent from the models."""
    if not reflected or compare_to is not None:
        return True
    if type_ == "index":
        return name not in POSTGRESQL_ONLY_INDEXES
    if type_ == "column":
        return (obj.table.name, name) not in POSTGRESQL_ONLY_COLUMNS
    return True


def alembic_config(url: str) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    # ConfigParser interpolation would choke on '%' in passwords.
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(url), revision)


def revision(url: str, message: str, autogenerate: bool = True) -> None:
    command.revision(alembic_config(url), message=message, autogenerate=autogenerate)

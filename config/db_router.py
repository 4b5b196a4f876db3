"""The database router of the read replica (core/replica.py says which reads may go there)."""

from django.db import DEFAULT_DB_ALIAS

from core import replica


class ReplicaRouter:
    """Reads of marked report views go to ``replica``; every write, and what follows it, to the primary."""

    def db_for_read(self, model, **hints):
        return replica.read_alias(model)

    def db_for_write(self, model, **hints):
        replica.pin_primary()
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The replica is a copy of the primary: rows read from either may be related.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica follows the primary's WAL; it is never migrated on its own.
        return db == DEFAULT_DB_ALIAS

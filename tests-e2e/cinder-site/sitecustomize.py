"""Loaded (through PYTHONPATH) by the suite's own cinder-api, -scheduler, -volume and
cinder-manage only: their shared sqlite database takes its write lock when a transaction begins.

oslo.db begins every sqlite transaction with a plain (deferred) BEGIN. When two Cinder processes
each read and then write, the second to write is refused at once with "database is locked": SQLite
cannot wait there without deadlocking, so the 30 s busy timeout does not apply. On 2 busy cores
that lost a volume's status update about one run in three. BEGIN IMMEDIATE takes the write lock up
front, where the busy timeout does apply: writers queue instead of failing. Production Cinder runs
on MySQL or PostgreSQL and never meets this.

The listener is installed when oslo.db's engine module is first imported (after the service has
applied eventlet's monkey-patching), so nothing is imported early.
"""

import importlib.abc
import importlib.machinery
import sys

_TARGET = "oslo_db.sqlalchemy.engines"


def _begin_immediate(conn):
    # Runs before oslo.db's own "begin" listener (class-level listeners come first), which then
    # sees the transaction open and emits nothing.
    if conn.dialect.name == "sqlite" and "in_transaction" not in conn.info:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
        conn.info["in_transaction"] = True


def _install():
    from sqlalchemy import event
    from sqlalchemy.engine import Engine
    event.listen(Engine, "begin", _begin_immediate)


class _AfterOsloDbEngines(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name != _TARGET:
            return None
        sys.meta_path.remove(self)
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return spec
        load = spec.loader.exec_module

        def exec_module(module):
            load(module)
            _install()
        spec.loader.exec_module = exec_module
        return spec


sys.meta_path.insert(0, _AfterOsloDbEngines())

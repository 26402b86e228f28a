"""A Cinder database and coordinator, as Cinder's own Pure driver needs them outside cinder-volume.

The upstream driver reads volume types and attachments from the database and takes its locks
through Cinder's coordinator: a SQLite database under a work directory, migrated with Cinder's own
migrations, and the file coordination backend.
"""

from oslo_config import cfg

_OVERRIDES = (("connection", "database"), ("state_path", None),
              ("lock_path", "oslo_concurrency"))


def start(workdir, migrate=True):
    """Points Cinder at workdir/cinder.db (migrated unless told not to) and starts the
    coordinator; returns an admin context."""
    from cinder import context
    from cinder import coordination
    from cinder.db import migration
    cfg.CONF.set_override("connection", "sqlite:///%s/cinder.db" % workdir,
                          group="database")
    cfg.CONF.set_override("state_path", workdir)
    cfg.CONF.set_override("lock_path", workdir, group="oslo_concurrency")
    if migrate:
        migration.db_sync()
    coordination.COORDINATOR.start()
    return context.get_admin_context()


def stop():
    """Stops the coordinator and forgets the database, so the next start() (another test package
    in the same pytest run, with its own work directory) gets a fresh engine on its own file:
    oslo.db's facade keeps the engine it first built, whatever the connection option says after."""
    from cinder import coordination
    from cinder.db import api as db_api
    coordination.COORDINATOR.stop()
    factory = db_api.main_context_manager._factory
    if factory._started:
        factory.dispose_pool()
        factory._started = False
    for name, group in _OVERRIDES:
        cfg.CONF.clear_override(name, group=group)

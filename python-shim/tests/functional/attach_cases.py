"""Connectors Cinder hands each driver class, and the connection-info keys os-brick reads back."""

from purebridge import driver

ISCSI_CONNECTOR = {"host": "compute-1", "ip": "10.0.0.9", "multipath": True,
                   "initiator": "iqn.1993-08.org.debian:01:func1"}
FC_CONNECTOR = {"host": "compute-1", "ip": "10.0.0.9",
                "wwpns": ["10000090fa0d6754", "10000090fa0d6755"],
                "wwnns": ["20000090fa0d6754", "20000090fa0d6755"]}
NVME_CONNECTOR = {"host": "compute-1", "ip": "10.0.0.9",
                  "nqn": "nqn.2014-08.org.nvmexpress:uuid:func-1",
                  "system uuid": "4c4c4544-0031-3410-8051-b4c04f4a4c32"}

# (driver class, connector, driver_volume_type, keys the connection info's data must hold)
ATTACH_CASES = [
    (driver.PureISCSIDriver, ISCSI_CONNECTOR, "iscsi",
     {"target_iqns", "target_portals", "target_luns", "target_discovered",
      "discard", "wwn"}),
    (driver.PureFCDriver, FC_CONNECTOR, "fibre_channel",
     {"target_wwn", "target_wwns", "target_lun", "target_luns",
      "initiator_target_map", "target_discovered", "discard", "wwn"}),
    (driver.PureNVMEDriver, NVME_CONNECTOR, "nvmeof",
     {"target_nqn", "portals", "volume_nguid", "discard"}),
]

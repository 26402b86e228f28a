"""Stats: the upstream keys, typed extras, filter/goodness functions."""

from purebridge import driver
from purebridge.v1 import volume_driver_pb2 as pb


def test_stats_have_upstream_keys(make_driver, server):
    drv = make_driver(driver.PureNVMEDriver, filter_function="1 == 1")
    server.service.answer("GetVolumeStats", pb.GetVolumeStatsResponse(
        stats=pb.VolumeStats(
            volume_backend_name="pure-sim", vendor_name="Pure Storage",
            driver_version="0.1.0", storage_protocol="NVMe-RoCE",
            total_capacity_gb=1024.0, free_capacity_gb=1000.5,
            provisioned_capacity_gb=30.0, reserved_percentage=10,
            max_over_subscription_ratio=3.5, thin_provisioning_support=True,
            multiattach=True, total_volumes=3, total_snapshots=1,
            total_hosts=2, total_pgroups=1, replication_enabled=True,
            replication_type=["async", "sync"], replication_count=2,
            replication_targets=["pure-sync", "pure-dr"],
            data_reduction_ratio=4.2,
            extra={"QoS_support": "true", "queue_depth": "0",
                   "usec_per_read_op": "12.5",
                   "replication_capability": "trisync"})))

    stats = drv.get_volume_stats(refresh=True)

    assert server.service.requests("GetVolumeStats")[0].backend_name == \
        drv.configuration.config_group
    assert stats["volume_backend_name"] == "pure-sim"
    assert stats["vendor_name"] == "Pure Storage"
    assert stats["storage_protocol"] == "NVMe-RoCE"
    assert (stats["total_capacity_gb"], stats["free_capacity_gb"],
            stats["provisioned_capacity_gb"]) == (1024.0, 1000.5, 30.0)
    assert stats["max_over_subscription_ratio"] == 3.5
    assert stats["replication_enabled"] is True
    assert stats["replication_type"] == ["async", "sync"]
    assert stats["replication_targets"] == ["pure-sync", "pure-dr"]
    assert stats["QoS_support"] is True
    assert stats["queue_depth"] == 0
    assert stats["usec_per_read_op"] == 12.5
    assert stats["replication_capability"] == "trisync"
    assert stats["filter_function"] == "1 == 1"
    assert "goodness_function" in stats


def test_stats_are_cached_until_refresh(make_driver, server):
    drv = make_driver(driver.PureISCSIDriver)

    drv.get_volume_stats(refresh=True)
    drv.get_volume_stats()
    drv.get_volume_stats(refresh=True)

    assert server.service.rpcs().count("GetVolumeStats") == 2


def test_backend_name_falls_back_to_config(make_driver, server):
    drv = make_driver(driver.PureISCSIDriver, volume_backend_name="pb-x")

    assert drv.get_volume_stats(refresh=True)["volume_backend_name"] == "pb-x"


def test_performance_keys_reach_cinder_as_numbers(make_driver, server):
    # The keys upstream adds for filter and goodness functions; the service
    # sends them as decimal strings in VolumeStats.extra.
    perf = {"writes_per_sec": "120", "reads_per_sec": "80",
            "input_per_sec": "3932160", "output_per_sec": "327680",
            "usec_per_read_op": "95", "usec_per_write_op": "410",
            "queue_depth": "1", "queue_usec_per_mirrored_write_op": "0",
            "queue_usec_per_read_op": "3", "queue_usec_per_write_op": "12"}
    drv = make_driver(driver.PureISCSIDriver,
                      goodness_function="100 - capabilities.queue_depth")
    server.service.answer("GetVolumeStats", pb.GetVolumeStatsResponse(
        stats=pb.VolumeStats(volume_backend_name="pure-sim", extra=perf)))

    stats = drv.get_volume_stats(refresh=True)

    assert {k: stats[k] for k in perf} == {k: int(v) for k, v in perf.items()}
    assert all(type(stats[k]) is int for k in perf)

"""GET /arrays/performance: upstream's stats call with py-pure-client, after
real I/O through the service's data path (ArrayAdminService WriteData and
ReadData, which serve the same simulated array as the REST front end).

The simulator reports complete seconds only, so each check waits for the
second of the I/O to end first.
"""

import time

import grpc
import pytest

from purebridge import client as pb_client
from purebridge.v1 import array_admin_pb2 as admin_pb
from purebridge.v1 import array_admin_pb2_grpc as admin_grpc
from tests.conformance.conftest import ARRAY
from tests.conformance.test_py_pure_client import create_volume
from tests.conformance.test_py_pure_client import error
from tests.conformance.test_py_pure_client import ok

pytestmark = pytest.mark.conformance

ONE_HOUR = 3600 * 1000
THIRTY_SEC = 30 * 1000
CHUNK = 32 * 1024
# What upstream's _update_volume_stats reads from items[0].
UPSTREAM_FIELDS = ("writes_per_sec", "reads_per_sec", "write_bytes_per_sec",
                   "read_bytes_per_sec", "usec_per_read_op",
                   "usec_per_write_op", "queue_depth",
                   "queue_usec_per_mirrored_write_op",
                   "queue_usec_per_read_op", "queue_usec_per_write_op")


@pytest.fixture
def admin(service):
    channel = grpc.insecure_channel(pb_client.channel_target(service.endpoint))
    access = admin_pb.ArrayAccess(array=ARRAY, api_token=service.tokens[ARRAY])
    yield admin_grpc.ArrayAdminServiceStub(channel), access
    channel.close()


def _write(admin, volume, chunks):
    stub, access = admin

    def requests():
        yield admin_pb.WriteDataRequest(header=admin_pb.WriteDataHeader(
            access=access, volume=volume, offset_bytes=0))
        for i in range(chunks):
            yield admin_pb.WriteDataRequest(data=bytes([i + 1]) * CHUNK)
    stub.WriteData(requests(), timeout=60)


def _read(admin, volume, length):
    stub, access = admin
    got = sum(len(r.data) for r in stub.ReadData(admin_pb.ReadDataRequest(
        access=access, object=volume, length_bytes=length), timeout=60))
    assert got == length


def _next_second():
    time.sleep(1.0 - time.time() % 1.0 + 0.05)


def _totals(client, start_ms):
    """Bytes and operations served since start_ms: the 1-second rates are
    exactly the counts of each second."""
    items = ok(client.get_arrays_performance(
        start_time=start_ms, end_time=int(time.time() * 1000),
        resolution=1000))
    return (sum(i.write_bytes_per_sec for i in items),
            sum(i.read_bytes_per_sec for i in items),
            sum(i.writes_per_sec for i in items),
            sum(i.reads_per_sec for i in items))


def test_upstream_stats_call_sees_the_io_served(client, admin):
    volume = create_volume(client)
    _next_second()
    start_ms = int(time.time() * 1000) - 1
    _write(admin, volume, 8)
    _read(admin, volume, 4 * CHUNK)
    _next_second()

    # Exactly upstream's call.
    now = int(time.time()) * 1000
    perf = client.get_arrays_performance(
        end_time=now, start_time=now - ONE_HOUR, resolution=THIRTY_SEC,
        total_item_count=True)

    items = ok(perf)
    assert perf.total_item_count == len(items) >= 1
    for field in UPSTREAM_FIELDS:
        assert getattr(items[0], field) >= 0, field
    assert [i.time for i in items] == sorted(i.time for i in items)
    assert all(i.time % THIRTY_SEC == 0 for i in items)
    assert any(i.write_bytes_per_sec > 0 for i in items)
    assert any(i.usec_per_write_op > 0 for i in items)

    written, read, writes, reads = _totals(client, start_ms)
    assert written == 8 * CHUNK
    assert read == 4 * CHUNK
    assert writes >= 1 and reads >= 1


def test_latest_sample_without_a_window(client, admin):
    volume = create_volume(client)
    _next_second()
    _write(admin, volume, 2)
    _next_second()

    items = ok(client.get_arrays_performance())

    # The latest complete second (the default resolution is 1000 ms).
    assert len(items) == 1
    assert items[0].write_bytes_per_sec == 2 * CHUNK
    assert items[0].writes_per_sec >= 1
    assert items[0].usec_per_write_op > 0


def test_bad_parameters_are_400_naming_the_parameter(client):
    now = int(time.time()) * 1000
    error(client.get_arrays_performance(resolution=60000), 400, "resolution")
    error(client.get_arrays_performance(start_time=now, end_time=now - 1000),
          400, "end_time")


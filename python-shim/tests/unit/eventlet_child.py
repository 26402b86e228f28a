"""Child process for test_eventlet: patched exactly as cinder-volume is, then one slow call.

Prints the number of ticks another green thread managed while the call was in flight, the
runner blocking calls go through, and any grpcio primitive still green after the calls.
"""

from cinder import monkey_patch
monkey_patch.patch()

import sys  # noqa: E402

import eventlet  # noqa: E402
from oslo_config import cfg  # noqa: E402

from cinder import objects  # noqa: E402

objects.register_all()
cfg.CONF([], project="cinder", default_config_files=[])

from purebridge import call_runner  # noqa: E402
from purebridge import driver  # noqa: E402
from purebridge import native_grpc  # noqa: E402
from tests import cinder_objects as objs  # noqa: E402
from tests import conftest as shared  # noqa: E402


def main(endpoint, san_ip="sim://pure-primary", token="x"):
    section = "puredriver-eventlet"
    drv = driver.PureISCSIDriver(configuration=shared.make_configuration(
        section), host="cinder-1@" + section)
    shared.override(section, purebridge_endpoint=endpoint,
                    purebridge_timeout=30.0, san_ip=san_ip,
                    pure_api_token=token)
    drv.do_setup(None)
    ticks = []

    def ticker():
        while True:
            ticks.append(1)
            eventlet.sleep(0.01)

    green = eventlet.spawn(ticker)
    eventlet.sleep(0)
    before = len(ticks)
    vol = objs.make_volume(size=1)
    update = drv.create_volume(vol)
    during = len(ticks) - before
    green.kill()
    vol.provider_id = update["provider_id"]
    drv.delete_volume(vol)
    print("ticks=%d provider_id=%s" % (during, update["provider_id"]))
    print("runner=%s green_in_grpc=%s" % (
        call_runner.default_runner().__name__,
        ",".join(native_grpc.green_primitives()) or "none"))


if __name__ == "__main__":
    main(*sys.argv[1:])

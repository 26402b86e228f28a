"""Throughput of concurrent create+delete loops, as cinder-volume runs a driver, in one run.

Each row is one child process patched exactly as cinder-volume is (cinder.monkey_patch), with N
green threads looping create_volume + delete_volume for --seconds against the same service and
the same simulated array pure-primary:

  purebridge sim    purebridge.driver.PureISCSIDriver, san_ip = sim://pure-primary
  purebridge rest   the same driver with san_ip on the array's REST 2.x front end (HTTPS,
                    certificate verified): the service speaks REST to it, as to a real array
  upstream rest     Cinder's own cinder.volume.drivers.pure.PureISCSIDriver on that front end
                    (certificate not verified: py-pure-client ignores the CA bundle)

and the ratios purebridge / upstream of operations per second at each thread count.

Usage: python bench/concurrency.py --jar driver-server/target/...-all.jar [--seconds 4]
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SHIM = os.path.join(HERE, "..", "python-shim")
sys.path.insert(0, SHIM)

from tests.service import Service  # noqa: E402

THREADS = (1, 2, 20, 64)


def run(service, driver, path, threads, seconds):
    rest = service.rest["pure-primary"]
    if path == "sim":
        target = ["--san-ip", "sim://pure-primary"]
    elif driver == "upstream":
        # py-pure-client ignores the CA bundle it is given (python-shim/README.md), so
        # upstream runs unverified; purebridge verifies, which only costs it.
        target = ["--san-ip", rest.san_ip]
    else:
        target = ["--san-ip", rest.san_ip, "--ca-bundle", rest.ca_bundle]
    out = subprocess.run(
        [sys.executable, "-W", "ignore", "-m", "tests.concurrency.workload",
         "--driver", driver, "--ops", "create-delete", "--endpoint",
         service.endpoint, "--token", service.tokens["pure-primary"],
         "--threads", str(threads), "--seconds", str(seconds)] + target,
        cwd=SHIM, capture_output=True, text=True, timeout=600)
    if out.returncode != 0:
        raise SystemExit("%s %s x%d failed:\n%s" % (driver, path, threads,
                                                    out.stderr[-3000:]))
    result = json.loads(out.stdout.strip().splitlines()[-1])
    if result["error_count"]:
        raise SystemExit("%s %s x%d: %d errors, e.g. %s" % (
            driver, path, threads, result["error_count"], result["errors"]))
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jar", required=True)
    parser.add_argument("--seconds", type=float, default=4.0)
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="pbb-")
    service = Service(os.path.abspath(args.jar), workdir).start()
    rows = {}
    try:
        for threads in THREADS:
            for driver, path in (("purebridge", "sim"), ("purebridge", "rest"),
                                 ("upstream", "rest")):
                result = run(service, driver, path, threads, args.seconds)
                rows[(driver, path, threads)] = result
                print("  %-10s %-4s %3d green threads: %7.1f ops/s "
                      "(hub's longest pause %.0f ms)" % (
                          driver, path, threads, result["ops_per_s"],
                          1000 * result["max_hub_gap_s"]), flush=True)
    finally:
        service.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    print("\nConcurrent create+delete, cinder-volume process shape "
          "(operations per second, %.0f s per row)" % args.seconds)
    print("threads  purebridge sim  purebridge rest  upstream rest  "
          "sim/upstream  rest/upstream")
    for threads in THREADS:
        sim = rows[("purebridge", "sim", threads)]["ops_per_s"]
        rest = rows[("purebridge", "rest", threads)]["ops_per_s"]
        upstream = rows[("upstream", "rest", threads)]["ops_per_s"]
        print("%7d  %14.1f  %15.1f  %13.1f  %12.2f  %13.2f" % (
            threads, sim, rest, upstream, sim / upstream, rest / upstream))


if __name__ == "__main__":
    main()

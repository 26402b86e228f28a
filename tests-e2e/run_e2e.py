#!/usr/bin/env python3
"""purebridge end to end: the real Cinder services, the DevStack plugin's config, the cinder CLI.

Starts RabbitMQ (a node of its own), the purebridge service with simulated arrays pure-primary,
pure-sync and pure-dr (started, like its config and Cinder's backend section, by the DevStack
plugin through devstack/tests/harness.sh), a Nova stand-in, and cinder-api (noauth),
cinder-scheduler and cinder-volume from the project's venv on sqlite. Then drives Cinder with
the cinder CLI through the steps below, checks the arrays through their REST front end, and stops
everything it started.

    run_e2e.py [--steps NAME,...] [--list] [--artifacts DIR] [--keep]

Setup steps and the final clean-up always run; --steps picks the scenario steps (default: all).
Each step is PASS or FAIL with its time; a failed step does not stop the ones after it (they may
fail in turn when they need what it should have made). The last line is "N passed, N failed".
Logs of every service are kept in --artifacts (default var/e2e-artifacts/) when a step fails.
"""

import argparse
import datetime
import os
import shutil
import signal
import sys
import tempfile
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import scenario  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", default="",
                        help="comma-separated scenario steps to run (default: all): %s"
                        % ", ".join(scenario.SCENARIO_STEPS))
    parser.add_argument("--list", action="store_true", help="list the steps and exit")
    parser.add_argument("--artifacts", default=os.path.join(REPO, "var", "e2e-artifacts"),
                        help="where the logs of a failed run are kept")
    parser.add_argument("--keep", action="store_true",
                        help="keep the work directory (logs, configs) even when all pass")
    parser.add_argument("--venv", default=os.path.join(REPO, ".venv"))
    parser.add_argument("--jar", default=os.environ.get("PUREBRIDGE_SERVER_JAR") or os.path.join(
        REPO, "driver-server", "target", "driver-server-0.1.0-SNAPSHOT-all.jar"))
    args = parser.parse_args()

    if args.list:
        for name in scenario.SETUP_STEPS + scenario.SCENARIO_STEPS + scenario.FINAL_STEPS:
            print("%-22s %s" % (name, scenario.describe(name)))
        return 0
    chosen = [s for s in args.steps.split(",") if s] or list(scenario.SCENARIO_STEPS)
    unknown = [s for s in chosen if s not in scenario.SCENARIO_STEPS]
    if unknown:
        parser.error("unknown step(s) %s; choose from %s"
                     % (", ".join(unknown), ", ".join(scenario.SCENARIO_STEPS)))
    if not os.path.isfile(args.jar):
        parser.error("no service jar at %s: run `make build`" % args.jar)

    # A SIGTERM (make interrupted, a CI timeout) ends the run through the teardown below.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    workdir = tempfile.mkdtemp(prefix="purebridge-e2e-")
    suite = scenario.Suite(REPO, workdir, args.venv, os.path.abspath(args.jar))
    plan = scenario.SETUP_STEPS + [s for s in scenario.SCENARIO_STEPS if s in chosen] + \
        scenario.FINAL_STEPS
    print("purebridge e2e: %d steps in %s" % (len(plan), workdir), flush=True)
    started = time.monotonic()
    results = []
    try:
        for name in plan:
            t0 = time.monotonic()
            try:
                note = suite.run_step(name)
                status = "PASS"
                detail = note or ""
            except Exception as exc:  # noqa: BLE001 - every failure is reported, not raised
                status = "FAIL"
                detail = str(exc) or type(exc).__name__
                with open(os.path.join(workdir, "tracebacks.log"), "a") as f:
                    f.write("== %s\n%s\n" % (name, traceback.format_exc()))
            seconds = time.monotonic() - t0
            results.append((name, status, seconds, detail))
            print("[%6.1fs] %s %-22s %5.1fs  %s" % (time.monotonic() - started, status, name,
                                                    seconds, detail.splitlines()[0][:200]
                                                    if detail else ""), flush=True)
            if status == "FAIL" and "\n" in detail:
                print("          " + detail.replace("\n", "\n          "), flush=True)
            if status == "FAIL" and name in scenario.FATAL_STEPS:
                print("          (the stack did not come up: the remaining steps are not run)",
                      flush=True)
                results.extend((n, "FAIL", 0.0, "not run: %s failed" % name)
                               for n in plan[len(results):])
                break
    finally:
        t0 = time.monotonic()
        suite.teardown()
        teardown_seconds = time.monotonic() - t0

    total = time.monotonic() - started
    passed = sum(1 for r in results if r[1] == "PASS")
    failed = len(results) - passed
    print("\nstep                    result    time")
    for name, status, seconds, _detail in results:
        print("%-22s  %-6s %6.1fs" % (name, status, seconds))
    print("%-22s  %-6s %6.1fs" % ("(teardown)", "", teardown_seconds))
    print("total %.1f s; %d cinder CLI calls taking %.1f s" % (
        total, suite.cinder.calls if suite.cinder else 0,
        suite.cinder.cli_seconds if suite.cinder else 0.0))
    if failed or args.keep:
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
        kept = os.path.join(args.artifacts, stamp)
        suite.save_artifacts(kept)
        print("logs and configs of this run: %s" % kept)
    shutil.rmtree(workdir, ignore_errors=True)
    print("e2e: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

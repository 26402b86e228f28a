"""The cinder CLI as an operator runs it against a noauth cinder-api, and API reads for waiting.

Every action goes through the `cinder` CLI (python-cinderclient in the project's venv). Waiting
for a status change reads the same API directly (one HTTP GET instead of a CLI start-up per
poll); the final state of every step is then shown and checked through the CLI.

The `openstack` CLI is not used: python-openstackclient 10 (openstacksdk 4) discovers the
block-storage API version with an unauthenticated GET, which a noauth cinder-api answers with
204, so every command fails with "Unable to find a version discovery document". It needs
Keystone; the cinder CLI has a noauth plugin.
"""

import json
import os
import subprocess
import time
import urllib.error
import urllib.request

from processes import wait_for

PROJECT = "0123456789abcdef0123456789abcdef"
MICROVERSION = "3.59"


class CliError(AssertionError):
    pass


class Result(object):
    def __init__(self, argv, rc, out, err, seconds):
        self.argv = argv
        self.rc = rc
        self.out = out
        self.err = err
        self.seconds = seconds

    def table(self):
        """A Property|Value table as a dict."""
        values = {}
        for cells in _rows(self.out):
            if len(cells) == 2 and cells[0] not in ("Property", "Field"):
                values[cells[0]] = cells[1]
        return values

    def rows(self):
        """A listing as dicts keyed by the header row."""
        rows = list(_rows(self.out))
        if not rows:
            return []
        header = rows[0]
        return [dict(zip(header, cells)) for cells in rows[1:]]


def _rows(text):
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("|") and line.endswith("|"):
            yield [cell.strip() for cell in line[1:-1].split("|")]


class Cinder(object):
    def __init__(self, bin_dir, api_port, transcript):
        self.bin_dir = bin_dir
        self.endpoint = "http://127.0.0.1:%d/v3" % api_port
        self.transcript = transcript
        self.calls = 0
        self.cli_seconds = 0.0
        self.env = dict(os.environ)
        for name in list(self.env):
            if name.startswith("OS_") or name.startswith("CINDER_"):
                del self.env[name]
        self.env.update(OS_AUTH_TYPE="noauth", OS_USER_ID="admin", OS_PROJECT_ID=PROJECT,
                        CINDER_ENDPOINT=self.endpoint, OS_VOLUME_API_VERSION=MICROVERSION,
                        PYTHONWARNINGS="ignore")

    # -- the CLI ----------------------------------------------------------------------------

    def run(self, *args, timeout=120):
        """Runs `cinder ARGS`; returns its Result whatever the exit status."""
        argv = [os.path.join(self.bin_dir, "cinder")] + [str(a) for a in args]
        started = time.monotonic()
        try:
            proc = subprocess.run(argv, env=self.env, capture_output=True, text=True,
                                  timeout=timeout, stdin=subprocess.DEVNULL)
            rc, out, err = proc.returncode, proc.stdout, proc.stderr
        except subprocess.TimeoutExpired as exc:
            rc, out, err = -1, exc.stdout or "", "timed out after %d s" % timeout
            out = out.decode() if isinstance(out, bytes) else out
        seconds = time.monotonic() - started
        self.calls += 1
        self.cli_seconds += seconds
        with open(self.transcript, "a") as f:
            f.write("$ cinder %s    # rc=%s, %.1f s\n%s%s\n" % (
                " ".join(argv[1:]), rc, seconds, out, err))
        return Result(argv, rc, out, err, seconds)

    def __call__(self, *args, timeout=120):
        """Runs `cinder ARGS` and fails the step unless it succeeds."""
        result = self.run(*args, timeout=timeout)
        if result.rc != 0:
            raise CliError("`cinder %s` failed (rc=%s): %s" % (
                " ".join(str(a) for a in args), result.rc,
                (result.err or result.out).strip()[-800:]))
        return result

    def spawn(self, *args):
        """Starts `cinder ARGS` without waiting (for concurrent requests)."""
        argv = [os.path.join(self.bin_dir, "cinder")] + [str(a) for a in args]
        self.calls += 1
        return subprocess.Popen(argv, env=self.env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)

    # -- API reads for waiting ---------------------------------------------------------------

    def get(self, path, timeout=30):
        request = urllib.request.Request(
            "%s/%s%s" % (self.endpoint, PROJECT, path),
            headers={"X-Auth-Token": "admin:%s" % PROJECT,
                     "OpenStack-API-Version": "volume %s" % MICROVERSION,
                     "Accept": "application/json"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read() or b"{}")

    def api_up(self):
        try:
            self.get("/types")
            return True
        except (OSError, urllib.error.URLError, ValueError):
            return False

    def volumes(self):
        """Every volume of the project by id (deleting ones included)."""
        return {v["id"]: v for v in self.get("/volumes/detail")["volumes"]}

    def snapshots(self):
        return {s["id"]: s for s in self.get("/snapshots/detail")["snapshots"]}

    def services(self):
        return self.get("/os-services")["services"]

    def volume_service(self, host):
        for service in self.services():
            if service["binary"] == "cinder-volume" and service["host"] == host:
                return service
        return None

    def wait_volumes(self, ids, statuses, timeout, what="volumes", field="status"):
        """Waits until every volume's field is in statuses; a volume in error fails at once
        unless error is wanted. Returns the volumes."""
        ids = list(ids)
        statuses = set(statuses)

        def settled():
            volumes = self.volumes()
            missing = [i for i in ids if i not in volumes]
            if missing and "deleted" not in statuses:
                raise AssertionError("%s: volume %s vanished" % (what, missing))
            if "deleted" in statuses:
                return all(i not in volumes for i in ids)
            broken = [v for i, v in volumes.items() if i in ids and
                      v["status"] in ("error", "error_extending", "error_restoring") and
                      v["status"] not in statuses]
            if broken:
                raise AssertionError("%s: %s" % (what, ", ".join(
                    "%s is %s" % (v["name"] or v["id"], v["status"]) for v in broken)))
            if all(volumes[i][field] in statuses for i in ids):
                return volumes
            return None
        try:
            return wait_for(what, settled, timeout, interval=0.3)
        except AssertionError as exc:
            try:
                volumes = self.volumes()
                states = ", ".join("%s=%s" % (volumes[i]["name"] or i, volumes[i][field])
                                   for i in ids if i in volumes)
            except Exception:  # noqa: BLE001 - the message only
                states = "unknown"
            raise AssertionError("%s (%s: %s)" % (exc, field, states)) from None

    def wait_snapshots(self, ids, statuses, timeout, what="snapshots"):
        ids = list(ids)

        def settled():
            snapshots = self.snapshots()
            if "deleted" in statuses:
                return all(i not in snapshots for i in ids)
            broken = [s for i, s in snapshots.items() if i in ids and
                      s["status"] == "error" and "error" not in statuses]
            if broken:
                raise AssertionError("%s: %s" % (what, ", ".join(
                    "%s is error" % (s["name"] or s["id"]) for s in broken)))
            return all(snapshots.get(i, {}).get("status") in statuses for i in ids) and snapshots
        return wait_for(what, settled, timeout, interval=0.3)

    def messages_for(self, resource_id):
        """The user messages Cinder recorded about a resource."""
        return [m for m in self.get("/messages")["messages"]
                if m.get("resource_uuid") == resource_id]

"""A stand-in for Nova (and the bit of Keystone that reaches it) for a noauth Cinder.

On attachment-delete, Cinder (2023.1 and later, bug #2004555) asks Nova whether the server still
uses the volume: with [nova] token_auth_url set it authenticates the caller's token there, finds
the compute endpoint in the returned catalog and GETs
/servers/SERVER/os-volume_attachments/VOLUME. A Nova that does not know the server answers 404,
and Cinder then deletes the attachment itself. This stand-in answers exactly that, and records
every request so the suite can check Cinder asked.
"""

import datetime
import json
import threading
from http import server


class NovaStandIn(object):
    def __init__(self, port):
        self.port = port
        self.base = "http://127.0.0.1:%d" % port
        self.auth_url = self.base + "/identity/v3"
        self.requests = []
        self._httpd = None

    def start(self):
        standin = self

        class Handler(server.BaseHTTPRequestHandler):
            def log_message(self, fmt, *args):
                pass

            def _reply(self, status, body, headers=()):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers:
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                standin.requests.append(("GET", self.path))
                if self.path.rstrip("/") == "/identity/v3":
                    self._reply(200, {"version": {
                        "id": "v3.14", "status": "stable",
                        "updated": "2020-04-07T00:00:00Z",
                        "links": [{"rel": "self", "href": standin.auth_url + "/"}],
                        "media-types": [{"base": "application/json",
                                         "type": "application/vnd.openstack.identity-v3+json"}],
                    }})
                    return
                self._reply(404, {"itemNotFound": {
                    "code": 404, "message": "Instance could not be found (stand-in Nova "
                                            "knows no servers)."}})

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                standin.requests.append(("POST", self.path))
                if self.path.rstrip("/") == "/identity/v3/auth/tokens":
                    now = datetime.datetime.now(datetime.timezone.utc)
                    stamp = "%Y-%m-%dT%H:%M:%S.000000Z"
                    self._reply(201, {"token": {
                        "methods": ["token"],
                        "issued_at": now.strftime(stamp),
                        "expires_at": (now + datetime.timedelta(hours=1)).strftime(stamp),
                        "user": {"id": "admin", "name": "admin",
                                 "domain": {"id": "default", "name": "Default"}},
                        "project": {"id": "e2e", "name": "e2e",
                                    "domain": {"id": "default", "name": "Default"}},
                        "roles": [{"id": "admin", "name": "admin"}],
                        "catalog": [{
                            "type": "compute", "name": "nova", "id": "nova",
                            "endpoints": [{"id": "nova-public", "interface": "public",
                                           "region": "RegionOne", "region_id": "RegionOne",
                                           "url": standin.base + "/compute/v2.1"}],
                        }],
                    }}, headers=[("X-Subject-Token", "stand-in-token")])
                    return
                self._reply(404, {"itemNotFound": {"code": 404, "message": "not found"}})

        self._httpd = server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, name="nova-standin",
                         daemon=True).start()
        return self

    def asked_about(self, server_id, volume_id):
        """Whether Cinder asked Nova about this server's use of this volume."""
        want = "/servers/%s/os-volume_attachments/%s" % (server_id, volume_id)
        return any(method == "GET" and path.endswith(want) for method, path in self.requests)

    def stop(self):
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()

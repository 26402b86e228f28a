"""The proof the purebridge service asks of every call, and TLS to reach it over TCP.

RegisterBackend answers with a session credential once the array accepted the backend's API
token. Every later call of the backend (VolumeDriverService and VolumeDataService, unary and
streaming) must carry it as the call metadata ``x-purebridge-credential``: the service refuses
calls without it (UNAUTHENTICATED) and calls for another backend (PERMISSION_DENIED). The
credential is a secret like pure_api_token: it is never logged or shown in repr().

A registration (including the automatic one after a service restart) replaces the credential;
calls already in flight finish with the one they started with.
"""

import grpc

HEADER = "x-purebridge-credential"


class SessionCredential(object):
    """Holds the current credential and attaches it to every call of a channel."""

    def __init__(self):
        # One immutable tuple, replaced whole: the interceptor reads it on tpool's native threads
        # while a green thread may be registering, and a lock here would be an eventlet lock
        # shared across native threads (the deadlock docs/ARCHITECTURE.md describes).
        self._metadata = ()

    def __repr__(self):
        return "SessionCredential(%s)" % ("set" if self._metadata else "unset")

    def update(self, response):
        """Keeps the credential of a RegisterBackend response (if it carries one)."""
        value = getattr(response, "session_credential", "") or ""
        if value:
            self._metadata = ((HEADER, value),)

    def metadata(self):
        return self._metadata

    def intercept(self, channel):
        """channel with the credential added to every call's metadata."""
        return grpc.intercept_channel(channel, _Attach(self))


class _Details(grpc.ClientCallDetails):
    def __init__(self, details, metadata):
        self.method = details.method
        self.timeout = details.timeout
        self.metadata = metadata
        self.credentials = details.credentials
        self.wait_for_ready = getattr(details, "wait_for_ready", None)
        self.compression = getattr(details, "compression", None)


class _Attach(grpc.UnaryUnaryClientInterceptor,
              grpc.UnaryStreamClientInterceptor,
              grpc.StreamUnaryClientInterceptor,
              grpc.StreamStreamClientInterceptor):
    def __init__(self, credential):
        self._credential = credential

    def _details(self, details):
        extra = self._credential.metadata()
        if not extra:
            return details
        metadata = [(k, v) for k, v in (details.metadata or ())
                    if k != HEADER]
        metadata.extend(extra)
        return _Details(details, metadata)

    def intercept_unary_unary(self, continuation, details, request):
        return continuation(self._details(details), request)

    def intercept_unary_stream(self, continuation, details, request):
        return continuation(self._details(details), request)

    def intercept_stream_unary(self, continuation, details, requests):
        return continuation(self._details(details), requests)

    def intercept_stream_stream(self, continuation, details, requests):
        return continuation(self._details(details), requests)


def tls_channel_factory(ca_file, cert_file=None, key_file=None,
                        options=()):
    """A channel factory for a TCP endpoint served with TLS.

    ca_file verifies the service's certificate; cert_file and key_file (both or neither) are
    this host's client certificate when the service asks for one.
    """
    if bool(cert_file) != bool(key_file):
        raise ValueError("purebridge_tls_cert_file and purebridge_tls_key_file "
                         "must be set together")
    root = _read(ca_file, "purebridge_tls_ca_file")
    chain = _read(cert_file, "purebridge_tls_cert_file") if cert_file else None
    key = _read(key_file, "purebridge_tls_key_file") if key_file else None
    creds = grpc.ssl_channel_credentials(root_certificates=root,
                                         private_key=key,
                                         certificate_chain=chain)

    def factory(target):
        if target.startswith("unix:"):
            raise ValueError("purebridge_tls_* options need a host:port "
                             "purebridge_endpoint, not %s" % target)
        return grpc.secure_channel(target, creds, options=options)
    return factory


def _read(path, option):
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as e:
        raise ValueError("%s: cannot read %s: %s" % (option, path, e.strerror)) from e

"""Schemathesis checks for the REST 2.x front end: how a FlashArray answers a caller it refuses.

Loaded by rest_fuzz.sh through SCHEMATHESIS_HOOKS. The stock not_a_server_error check only looks
at the status; this one also reads the body, because a 4xx that carries a Java stack trace or an
empty message is a defect too (the operator sees it through the vendor's client).
"""

import json

import schemathesis

# What only a leaked Java exception would put in a body: the front end's own messages never
# name a class, a package or a stack frame.
_LEAK_MARKERS = ("Exception", "\tat ", "io.purebridge.", "java.", "NullPointer")
# Of those, what no FlashArray object name can hold (names are letters, digits and '-'): a listing
# may show an object an earlier request named "Exception", which is no leak.
_LEAK_MARKERS_IN_LISTINGS = ("\tat ", "io.purebridge.", "java.")


@schemathesis.check
def answers_like_a_flasharray(ctx, response, case):
    """Every refusal is a FlashArray error envelope with a message, and nothing leaks."""
    text = response.text or ""
    # A message may echo the caller's own input back, so a marker the request carried is no leak.
    sent = repr((case.path_parameters, case.query, case.body, case.headers))
    markers = _LEAK_MARKERS if response.status_code >= 400 else _LEAK_MARKERS_IN_LISTINGS
    for marker in markers:
        if marker in text and marker not in sent:
            raise AssertionError("the body names %r (a leaked exception?): %s"
                                 % (marker, text[:300]))
    if response.status_code < 400:
        return None
    try:
        body = json.loads(text)
    except ValueError:
        raise AssertionError("HTTP %d without a JSON body: %r"
                             % (response.status_code, text[:300])) from None
    errors = body.get("errors") if isinstance(body, dict) else None
    if not errors or not all(isinstance(e, dict) and e.get("message") for e in errors):
        raise AssertionError("HTTP %d without an errors list of messages: %s"
                             % (response.status_code, text[:300]))
    return None

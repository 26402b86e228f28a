"""Many callers at once, as cinder-volume makes them: green threads under eventlet's patching,
or native threads without it, on sim:// and on the REST path. A single-call test once hid a
deadlock here (grpcio's locks turned green and shared by native threads)."""

import pytest

from tests.concurrency.conftest import run_child

pytestmark = [pytest.mark.functional, pytest.mark.timeout(300)]

SECONDS = 2.0
LIFECYCLE = ("create_volume", "create_snapshot", "initialize_connection",
             "terminate_connection", "delete_snapshot", "delete_volume")


def _target(service, path):
    if path == "sim":
        return ["--san-ip", "sim://pure-primary"]
    rest = service.rest["pure-primary"]
    return ["--san-ip", rest.san_ip, "--ca-bundle", rest.ca_bundle]


@pytest.mark.parametrize("shape", ["green", "native"])
@pytest.mark.parametrize("path", ["sim", "rest"])
@pytest.mark.parametrize("threads", [1, 2, 20, 64])
def test_every_operation_completes_and_the_hub_keeps_running(
        service, shape, path, threads):
    result = run_child(
        "tests.concurrency.workload", "--shape", shape,
        "--endpoint", service.endpoint, "--token",
        service.tokens["pure-primary"], "--threads", threads,
        "--seconds", SECONDS, *_target(service, path), timeout=150)

    assert result["error_count"] == 0, result["errors"]
    done = result["done"]
    # Every worker finished at least one whole loop, and no loop stopped half-way.
    assert set(done) == set(LIFECYCLE)
    assert len(set(done.values())) == 1, done
    assert done["delete_volume"] >= threads
    if shape == "green":
        # The hub ran every few ms throughout: no call ever blocked it.
        assert result["max_hub_gap_s"] < 0.5, result


def _results(result, callers):
    calls = result["results"]
    assert len(calls) == callers
    return calls


@pytest.mark.parametrize("shape", ["green", "native"])
def test_calls_without_an_answer_fail_at_the_deadline(hung_service, shape):
    result = run_child("tests.concurrency.deadline_child", hung_service, 64,
                       shape, timeout=60)

    calls = _results(result, 64)
    for call in calls:
        assert call["error"] and "purebridge_timeout" in call["error"], call
        # purebridge_timeout is 1 s; the runner's grace is 2 s at most.
        assert 0.9 <= call["seconds"] < 3.0, call
    if shape == "green":
        assert result["max_hub_gap_s"] < 0.5, result


def test_a_peer_that_never_speaks_fails_every_caller_in_time(silent_endpoint):
    result = run_child("tests.concurrency.deadline_child", silent_endpoint,
                       64, "green", timeout=60)

    for call in _results(result, 64):
        assert call["error"] and silent_endpoint in call["error"], call
        assert call["seconds"] < 3.0, call
    assert result["max_hub_gap_s"] < 0.5, result

"""The real purebridge service (tests/service.py) for the data_path tests."""

import pytest

from tests.service import running_service


@pytest.fixture(scope="module")
def data_service():
    with running_service("pbd-") as svc:
        yield svc

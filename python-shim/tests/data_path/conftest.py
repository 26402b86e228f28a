"""The real purebridge service (tests/service.py) for the data_path tests."""

import shutil
import tempfile

import pytest

from tests.service import jar_or_skip
from tests.service import Service


@pytest.fixture(scope="module")
def data_service():
    # A short path: unix socket paths are limited to 107 bytes.
    workdir = tempfile.mkdtemp(prefix="pbd-")
    svc = Service(jar_or_skip(), workdir).start()
    yield svc
    svc.stop()
    shutil.rmtree(workdir, ignore_errors=True)

# Python half of the build: the purebridge Cinder driver shim (python-shim/).
# Included by the top-level Makefile; every path is relative to the repository root.
#   make venv          create $(PY_VENV) with Cinder, grpcio and the test tools, shim installed -e
#   make python-stubs  generate purebridge/v1/*_pb2.py and *_pb2_grpc.py from proto/
#   make python-test   run the shim's unit and functional tests (functional ones start the jar)
#   make python-lint   ruff (ruff.toml) over the shim, its tests, the e2e and fuzz suites, benches, devstack

PY_VENV        ?= .venv
PYTHON3        ?= python3
PY             := $(PY_VENV)/bin/python
PY_SHIM        := python-shim
PY_PROTO_ROOT  := proto/src/main/proto
PY_PROTOS      := $(wildcard $(PY_PROTO_ROOT)/purebridge/v1/*.proto)
PY_STUBS       := $(patsubst $(PY_PROTO_ROOT)/%.proto,$(PY_SHIM)/%_pb2.py,$(PY_PROTOS)) \
                  $(patsubst $(PY_PROTO_ROOT)/%.proto,$(PY_SHIM)/%_pb2_grpc.py,$(PY_PROTOS))
PY_VENV_STAMP  := $(PY_VENV)/.purebridge-venv.stamp
SERVER_JAR     ?= driver-server/target/driver-server-0.1.0-SNAPSHOT-all.jar
PYTEST_ARGS    ?=

.PHONY: venv python-stubs python-test python-unit-test python-lint

venv: $(PY_VENV_STAMP)

# Rebuilt only when the requirements change; pip is idempotent on top of an existing venv.
$(PY_VENV_STAMP): $(PY_SHIM)/requirements-dev.txt $(PY_SHIM)/pyproject.toml
	test -x $(PY) || $(PYTHON3) -m venv $(PY_VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r $(PY_SHIM)/requirements-dev.txt
	$(PY) -m pip install -q -e $(PY_SHIM)
	touch $@

python-stubs: $(PY_STUBS)

$(PY_STUBS) &: $(PY_PROTOS) $(PY_VENV_STAMP)
	$(PY) -m grpc_tools.protoc -I $(PY_PROTO_ROOT) --python_out=$(PY_SHIM) \
		--grpc_python_out=$(PY_SHIM) $(PY_PROTOS)
	touch $(PY_STUBS)

# pytest exits 5 when it collects nothing: make treats that, like any failure, as an error.
python-test: python-stubs $(SERVER_JAR)
	PUREBRIDGE_SERVER_JAR=$(abspath $(SERVER_JAR)) $(PY) -m pytest -q $(PYTEST_ARGS) $(PY_SHIM)/tests

python-lint: $(PY_VENV_STAMP)
	$(PY_VENV)/bin/ruff check python-shim tests-e2e tests-fuzz bench devstack

python-unit-test: python-stubs
	$(PY) -m pytest -q $(PYTEST_ARGS) $(PY_SHIM)/tests/unit

# purebridge: two commands do all set-up on a fresh machine.
#   make run   builds and starts the service with three simulated arrays, prints cinder.conf lines
#   make test  builds everything, runs the Java and Python suites and the end-to-end suite with real
#              Cinder services (installs what they need, RabbitMQ included)
SHELL := /bin/bash
.DEFAULT_GOAL := help

MVN        ?= mvn -B -q
VERSION    := 0.1.0-SNAPSHOT
SERVER_JAR := driver-server/target/driver-server-$(VERSION)-all.jar
RUN_DIR    ?= $(CURDIR)/var/run-data
RUN_CONFIG ?= config-samples/purebridge-server.ini

include python.mk
include tests-e2e/e2e.mk

.PHONY: help build java-test test run bench bench-upstream fuzz-rest clean promtool

help:
	@echo "make run    - build and start the service with simulated arrays pure-primary, pure-sync, pure-dr"
	@echo "make test   - build and run every test (Java, the shim against a real service, end to end)"
	@echo "make e2e    - the DevStack plugin checks and the end-to-end suite with real Cinder services"
	@echo "make bench  - measure per-layer latency and throughput; prints ratios"
	@echo "make bench-upstream - purebridge (sim:// and REST) next to Cinder's own Pure driver; writes docs/benchmarks.md"
	@echo "make fuzz-rest - Schemathesis against the REST front end from the vendor's OpenAPI spec (FA_SPEC=...)"
	@echo "make clean  - remove build output, the virtualenv and run data"

# Java: proto stubs, engine, service, shaded jar. Unit tests run in java-test.
$(SERVER_JAR): $(shell find proto replication-engine driver-server -name '*.java' -o -name '*.proto' -o -name pom.xml 2>/dev/null) pom.xml
	$(MVN) package -DskipTests
	@touch $@

build: $(SERVER_JAR)

java-test: promtool
	$(MVN) verify

# promtool (Debian's prometheus package) loads and unit-tests the alert rules in
# config-samples/prometheus; without it MonitoringSamplesTest skips those checks.
promtool:
	@command -v promtool >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  { apt-get update -q >/dev/null; DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	    --no-install-recommends prometheus >/dev/null; }; } || \
	  echo "promtool is not installed: the alert rule checks will be skipped"

test: java-test venv python-stubs
	$(MAKE) --no-print-directory python-lint
	$(MAKE) --no-print-directory python-test
	$(MAKE) --no-print-directory e2e

run: build
	@bin/purebridge-run "$(SERVER_JAR)" "$(RUN_CONFIG)" "$(RUN_DIR)"

bench: build venv python-stubs
	PYTHONWARNINGS=ignore $(PY_VENV)/bin/python bench/shim_latency.py --jar "$(SERVER_JAR)"
	PYTHONWARNINGS=ignore $(PY_VENV)/bin/python bench/concurrency.py --jar "$(SERVER_JAR)"
	MVN="$(MVN)" bench/java-bench.sh
	PYTHONWARNINGS=ignore $(PY_VENV)/bin/python bench/failover_bench.py --jar "$(SERVER_JAR)"
	$(MAKE) --no-print-directory bench-upstream

# Same arrays, one run, 3 rounds: per-op p50/p99, HTTPS requests per op, setup, stats, async creates.
# The default keeps it to a few minutes; docs/benchmarks.md section 5 says how its table was made
# (the full size: BENCH_UPSTREAM_ARGS="--rounds 3 --count 100 --async-volumes 1000").
BENCH_UPSTREAM_ARGS ?= --rounds 3 --count 50 --async-volumes 100
bench-upstream: build venv python-stubs
	PYTHONWARNINGS=ignore $(PY_VENV)/bin/python bench/upstream_bench.py --jar "$(SERVER_JAR)" \
		$(BENCH_UPSTREAM_ARGS) --doc docs/benchmarks.md

# The vendor's OpenAPI spec is not shipped: tests-fuzz/README.md says where to get it.
FA_SPEC ?= var/FA2.36.spec.yaml
FUZZ_EXAMPLES ?= 50
fuzz-rest: build
	tests-fuzz/rest_fuzz.sh "$(SERVER_JAR)" "$(FA_SPEC)" "$(FUZZ_EXAMPLES)"

clean:
	$(MVN) clean || true
	rm -rf $(PY_VENV) var

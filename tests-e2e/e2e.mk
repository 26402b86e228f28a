# End-to-end half of the build: real Cinder services, the DevStack plugin and its linters.
# Included by the top-level Makefile; every path is relative to the repository root.
#   make e2e             devstack-check, then tests-e2e/run_e2e.py: RabbitMQ, the purebridge service
#                        started by the DevStack plugin, cinder-api/-scheduler/-volume, the cinder CLI
#                        E2E_STEPS=lifecycle,failover picks scenario steps (setup and clean-up always
#                        run); E2E_ARGS=--keep keeps the logs of a passing run too
#   make devstack-check  shellcheck and bashate on devstack/ and the samples' script (shellcheck on
#                        bin/purebridge-run and tests-fuzz/ too), the plugin's
#                        harness tests, the cinder.conf samples read as cinder-volume reads them
#   make e2e-deps        Debian's rabbitmq-server and shellcheck, when missing (apt-get, as root)

E2E_STEPS     ?=
E2E_ARGS      ?=
DEVSTACK_SH   := devstack/plugin.sh devstack/settings devstack/override-defaults \
                 devstack/lib/purebridge devstack/tests/harness.sh devstack/tests/test_plugin.sh \
                 config-samples/create-volume-types.sh

.PHONY: e2e e2e-deps devstack-check

e2e-deps:
	@missing=""; \
	test -x /usr/lib/rabbitmq/bin/rabbitmq-server || missing="$$missing rabbitmq-server"; \
	command -v shellcheck >/dev/null 2>&1 || missing="$$missing shellcheck"; \
	if [ -n "$$missing" ]; then \
		echo "e2e-deps: installing Debian packages:$$missing"; \
		apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	fi

# bashate as DevStack runs it: long lines allowed, a missing shebang and `local x=$(...)` are errors.
devstack-check: e2e-deps venv python-stubs
	shellcheck -x $(DEVSTACK_SH) bin/purebridge-run tests-fuzz/rest_fuzz.sh
	$(PY_VENV)/bin/bashate -iE006 -eE005,E042 $(DEVSTACK_SH)
	devstack/tests/test_plugin.sh $(abspath $(PY))
	PYTHONWARNINGS=ignore $(PY) tests-e2e/check_samples.py

e2e: devstack-check python-stubs $(SERVER_JAR)
	PYTHONWARNINGS=ignore $(PY) tests-e2e/run_e2e.py --jar $(abspath $(SERVER_JAR)) --venv $(abspath $(PY_VENV)) \
		$(if $(E2E_STEPS),--steps $(E2E_STEPS)) $(E2E_ARGS)

#!/usr/bin/env bash
# Issue 5 benchmark: per-operation latency (p50/p99) of one simulated array called in-process and
# through the REST 2.x front end (RestFlashArray -> HTTPS -> RestFrontEnd), with the ratio.
# Builds the reactor up to benchmarks/ (no tests, nothing installed), then runs
# io.purebridge.bench.RestLatencyBench. Arguments: [iterations (500)] [warm-up (100)].
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
MVN=${MVN:-mvn -B -q}
cp_file="$root/benchmarks/target/classpath.txt"
$MVN -pl benchmarks -am package -DskipTests dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
classes="$root/benchmarks/target/classes"
exec java ${BENCH_JAVA_OPTS:-} -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "$classes:$(cat "$cp_file")" io.purebridge.bench.RestLatencyBench "$@"

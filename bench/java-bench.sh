#!/usr/bin/env bash
# Issue 3 Java benchmarks (sim data throughput vs a plain file, snapshot time, RSS at scale).
# Builds the reactor up to benchmarks/ (no tests, nothing installed), then runs
# io.purebridge.bench.DataBench with the module's classpath. Extra arguments go to DataBench,
# e.g. bench/java-bench.sh --mib 128 --skip-scale. Takes about 3-5 minutes on 2 cores.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
MVN=${MVN:-mvn -B -q}
cp_file="$root/benchmarks/target/classpath.txt"
$MVN -pl benchmarks -am package -DskipTests dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
classes="$root/benchmarks/target/classes"
exec java ${BENCH_JAVA_OPTS:--Xmx2g} -cp "$classes:$(cat "$cp_file")" io.purebridge.bench.DataBench \
  --dir "${BENCH_DATA_DIR:-$root/var/bench-data}" "$@"

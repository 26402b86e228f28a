#!/usr/bin/env bash
# Java benchmarks: sim data throughput vs a plain file, snapshot time, RSS at scale (issue 3);
# replication latency, bytes and lag (issue 4); REST front end latency next to in-process (issue 5);
# what metrics and request ids cost (issue 18); snapshot offload to S3 next to raw S3 (issue 15).
# Builds the reactor up to benchmarks/ (no tests, nothing installed), then runs
# io.purebridge.bench.DataBench with the module's classpath. Extra arguments go to DataBench,
# e.g. bench/java-bench.sh --mib 128 --skip-scale. Takes about 3-5 minutes on 2 cores.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
MVN=${MVN:-mvn -B -q}
cp_file="$root/benchmarks/target/classpath.txt"
$MVN -pl benchmarks -am package -DskipTests dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
classpath="$root/benchmarks/target/classes:$(cat "$cp_file")"
data_dir=${BENCH_DATA_DIR:-$root/var/bench-data}
mkdir -p "$data_dir"

java ${BENCH_JAVA_OPTS:--Xmx2g} -cp "$classpath" io.purebridge.bench.DataBench --dir "$data_dir/data" "$@"
echo
# Issue 4: stretched-pod write latency, async bytes sent per interval, replication lag.
rm -rf "$data_dir/replication"
java ${BENCH_JAVA_OPTS:--Xmx2g} -cp "$classpath" io.purebridge.engine.sim.ReplicationBenchmark "$data_dir/replication"
echo
# Issue 5: one simulated array in-process next to the same array through RestFlashArray -> HTTPS
# -> RestFrontEnd (p50/p99 per operation and the ratio).
java ${BENCH_JAVA_OPTS:--Xmx2g} -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$classpath" \
  io.purebridge.bench.RestLatencyBench 1000 200
echo
# Issue 18: what the metrics endpoint and request ids cost the data path (budget: 2% of throughput).
java ${BENCH_JAVA_OPTS:--Xmx2g} -Dslf4j.provider=io.purebridge.server.logging.ServiceLogProvider \
  -Dslf4j.internal.verbosity=WARN -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$classpath" \
  io.purebridge.bench.MetricsOverheadBench 9 1500
echo
# Issue 15: snapshot offload and restore next to raw S3 PUT/GET of the same in-process S3Proxy,
# and the bytes an incremental offload adds to the bucket next to the bytes changed.
java ${BENCH_JAVA_OPTS:--Xmx2g} -Dorg.slf4j.simpleLogger.defaultLogLevel=error \
  -Dorg.slf4j.simpleLogger.log.org.gaul.s3proxy=off -cp "$classpath" \
  io.purebridge.bench.OffloadBench --dir "$data_dir" --mib 256 --rounds 3

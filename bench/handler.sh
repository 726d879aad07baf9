#!/usr/bin/env bash
# Handler work per invocation (SPEC section 9): the submit function handling a 1 KB public submit with
# in-memory ports (no I/O), after warm-up, measured with JMH in sample-time mode (every call timed).
# Prints BENCH handler.submit.p50 and .p99 in microseconds. About a minute: 3 forks x (3 + 5) x 2 s.
# BENCH_JMH_FORKS, BENCH_JMH_WARMUP, BENCH_JMH_ITERATIONS change the run; BENCH_SKIP_BUILD=1 skips the build
# (which also is skipped when nothing it uses changed since the last one).
set -euo pipefail
cd "$(dirname "$0")/.."
. bin/select-jdk.sh

. bench/common.sh
bench_build bench/jmh pom.xml shared functions/submit
bench_java bench/jmh dev.intake.bench.jmh.HandlerBench 300

#!/usr/bin/env bash
# The local stack under load (SPEC section 9): a closed-loop load generator (JDK HttpClient) sends public
# 1 KB submits over loopback to the local stack, both in this JVM, from C clients on their own 127.x addresses
# (spread over enough forms that the rate limit never answers), after an untimed warm-up; then waits (bounded)
# for the event pipeline and checks that every acknowledged submission was stored, consumed and delivered.
# Prints BENCH load.submit.rps, .p50, .p99 (ms) and .lost. Env: BENCH_LOAD_N (20000), BENCH_LOAD_C (32),
# BENCH_LOAD_WARMUP (2000), BENCH_LOAD_MAX_S (45: the timed run stops there if N is not reached),
# BENCH_LOAD_SETTLE_S (120), BENCH_SKIP_BUILD=1. At most about 5 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
. bin/select-jdk.sh
. bench/common.sh
bench_build bench/load "${BENCH_STACK_INPUTS[@]}"
bench_java bench/load dev.intake.bench.load.LoadBench 330 -Xms1g -Xmx2g

#!/usr/bin/env bash
# DynamoDB capacity per accepted 1 KB public submission (SPEC section 9), everything included: the request's
# own calls plus the stream relay's and the campaign trigger's for its event (one webhook campaign listens).
# Runs the local stack in this JVM (DynamoDB Local, ElasticMQ, handlers; 127.0.0.1 only) and logs every
# DynamoDB call with ReturnConsumedCapacity. Prints BENCH ddb.submit.wcu and .rcu (the submission: request and
# relay), ddb.delivery.wcu and .rcu (the trigger's record of the one delivery) and their sum; the per-call breakdown
# goes to stderr. About 30 s after the build. BENCH_SKIP_BUILD=1 skips the build.
set -euo pipefail
cd "$(dirname "$0")/.."
. bin/select-jdk.sh
. bench/common.sh
bench_build bench/load "${BENCH_STACK_INPUTS[@]}"
bench_java bench/load dev.intake.bench.load.DdbBench 120 -Xms1g -Xmx2g

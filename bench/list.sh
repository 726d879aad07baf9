#!/usr/bin/env bash
# Listing cost (SPEC section 9): a form with 100,000 submissions of about 1 KB, seeded straight into the
# local stack's DynamoDB (BatchWriteItem, in the store's item format), then GET /v1/forms/{id}/submissions
# ?limit=100 with the demo API key, following next_cursor to page 1,000. Prints BENCH list.page1.rcu and
# list.page1000.rcu from each page's X-Intake-Capacity header. Env: BENCH_LIST_N (100000), BENCH_LIST_PAGES
# (1000), BENCH_LIST_WRITERS (4), BENCH_SKIP_BUILD=1. Runs the stack in this JVM, on 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
. bin/select-jdk.sh
. bench/common.sh
bench_build bench/load "${BENCH_STACK_INPUTS[@]}"
# SQS is stopped while seeding and listing (see ListBench): drop the local SQS poller's retry lines.
bench_java bench/load dev.intake.bench.load.ListBench 360 -Xms1g -Xmx2g 2> >(grep --line-buffered -v '^sqs poller: SdkClientException; retrying$' >&2)

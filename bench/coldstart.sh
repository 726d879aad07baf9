#!/usr/bin/env bash
# Cold start and memory of every function (SPEC section 9), each served from its own Lambda artifact:
#
#   BENCH coldstart.<module>.p50 / .p90 <ms> ms   fresh JVM to its first successful answer; 7 runs, nearest rank,
#                                                taken in rounds over all functions (a slow spell hits them all)
#   BENCH memory.<module>.rss <MB> MB             peak resident set (VmHWM) of the process, MiB, median of 3 runs
#   BENCH memory.<module>.heap <MB> MB            heap in use after full GCs once warm (200 more calls), MiB, median of 3
#   BENCH coldstart.<module>.aot.p50 <ms> ms      the same cold start with a JDK 25 AOT cache (AppCDS before JDK 25), 5 runs
#
# It builds the artifacts (make package) and bench/coldstart, whose driver starts the local stack in its own JVM
# (DynamoDB Local and ElasticMQ on 127.0.0.1, the template's tables and queues, no pollers), seeds what the sample
# events in events/ need, and starts one child JVM per run: java -XX:MaxRAM=512m -XX:MaxHeapSize=445645k
# -XX:+UseSerialGC -XX:+TieredCompilation -XX:TieredStopAtLevel=1 -Djava.net.preferIPv4Stack=true, classpath =
# target/lambda/<module>/lib/*.jar + a 14 KB runner + aws-lambda-java-serialization (the Lambda runtime's event
# (de)serializer). See bench/coldstart/src/main/java/dev/intake/bench/coldstart/ for the method. About 8 minutes on 2 cores.
#
# Environment: COLDSTART_RUNS (7), COLDSTART_MEMORY_RUNS (3), COLDSTART_WARM (200), COLDSTART_AOT_RUNS (5),
# COLDSTART_AOT=0 skips the AOT figures, COLDSTART_ONLY=submit,forms measures some functions only, and
# COLDSTART_STRICT=1 fails when an artifact lacks what the Lambda runtime needs (joda-time) instead of adding it.
set -euo pipefail
cd "$(dirname "$0")/.."
. bin/select-jdk.sh

echo "coldstart: building the function artifacts and bench/coldstart" >&2
./mvnw -B -ntp -q -Dmaven.test.skip=true install -pl bench/coldstart -am >&2
make package >&2

T=bench/coldstart/target
serialization=$(ls $T/runner-lib/aws-lambda-java-serialization-*.jar)
joda=$(ls $T/runner-lib/joda-time-*.jar)
args=(--root . --runner-jar "$T/intake-bench-coldstart-runner.jar" --serialization-jar "$serialization" --joda-jar "$joda"
      --runs "${COLDSTART_RUNS:-7}" --memory-runs "${COLDSTART_MEMORY_RUNS:-3}" --warm "${COLDSTART_WARM:-200}"
      --aot-runs "${COLDSTART_AOT_RUNS:-5}")
[ "${COLDSTART_AOT:-1}" = 0 ] && args+=(--no-aot)
[ -n "${COLDSTART_ONLY:-}" ] && args+=(--only "$COLDSTART_ONLY")
[ "${COLDSTART_STRICT:-0}" = 1 ] && args+=(--strict)

# DynamoDB Local (sqlite4java) and ElasticMQ need these on JDK 24+ (as the root pom's jdk24-plus profile says).
jvm=(-Xmx2g)
major=$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)
[ "$major" -ge 24 ] && jvm+=(--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow)

# The driver hosts the emulators and starts the children; it kills its children when it stops, and this script
# stops it whatever happens to the script.
driver=
cleanup() { [ -n "$driver" ] && kill "$driver" 2>/dev/null && wait "$driver" 2>/dev/null; true; }
trap cleanup EXIT
trap 'exit 130' INT TERM
java "${jvm[@]}" -cp "$T/intake-bench-coldstart.jar:$(cat $T/driver.classpath)" dev.intake.bench.coldstart.ColdStartBench "${args[@]}" &
driver=$!
status=0
wait "$driver" || status=$?
driver=
exit "$status"

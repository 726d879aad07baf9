#!/usr/bin/env bash
# Shrinks the libraries the functions ship to what Intake's code can reach (the Makefile runs it after the Maven
# build). The AWS SDK and the Lambda events library make up most of each zip, and Intake uses a small part of
# them: 258 of DynamoDB's 436 model classes, for one. ProGuard (packaging/shrink.pro: shrinking only, no optimisation
# or obfuscation) walks from every class of dev.intake — all functions and the shared module at once — and
# keeps what is reachable. Other libraries (Jackson, Jakarta Mail, SLF4J…) are kept whole: they reach their own
# classes by name.
#
# Writes target/lambda/shrunk/<jar>, one per shrunk jar, under the original file name; the Makefile copies these
# over the originals in each function's lib/. bench/coldstart serves every function's sample event from these
# artifacts, and .ci/run builds them with sam build.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
. bin/select-jdk.sh
out=target/lambda/shrunk
work=target/lambda/shrink-work
rm -rf "$out" && mkdir -p "$out" "$work"

# ProGuard itself, resolved from Maven Central into the local repository.
./mvnw -B -ntp -q -f packaging/pom.xml dependency:build-classpath -Dmdep.outputFile="$root/$work/proguard.classpath" >&2

# The JDK's classes, as a library: JDK 24+ ships no jmods, so they come out of the runtime image.
jdk=$work/jdk-$(java -version 2>&1 | head -1 | tr -dc '0-9.')
if [ ! -d "$jdk" ]; then
  jimage extract --dir "$jdk.tmp" \
    --include 'regex:/(java\.base|java\.logging|java\.xml|java\.naming|java\.sql|java\.desktop|java\.management|java\.net\.http|java\.security\.jgss|java\.security\.sasl|java\.datatransfer|jdk\.unsupported)/.*' \
    "$JAVA_HOME/lib/modules"
  mv "$jdk.tmp" "$jdk"
fi

args=()
for jar in shared/target/intake-shared-*.jar functions/*/target/intake-function-*.jar; do
  case "$jar" in *-sources.jar|*-tests.jar) continue ;; esac
  args+=(-injars "$jar(!META-INF/**)")
done
declare -A seen=()
for jar in functions/*/target/lambda-lib/*.jar; do
  name=$(basename "$jar")
  case "$name" in intake-*) continue ;; esac
  [ -n "${seen[$name]:-}" ] && continue
  seen[$name]=1
  # The SDK's jars by their Maven group (its shaded Jackson core carries no Maven metadata), and the events.
  if unzip -Z1 "$jar" 'META-INF/maven/software.amazon.awssdk/*' >/dev/null 2>&1 \
      || [[ "$name" == third-party-jackson-core-* || "$name" == aws-lambda-java-events-* ]]; then
    # The SDK's warm-up providers (SdkWarmUp, which Intake never calls) would name classes that are gone.
    args+=(-injars "$jar(!META-INF/services/software.amazon.awssdk.core.warmup.**)")
  else
    args+=(-libraryjars "$jar")
  fi
done
for module in "$jdk"/*; do args+=(-libraryjars "$module"); done

rm -rf "$work/out"
java -cp "$(cat "$work/proguard.classpath")" proguard.ProGuard @packaging/shrink.pro "${args[@]}" -outjars "$work/out" >&2
for jar in "$work"/out/*.jar; do
  case "$(basename "$jar")" in intake-*) ;; *) mv "$jar" "$out/" ;; esac
done
echo "shrink: $(ls "$out" | wc -l) jars, $(du -sk "$out" | cut -f1) KB" >&2

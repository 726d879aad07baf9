# Sourced by bench/handler.sh, ddb.sh, load.sh and list.sh (after bin/select-jdk.sh): builds a bench module
# when its inputs changed, and runs one of its programs from a private copy of its class path.

# bench_build MODULE INPUT... : ./mvnw install -pl MODULE -am, unless BENCH_SKIP_BUILD=1 or no INPUT file
# changed since the last build (so that bench/run builds once).
bench_build() {
  local module=$1
  shift
  local stamp=$module/target/.bench-built
  [ "${BENCH_SKIP_BUILD:-}" = 1 ] && return 0
  if [ -f "$stamp" ] && [ -f "$module/target/classpath.txt" ] \
     && [ -z "$(find "$@" "$module/pom.xml" "$module/src" -newer "$stamp" -type f -not -path '*/target/*' 2>/dev/null | head -1)" ]; then
    return 0
  fi
  echo "$(basename "$0"): building $module…" >&2
  ./mvnw -B -ntp -q install -DskipTests -pl "$module" -am >&2
  touch "$stamp"
}

# bench_java MODULE MAIN_CLASS TIMEOUT_SECONDS [JVM options…]
# The project's own jars and classes are copied first: a build running meanwhile (bin/test, another benchmark)
# rewrites them in place, and a JVM whose jar changes under it fails with NoClassDefFoundError.
bench_java() {
  local module=$1 main=$2 limit=$3
  shift 3
  local flags=("$@") tmp cp=() entry status=0
  [ "$(java_major "$JAVA_HOME")" -ge 24 ] && flags+=(--enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow)
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/intake-bench.XXXXXX")
  # shellcheck disable=SC2064
  trap "rm -rf '$tmp'" EXIT
  cp -r "$module/target/classes" "$tmp/classes"
  cp+=("$tmp/classes")
  IFS=: read -r -a entries < "$module/target/classpath.txt" || true  # no newline at its end
  for entry in "${entries[@]}"; do
    case "$entry" in
      "$PWD"/*|*/dev/intake/*) cp "$entry" "$tmp/" && cp+=("$tmp/$(basename "$entry")") ;;
      *) cp+=("$entry") ;;
    esac
  done
  # The program stops what it started; timeout (TERM, then KILL 10 s later) bounds a hung run.
  timeout -k 10 "$limit" "$JAVA_HOME/bin/java" "${flags[@]}" -cp "$(IFS=:; echo "${cp[*]}")" "$main" || status=$?
  rm -rf "$tmp"
  return "$status"
}

# The local stack's inputs, for bench_build bench/load.
BENCH_STACK_INPUTS=(pom.xml template.yaml docs/openapi.yaml shared functions local/pom.xml local/src)

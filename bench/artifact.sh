#!/usr/bin/env bash
# Deploy artifact size of every function (SPEC section 9: <= 8 MB per zip).
#
#   BENCH artifact.<module>.zip <size> MB
#
# Builds every function's Lambda artifact with `make package` (target/lambda/<module>.zip, the zip `sam build`
# would upload: lib/*.jar) and prints its size in MB of 10^6 bytes, two decimals. <module> is the function's
# directory under functions/, as the Makefile's FUNCTIONS list maps logical ids to modules.
set -euo pipefail
cd "$(dirname "$0")/.."
. bin/select-jdk.sh

echo "artifact: make package" >&2
make package >&2

# The Makefile's own list of function modules, so that every function it packages is measured.
modules=$(make --no-print-directory -s -f Makefile -f - bench-artifact-modules <<'MK'
bench-artifact-modules:
	@echo $(foreach f,$(FUNCTIONS),$(word 2,$(subst =, ,$(f))))
MK
)
[ -n "$modules" ] || { echo "artifact: no functions in the Makefile's FUNCTIONS" >&2; exit 1; }

for m in $modules; do
  zip="target/lambda/$m.zip"
  [ -f "$zip" ] || { echo "artifact: $zip is missing after make package" >&2; exit 1; }
  bytes=$(stat -c %s "$zip")
  echo "artifact: $m: $bytes bytes, $(ls "target/lambda/$m/lib" | wc -l) jars" >&2
  awk -v m="$m" -v b="$bytes" 'BEGIN { printf "BENCH artifact.%s.zip %.2f MB\n", m, b / 1e6 }'
done

#!/bin/sh
# Builds the exposition-parser fuzz target (see README.md) and runs it for SECONDS.
# Usage: fuzz/run.sh SECONDS [WORKDIR]   (from anywhere; WORKDIR defaults to /tmp/fuzz-expo)
# The corpus and artifacts persist in WORKDIR between runs, so runs add up.
# A crash leaves its input in WORKDIR/artifacts/ and makes this script exit non-zero.
set -eu
seconds=${1:?usage: fuzz/run.sh SECONDS [WORKDIR]}
work=${2:-/tmp/fuzz-expo}
repo=$(cd "$(dirname "$0")/.." && pwd)
fixtures=$repo/../shared/fixtures/node_exporter/textfile

mkdir -p "$work/corpus" "$work/artifacts"
# LanternSupport is its own module (the sources import it); model + parser + target form
# a second one. Both are instrumented. No package build, no other targets.
mkdir -p "$work/build"
flags="-sanitize=fuzzer,address -parse-as-library -O -g"
if ! { swiftc $flags -wmo -c -module-name LanternSupport -emit-module \
        -emit-module-path "$work/build/LanternSupport.swiftmodule" \
        "$repo"/Sources/LanternSupport/*.swift -o "$work/build/LanternSupport.o" &&
    swiftc $flags -module-name LanternFuzz -I "$work/build" \
        "$repo"/Sources/LanternMetrics/Model/*.swift "$repo"/Sources/LanternMetrics/Parser/*.swift \
        "$repo"/fuzz/ExpositionParserFuzz.swift "$work/build/LanternSupport.o" \
        -o "$work/exposition-parser-fuzz"; } >"$work/build.log" 2>&1; then
    cat "$work/build.log" >&2; exit 2
fi

# Seeds: node_exporter's textfile fixtures and the regression inputs kept in the tests.
for f in "$fixtures"/*/*.prom "$repo"/Tests/LanternMetricsTests/FuzzRegressions/*; do
    [ -f "$f" ] && cp "$f" "$work/corpus/seed-$(basename "$(dirname "$f")")-$(basename "$f")"
done

cd "$work"
exec "$work/exposition-parser-fuzz" -max_total_time="$seconds" -timeout=5 -max_len=4096 \
    -print_final_stats=1 -artifact_prefix="$work/artifacts/" "$work/corpus"

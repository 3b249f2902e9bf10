#!/bin/sh
# Builds a fuzz target (see README.md) and runs it for SECONDS under libFuzzer.
# Usage: fuzz/run.sh SECONDS [parser|textfile] [WORKDIR]
#   parser    the exposition parser, both formats (fuzz/ExpositionParserFuzz.swift), default
#   textfile  the textfile collector's content rules (fuzz/TextfileFuzz.swift)
# WORKDIR defaults to /tmp/fuzz-<target>; its corpus and artifacts persist between runs,
# so runs add up. FUZZ_MAX_LEN sets the largest input (default 4096 bytes); when set,
# inputs may have that length from the start (-len_control=0). A crash leaves its
# input in WORKDIR/artifacts/ and makes the script exit non-zero.
# Run it niced when others share the machine: nice -n 19 fuzz/run.sh 600
set -eu
seconds=${1:?usage: fuzz/run.sh SECONDS [parser|textfile] [WORKDIR]}
target=${2:-parser}
work=${3:-/tmp/fuzz-$target}
repo=$(cd "$(dirname "$0")/.." && pwd)
fixtures=$repo/../shared/fixtures/node_exporter/textfile

mkdir -p "$work/corpus" "$work/artifacts" "$work/build"
flags="-sanitize=fuzzer,address -parse-as-library -O -g"

# module NAME SOURCES...: an instrumented module (object + interface) in $work/build.
module() {
    name=$1; shift
    swiftc $flags -wmo -c -module-name "$name" -I "$work/build" -emit-module \
        -emit-module-path "$work/build/$name.swiftmodule" "$@" -o "$work/build/$name.o"
}

build() {
    module LanternSupport "$repo"/Sources/LanternSupport/*.swift
    case $target in
    parser)
        # The parser target is compiled in one module with the model and parser.
        swiftc $flags -module-name LanternFuzz -I "$work/build" \
            "$repo"/Sources/LanternMetrics/Model/*.swift "$repo"/Sources/LanternMetrics/Parser/*.swift \
            "$repo"/fuzz/ExpositionParserFuzz.swift "$work/build/LanternSupport.o" -o "$work/fuzzer" ;;
    textfile)
        module LanternMetrics "$repo"/Sources/LanternMetrics/Model/*.swift "$repo"/Sources/LanternMetrics/Parser/*.swift
        swiftc $flags -module-name LanternTextfileFuzz -I "$work/build" \
            "$repo"/Sources/LanternCollectors/Textfile/TextfileMerge.swift "$repo"/fuzz/TextfileFuzz.swift \
            "$work/build/LanternMetrics.o" "$work/build/LanternSupport.o" -o "$work/fuzzer" ;;
    *) echo "unknown target $target (parser or textfile)" >&2; exit 2 ;;
    esac
}
if ! build > "$work/build.log" 2>&1; then
    cat "$work/build.log" >&2
    exit 2
fi

# Seeds: node_exporter's textfile fixtures and the inputs of past findings (fuzz/regressions/, replayed by FuzzRegressionTests).
for f in "$fixtures"/*/*.prom "$repo"/fuzz/regressions/*; do
    [ -f "$f" ] && cp "$f" "$work/corpus/seed-$(basename "$(dirname "$f")")-$(basename "$f")"
done

cd "$work"
exec "$work/fuzzer" -max_total_time="$seconds" -timeout=5 -max_len="${FUZZ_MAX_LEN:-4096}" \
    ${FUZZ_MAX_LEN:+-len_control=0} -print_final_stats=1 \
    -artifact_prefix="$work/artifacts/" "$work/corpus"

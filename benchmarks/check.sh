#!/usr/bin/env bash
# Benchmark (not a test) of `juesuan check`, `build` and `audit` on the example and the seed: in-process steps, then the whole
# command with hyperfine (median of many runs). Usage: bash benchmarks/check.sh
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product juesuan >/dev/null
swift build -c release --product juesuan-bench >/dev/null
bin=$(swift build -c release --show-bin-path)
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
"$bin/juesuan-bench" --runs 200
if command -v hyperfine >/dev/null; then
  hyperfine --warmup 5 --runs 50 -N -i "$bin/juesuan check examples/jianghan-2021 --format json" \
            "$bin/juesuan build examples/jianghan-2021 --out /tmp/juesuan-bench-out --no-pdf" \
            "$bin/juesuan audit Tests/Fixtures/seed/000_a4a5e0261d017fb9.txt --format json" \
            "$bin/juesuan audit Tests/Fixtures/corpus/putuo-finance-2024-final-accounts.pdf --format json"
  hyperfine --warmup 1 --runs 10 -N -i "$bin/juesuan build examples/jianghan-2021 --out /tmp/juesuan-bench-out"
fi

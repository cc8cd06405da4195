#!/usr/bin/env bash
# Benchmark (not a test) of 汇总 at scale: generate N synthetic units (`juesuan synth`), consolidate their tables with
# juesuan, run the same aggregation over the same files with DuckDB, and print juesuan_seconds, duckdb_seconds and
# ratio (medians of RUNS interleaved runs), juesuan's peak memory, whether both totals agree, and the ledger-to-tables
# throughput. Usage: bash benchmarks/consolidate.sh [N]   (default 100000; RUNS=5, SEED=1, DATA=/tmp/juesuan-consolidate-N-SEED)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}
RUNS=${RUNS:-5}
SEED=${SEED:-1}
DATA=${DATA:-/tmp/juesuan-consolidate-$N-$SEED}
swift build -c release --product juesuan >/dev/null
bin=$(swift build -c release --show-bin-path)
if ! python3 -c "import duckdb" 2>/dev/null; then
  python3 -m pip install --quiet duckdb 2>/dev/null || python3 -m pip install --quiet --break-system-packages duckdb
fi
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(awk '/MemTotal/ {printf "%.0f", $2 / 1048576}' /proc/meminfo) GiB"
if [ ! -f "$DATA/.complete" ]; then
  rm -rf "$DATA"
  start=$(date +%s%N)
  "$bin/juesuan" synth --units "$N" --seed "$SEED" --out "$DATA"
  touch "$DATA/.complete"
  echo "synth_seconds=$(awk -v start="$start" -v end="$(date +%s%N)" 'BEGIN {printf "%.2f", (end - start) / 1e9}')"
else
  echo "reusing $DATA (generated earlier by juesuan synth --units $N --seed $SEED)"
fi
echo "tables: $(du -sh "$DATA/tables" | cut -f1) in $(ls "$DATA/tables" | wc -l) files; ledger: $(du -sh "$DATA/ledger" | cut -f1)"
python3 benchmarks/consolidate.py "$bin/juesuan" "$DATA" "$RUNS"

#!/usr/bin/env bash
# Wall time and peak memory of the release binary, end to end, on the bundled input and on
# synthetic inputs of 2,500 / 5,000 / 10,000 / 20,000 entities x 30 surveys (CSV).
# Prints the median of RUNS runs (default 5) per size. Needs GNU time (/usr/bin/time).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
cargo build --release --quiet
bin=$PWD/target/release/egov-report
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

measure() { # label, then the command's folder; prints "label median_s peak_MB"
  local label=$1 dir=$2 times=() mems=()
  for _ in $(seq "$RUNS"); do
    read -r t m < <(cd "$dir" && /usr/bin/time -f "%e %M" "$bin" run --quiet 2>&1 >/dev/null | tail -1)
    times+=("$t"); mems+=("$m")
  done
  local mt mm
  mt=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  mm=$(printf '%s\n' "${mems[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]/1024}')
  printf '%-22s %8.2f s %8.0f MB\n' "$label" "$mt" "$mm"
}

mkdir -p "$work/bundled" && printf 'input = "%s"\n' "$PWD/input" > "$work/bundled/egov-report.toml"
echo "cores: $(nproc)"
measure "bundled input" "$work/bundled"
for n in 2500 5000 10000 20000; do
  "$bin" synth --countries "$n" --surveys 30 --out "$work/s$n" 2>/dev/null
  measure "$n x 30 (csv)" "$work/s$n"
done

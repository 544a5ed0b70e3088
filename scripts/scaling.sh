#!/usr/bin/env bash
# How the release binary scales: wall time and peak memory (GNU time) of a whole run, on the
# bundled input and on synthetic inputs of 10,000 / 20,000 / 40,000 entities x 30 surveys (CSV,
# written by `egov-report synth`), with the ratio of each doubling to the size before it.
#
#   scripts/scaling.sh                 # median of 3 runs per size
#   RUNS=5 SIZES="10000 20000" scripts/scaling.sh
#
# The issue's targets: 10,000 x 30 in <= 1.5 s and <= 350 MB; each doubling <= 2.1x time and
# memory. Numbers depend on the load: the script prints the core count and the load average.
# 40,000 x 30 is 1.2 million country-years, more rows than one xlsx sheet holds (1,048,576):
# that run stops with the workbook's error, which the script prints in place of the numbers.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
SIZES=${SIZES:-10000 20000 40000}
cargo build --release --quiet
bin=$PWD/target/release/egov-report
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# Runs `egov-report run` RUNS times in folder $1 (with its `egov-report.toml`); prints
# "median_wall_s median_peak_MB".
measure() {
  local dir=$1 times=() mems=()
  for _ in $(seq "$RUNS"); do
    if ! (cd "$dir" && /usr/bin/time -v -o "$work/time.txt" "$bin" run --quiet \
      >/dev/null 2>"$work/stderr.txt"); then
      echo "failed: $(tail -1 "$work/stderr.txt")"
      return
    fi
    times+=("$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,t,":"); s=0;
      for (i=1;i<=n;i++) s=s*60+t[i]; print s}' "$work/time.txt")")
    mems+=("$(awk -F': ' '/Maximum resident set size/ {print $2/1024}' "$work/time.txt")")
  done
  echo "$(printf '%s\n' "${times[@]}" | median) $(printf '%s\n' "${mems[@]}" | median)"
}

echo "cores: $(nproc); load average: $(cut -d' ' -f1-3 /proc/loadavg); runs per size: $RUNS"
printf '%-16s %9s %9s %8s %8s\n' input "wall (s)" "peak (MB)" "x time" "x memory"
mkdir -p "$work/bundled" && printf 'input = "%s"\n' "$PWD/input" >"$work/bundled/egov-report.toml"
read -r t m < <(measure "$work/bundled")
printf '%-16s %9.2f %9.0f\n' "bundled" "$t" "$m"
prev_t='' prev_m=''
for n in $SIZES; do
  "$bin" synth --quiet --countries "$n" --surveys 30 --out "$work/s$n"
  read -r t m < <(measure "$work/s$n")
  if [ "$t" = "failed:" ]; then
    printf '%-16s %s\n' "$n x 30" "failed: $m"
    prev_t=''
  elif [ -n "$prev_t" ]; then
    printf '%-16s %9.2f %9.0f %8.2f %8.2f\n' "$n x 30" "$t" "$m" \
      "$(echo "$t / $prev_t" | bc -l)" "$(echo "$m / $prev_m" | bc -l)"
  else
    printf '%-16s %9.2f %9.0f\n' "$n x 30" "$t" "$m"
  fi
  [ "$t" = "failed:" ] || { prev_t=$t prev_m=$m; }
  rm -rf "$work/s$n"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

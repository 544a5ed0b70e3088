#!/usr/bin/env bash
# The release binary against the peer pipeline (peer.py: pandas, openpyxl, xlsxwriter,
# matplotlib, jinja2) on the bundled input, in one run: RUNS repetitions of each, taken in
# turns, first on an idle machine, then with one core kept busy (`yes > /dev/null`). Prints
# the median wall time of each and the ratio. Checks first that both write the same tables.
#
#   python3 -m venv /path/to/venv
#   /path/to/venv/bin/pip install -r scripts/peer/requirements.txt
#   PEER_PYTHON=/path/to/venv/bin/python RUNS=11 scripts/peer/compare.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${RUNS:-7}
PYTHON=${PEER_PYTHON:-python3}
cargo build --release --quiet
bin=$PWD/target/release/egov-report
work=$(mktemp -d)
busy=''
cleanup() {
  if [ -n "$busy" ]; then kill "$busy" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

rust() { "$bin" run --quiet --input input --output "$work/rust" >/dev/null; }
peer() { rm -rf "$work/peer" && "$PYTHON" scripts/peer/peer.py input "$work/peer"; }

# Same job: every table the peer writes is byte for byte the binary's.
rust && peer
for f in "$work"/peer/tables/*.csv; do
  cmp -s "$f" "$work/rust/tables/$(basename "$f")" || { echo "differs: $(basename "$f")"; exit 1; }
done
echo "tables identical: $(ls "$work"/peer/tables | wc -l) CSVs"

# Prints "rust_median_s peer_median_s ratio" over RUNS turns. Each run is timed from its start
# to its exit by the peer's Python (`perf_counter` around `subprocess.run`): timing with
# `date` in the shell added two processes' start-up to every run, 3 ms on an idle machine and
# 20-25 ms with a core busy, which is nothing to the peer and half the binary's run.
measure() {
  "$PYTHON" - "$RUNS" "$bin" "$work" <<'PY'
import statistics, subprocess, sys, time, shutil
runs, binary, work = int(sys.argv[1]), sys.argv[2], sys.argv[3]
rust = [binary, "run", "--quiet", "--input", "input", "--output", f"{work}/rust"]
peer = [sys.executable, "scripts/peer/peer.py", "input", f"{work}/peer"]
def timed(cmd):
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start
r, p = [], []
for _ in range(runs):
    r.append(timed(rust))
    shutil.rmtree(f"{work}/peer", ignore_errors=True)
    p.append(timed(peer))
mr, mp = statistics.median(r), statistics.median(p)
print(mr, mp, mp / mr)
PY
}

echo "cores: $(nproc); load average: $(cut -d' ' -f1-3 /proc/loadavg); runs: $RUNS"
printf '%-22s %10s %10s %8s\n' condition "rust (s)" "peer (s)" "peer/rust"
read -r mr mp ratio < <(measure)
printf '%-22s %10.3f %10.3f %7.1fx\n' "idle" "$mr" "$mp" "$ratio"
yes >/dev/null &
busy=$!
read -r mr mp ratio < <(measure)
kill "$busy"; busy=''
printf '%-22s %10.3f %10.3f %7.1fx\n' "one core busy" "$mr" "$mp" "$ratio"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

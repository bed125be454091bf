#!/usr/bin/env bash
# Runs tapegrad_bench and torch_bench alternately and prints, per case, the
# median time of each program over the runs and the ratio tapegrad/libtorch
# (below 1 means tapegrad is faster).
#
# Usage: bench/compare.sh [BUILD_DIR]   (default: build)
# Environment:
#   RUNS       runs of each program per setting (default 5)
#   PARTS      "micro", "mlp" or "micro mlp" (default)
#   MIN_TIME   Google Benchmark's --benchmark_min_time for micro cases (0.2)
#   KEEP_DIR   folder for the raw JSON and /usr/bin/time outputs (a temporary
#              folder, deleted at exit, when unset)
#
# Configure the build with -DTAPEGRAD_BUILD_BENCHMARKS=ON -DTAPEGRAD_NATIVE=ON
# and build tapegrad_bench and torch_bench first.
#
# Thread settings. Micro cases run on 1 thread everywhere. The MLP epoch runs
# at 1 thread (OPENBLAS_NUM_THREADS=1, and torch::set_num_threads(1)) and at
# 2 threads: tapegrad with OPENBLAS_NUM_THREADS=2, libtorch both with 1 torch
# thread plus 2 OpenBLAS threads and with 2 of each; the faster libtorch
# setting is its 2-thread result. Peak RSS comes from /usr/bin/time.
#
# The report also gives matmul through the tape as a share of raw sgemm's
# FLOP/s. It gives the cost of anomaly mode as tapegrad's time with the mode on
# over its time with the mode off, for the medium Dense step and for the float
# MLP epoch at 1 thread.
set -euo pipefail

build_dir=${1:-build}
runs=${RUNS:-5}
parts=${PARTS:-micro mlp}
min_time=${MIN_TIME:-0.2}
tapegrad_bench="$build_dir/bench/tapegrad_bench"
torch_bench="$build_dir/bench/torch_bench"
for program in "$tapegrad_bench" "$torch_bench"; do
  if [[ ! -x "$program" ]]; then
    echo "compare.sh: $program not found; build the tapegrad_bench and torch_bench targets" >&2
    exit 1
  fi
done
if [[ -n "${KEEP_DIR:-}" ]]; then
  results=$KEEP_DIR
  mkdir -p "$results"
else
  results=$(mktemp -d)
  trap 'rm -rf "$results"' EXIT
fi

# run LABEL RUN OPENBLAS_THREADS PROGRAM ARGS...: one run, JSON to
# LABEL.RUN.json, peak RSS in kilobytes to LABEL.RUN.rss.
run() {
  local label=$1 index=$2 blas_threads=$3
  shift 3
  OPENBLAS_NUM_THREADS=$blas_threads /usr/bin/time -f '%M' -o "$results/$label.$index.rss" \
    "$@" --benchmark_format=json >"$results/$label.$index.json"
}

micro_filter='^(op_|dense_|matmul_tape|sgemm_raw)'
for ((index = 1; index <= runs; index++)); do
  if [[ " $parts " == *" micro "* ]]; then
    echo "run $index/$runs: micro" >&2
    run tapegrad-micro "$index" 1 "$tapegrad_bench" --benchmark_filter="$micro_filter" \
      --benchmark_min_time="$min_time"
    run torch-micro "$index" 1 "$torch_bench" --torch_threads=1 \
      --benchmark_filter="$micro_filter" --benchmark_min_time="$min_time"
  fi
  if [[ " $parts " == *" mlp "* ]]; then
    echo "run $index/$runs: mlp" >&2
    for dtype in float double; do
      run "tapegrad-mlp_$dtype-1t" "$index" 1 "$tapegrad_bench" --benchmark_filter="^mlp_epoch_$dtype/"
      run "torch-mlp_$dtype-1t" "$index" 1 "$torch_bench" --torch_threads=1 \
        --benchmark_filter="^mlp_epoch_$dtype/"
    done
    run tapegrad-mlp_float_anomaly-1t "$index" 1 "$tapegrad_bench" \
      --benchmark_filter='^mlp_epoch_float_anomaly/'
    run tapegrad-mlp_float-2t "$index" 2 "$tapegrad_bench" --benchmark_filter='^mlp_epoch_float/'
    run torch-mlp_float-2t_blas "$index" 2 "$torch_bench" --torch_threads=1 \
      --benchmark_filter='^mlp_epoch_float/'
    run torch-mlp_float-2t_both "$index" 2 "$torch_bench" --torch_threads=2 \
      --benchmark_filter='^mlp_epoch_float/'
  fi
done

/usr/bin/python3 - "$results" <<'PYTHON'
import glob
import json
import os
import statistics
import sys

results = sys.argv[1]

def load(label):
    """Returns {case: [real_time in ns, ...]}, {case: [counters]}, [rss kB] over the runs."""
    times, counters, rss = {}, {}, []
    for path in sorted(glob.glob(os.path.join(results, label + ".*.json"))):
        with open(path) as handle:
            report = json.load(handle)
        for entry in report["benchmarks"]:
            scale = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}[entry["time_unit"]]
            times.setdefault(entry["name"], []).append(entry["real_time"] * scale)
            counters.setdefault(entry["name"], []).append(entry)
        with open(path[: -len(".json")] + ".rss") as handle:
            rss.append(int(handle.read().split()[-1]))
    return times, counters, rss

def show_time(ns):
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("us", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.3g} {unit}"
    return f"{ns:.3g} ns"

def median_counter(entries, name):
    values = [entry[name] for entry in entries if name in entry]
    return statistics.median(values) if values else None

print(f"{'case':<34} {'tapegrad':>10} {'libtorch':>10} {'ratio':>7}  notes")
micro_tapegrad, micro_tapegrad_counters, _ = load("tapegrad-micro")
micro_torch, micro_torch_counters, _ = load("torch-micro")
for case, samples in micro_tapegrad.items():
    tapegrad = statistics.median(samples)
    notes = ""
    flops = median_counter(micro_tapegrad_counters[case], "FLOP/s")
    if flops:
        notes = f"tapegrad {flops / 1e9:.1f} GFLOP/s"
    if case in micro_torch:
        torch = statistics.median(micro_torch[case])
        torch_flops = median_counter(micro_torch_counters[case], "FLOP/s")
        if torch_flops:
            notes += f", libtorch {torch_flops / 1e9:.1f} GFLOP/s"
        print(f"{case:<34} {show_time(tapegrad):>10} {show_time(torch):>10} "
              f"{tapegrad / torch:>7.3f}  {notes}")
    else:
        print(f"{case:<34} {show_time(tapegrad):>10} {'-':>10} {'-':>7}  {notes}")

def flop_rate(case):
    return median_counter(micro_tapegrad_counters.get(case, []), "FLOP/s")

print()
print("matmul through the tape, share of raw sgemm GFLOP/s:")
for case in micro_tapegrad:
    if case.startswith("matmul_tape/"):
        raw = flop_rate(case.replace("matmul_tape/", "sgemm_raw/"))
        if raw:
            print(f"  {case:<32} {flop_rate(case) / raw:>7.3f}")

print()
print("anomaly mode, time on / time off (tapegrad):")
if "dense_medium_step_anomaly" in micro_tapegrad and "dense_medium_step" in micro_tapegrad:
    on = statistics.median(micro_tapegrad["dense_medium_step_anomaly"])
    off = statistics.median(micro_tapegrad["dense_medium_step"])
    print(f"  {'dense_medium_step':<32} {show_time(on):>10} {show_time(off):>10} {on / off:>7.3f}")
anomaly_times, _, _ = load("tapegrad-mlp_float_anomaly-1t")
plain_times, _, _ = load("tapegrad-mlp_float-1t")
if anomaly_times and plain_times:
    on = statistics.median(next(iter(anomaly_times.values())))
    off = statistics.median(next(iter(plain_times.values())))
    print(f"  {'mlp_epoch_float 1 thread':<32} {show_time(on):>10} {show_time(off):>10} {on / off:>7.3f}")

print()
print(f"{'case':<34} {'tapegrad':>10} {'libtorch':>10} {'ratio':>7}  notes")
settings = [
    ("mlp_epoch_float 1 thread", "tapegrad-mlp_float-1t", ["torch-mlp_float-1t"]),
    ("mlp_epoch_float 2 threads", "tapegrad-mlp_float-2t",
     ["torch-mlp_float-2t_blas", "torch-mlp_float-2t_both"]),
    ("mlp_epoch_double 1 thread", "tapegrad-mlp_double-1t", ["torch-mlp_double-1t"]),
]
for title, tapegrad_label, torch_labels in settings:
    tapegrad_times, tapegrad_counters, tapegrad_rss = load(tapegrad_label)
    if not tapegrad_times:
        continue
    case = next(iter(tapegrad_times))
    tapegrad = statistics.median(tapegrad_times[case])
    best = None
    for label in torch_labels:
        torch_times, torch_counters, torch_rss = load(label)
        if case in torch_times:
            candidate = (statistics.median(torch_times[case]), label, torch_counters[case], torch_rss)
            if best is None or candidate[0] < best[0]:
                best = candidate
    if best is None:
        continue
    torch, torch_label, torch_counters, torch_rss = best
    rss_tapegrad = statistics.median(tapegrad_rss) / 1024
    rss_torch = statistics.median(torch_rss) / 1024
    notes = (f"samples/s {median_counter(tapegrad_counters[case], 'samples/s'):.0f} vs "
             f"{median_counter(torch_counters, 'samples/s'):.0f}; peak RSS {rss_tapegrad:.0f} MiB vs "
             f"{rss_torch:.0f} MiB (ratio {rss_tapegrad / rss_torch:.3f}); loss "
             f"{median_counter(tapegrad_counters[case], 'loss'):.4f} vs "
             f"{median_counter(torch_counters, 'loss'):.4f}")
    if len(torch_labels) > 1:
        notes += f"; libtorch setting {torch_label.rsplit('_', 1)[-1]}"
    heap = median_counter(tapegrad_counters[case], "buffer_heap_allocs/step")
    if heap is not None:
        notes += (f"; tapegrad per step: {heap:g} buffer heap allocations, "
                  f"{median_counter(tapegrad_counters[case], 'operator_new/step'):g} operator new")
    print(f"{title:<34} {show_time(tapegrad):>10} {show_time(torch):>10} "
          f"{tapegrad / torch:>7.3f}  {notes}")
PYTHON

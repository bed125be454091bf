#!/usr/bin/env bash
# Trains mlp_fashion_mnist for one epoch on a subset with --save, --metrics
# and --plot. Then checks that --evaluate on the checkpoint prints the same
# test accuracy line and that the CSV has its header and one row. The plot
# must be a PNG when gnuplot is installed.
set -euo pipefail
program=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

common=(--threads 1 --limit 2000)
"$program" "${common[@]}" --epochs 1 --save "$work/run.npz" \
  --metrics "$work/run.csv" --plot "$work/run.png" >"$work/train.txt"
"$program" --threads 1 --evaluate "$work/run.npz" >"$work/evaluate.txt"

trained=$(grep '^test accuracy' "$work/train.txt")
evaluated=$(grep '^test accuracy' "$work/evaluate.txt")
echo "after training: $trained"
echo "evaluated:      $evaluated"
if [[ "$trained" != "$evaluated" ]]; then
  echo "FAILED: --evaluate does not reproduce the accuracy training ended with"
  exit 1
fi

rows=$(wc -l <"$work/run.csv")
header=$(head -n 1 "$work/run.csv")
if [[ $rows -ne 2 || $header != epoch,train_loss,* ]]; then
  echo "FAILED: expected a header and one row in the metrics CSV, got:"
  cat "$work/run.csv"
  exit 1
fi

if command -v gnuplot >/dev/null; then
  if [[ "$(head -c 4 "$work/run.png" | tail -c 3)" != PNG ]]; then
    echo "FAILED: gnuplot is installed but $work/run.png is not a PNG"
    exit 1
  fi
fi
echo "ok"

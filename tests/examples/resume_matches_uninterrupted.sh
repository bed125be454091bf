#!/usr/bin/env bash
# Checks that one epoch, saved and resumed for a second epoch, ends exactly
# where two uninterrupted epochs end: same epoch-2 losses and accuracies,
# same final test accuracy. This holds only if the checkpoint restores the
# weights, the optimizer state (Adam moments and step counts) and the epoch
# count, and the shuffle order depends only on the seed and the epoch. The
# constant schedule makes the learning rate independent of --epochs.
set -euo pipefail
program=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

settings=(--threads 1 --limit 2000 --schedule constant --seed 7)
"$program" "${settings[@]}" --epochs 2 >"$work/straight.txt"
"$program" "${settings[@]}" --epochs 1 --save "$work/run.npz" >"$work/first.txt"
"$program" --threads 1 --resume "$work/run.npz" --epochs 2 >"$work/resumed.txt"

# Epoch lines end with the epoch's seconds, which differ from run to run.
epoch_two() { grep '^epoch 2/2' "$1" | sed 's/  [0-9.]* s$//'; }
straight=$(epoch_two "$work/straight.txt")
resumed=$(epoch_two "$work/resumed.txt")
echo "uninterrupted: $straight"
echo "resumed:       $resumed"
if [[ -z "$straight" || "$straight" != "$resumed" ]]; then
  echo "FAILED: the resumed epoch differs from the uninterrupted one"
  exit 1
fi
if [[ "$(grep '^test accuracy' "$work/straight.txt")" != \
      "$(grep '^test accuracy' "$work/resumed.txt")" ]]; then
  echo "FAILED: final test accuracy differs"
  exit 1
fi
echo "ok"

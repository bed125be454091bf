#!/usr/bin/env bash
# Runs PROGRAM ARGS... and checks that it rejects them the way a usage error
# must be reported: exit status 2, exactly one line on stderr, nothing on
# stdout.
set -u
program=$1
shift

stdout_file=$(mktemp)
stderr_file=$(mktemp)
trap 'rm -f "$stdout_file" "$stderr_file"' EXIT

"$program" "$@" >"$stdout_file" 2>"$stderr_file"
status=$?

failed=0
if [[ $status -ne 2 ]]; then
  echo "expected exit status 2, got $status"
  failed=1
fi
stderr_lines=$(wc -l <"$stderr_file")
if [[ $stderr_lines -ne 1 ]]; then
  echo "expected one line on stderr, got $stderr_lines"
  failed=1
fi
if [[ -s $stdout_file ]]; then
  echo "expected no output on stdout, got:"
  cat "$stdout_file"
  failed=1
fi
echo "stderr: $(cat "$stderr_file")"
exit $failed

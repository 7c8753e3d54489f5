#!/usr/bin/env bash
# Runs every fuzz target for a while (default 5s each; `scripts/fuzz.sh 10m` for a soak). Seed
# corpora live in each package's testdata/fuzz; new crashers land there too and fail the run.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime=${1:-5s}
for pkg in $(go list ./...); do
	dir=$(go list -f '{{.Dir}}' "$pkg")
	for target in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //' | sort -u); do
		echo "fuzz $pkg $target ($fuzztime)"
		go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" "$pkg"
	done
done

#!/usr/bin/env bash
# The test command of the README. It runs every package's tests; DEPOT_TEST_RACE=1 adds the race
# detector (CI does). Tests that need PostgreSQL skip with a message when it is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
flags=(-count=1 -timeout 20m)
if [ "${DEPOT_TEST_RACE:-}" = "1" ]; then
	flags+=(-race)
fi
go test "${flags[@]}" ./...

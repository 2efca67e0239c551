#!/usr/bin/env bash
# replay_bench.sh measures payrec replay on generated report logs: lines per
# second and peak resident memory (/usr/bin/time -v), for logs of the same
# number of records with 10x the lines, and for 10x the records.
#
#   scripts/replay_bench.sh [DIR]
#
# The logs come from the generator in cmd/payrec/genlog_test.go (creations,
# failures and retries, guarantees, cancellations, partial refunds,
# informational updates, ~4% rejected lines); the same seed gives the same log.
# They take about 530 MB. Without DIR they go to a temporary directory that
# is removed on exit; with DIR they are kept there, and reused by the next
# run with the same DIR.
set -euo pipefail

cd "$(dirname "$0")/.."
if [[ $# -gt 0 ]]; then
	dir=$1
	mkdir -p "$dir"
else
	dir=$(mktemp -d "${TMPDIR:-/tmp}/payrec-bench.XXXXXX")
	trap 'rm -rf "$dir"' EXIT
fi
go build -o "$dir/payrec" ./cmd/payrec

gen() { # gen LINES RECORDS FILE
	if [[ ! -s $3 ]]; then
		PAYREC_GENLOG=$3 PAYREC_GENLOG_LINES=$1 PAYREC_GENLOG_RECORDS=$2 \
			go test -run '^TestGenLogFile$' -count=1 ./cmd/payrec >/dev/null
	fi
}

measure() { # measure LINES RECORDS [ENV...]
	local lines=$1 records=$2 log="$dir/log_${1}_${2}.jsonl"
	shift 2
	gen "$lines" "$records" "$log"
	local t="$dir/time.txt"
	env GODEBUG=gctrace=1 "$@" /usr/bin/time -v "$dir/payrec" replay -allow-rejects "$log" >/dev/null 2>"$t"
	local wall rss user live
	# gctrace: "… 12->14->9 MB, …": the last number is the heap still live
	# after a collection; its maximum is what the records hold, at most.
	live=$({ grep -o '[0-9]*->[0-9]*->[0-9]* MB' "$t" || true; } | awk -F'->' '{ split($3, a, " "); if (a[1] > m) m = a[1] } END { print m + 0 }')
	wall=$(awk -F': ' '/Elapsed \(wall clock\)/{print $2}' "$t" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
	user=$(awk -F': ' '/User time/{print $2}' "$t")
	rss=$(awk -F': ' '/Maximum resident set size/{print $2}' "$t")
	printf '%9d lines %7d records %-14s %6.2fs wall %6.2fs user %9.0f lines/s  peak RSS %6.1f MiB  live heap %5d MB\n' \
		"$lines" "$records" "${*:-}" "$wall" "$user" "$(echo "$lines / $wall" | bc -l)" "$(echo "$rss / 1024" | bc -l)" "$live"
}

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), CPUs: $(nproc)"
if [[ -n ${PAYREC_BENCH_SIZES:-} ]]; then # "LINES:RECORDS ...", for a quick check of the script
	for size in $PAYREC_BENCH_SIZES; do
		measure "${size%:*}" "${size#*:}"
	done
	exit 0
fi
measure 1000000 50000
measure 100000 50000
measure 1000000 500000
measure 100000 25000
measure 1000000 50000 GOMAXPROCS=1

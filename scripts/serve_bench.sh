#!/usr/bin/env bash
# Load-test payrec serve (SQLite, and PostgreSQL when a URL is given) and
# stripe-mock, in one run, with the same wrk command on the same two calls:
#   POST /v1/payment_records/report_payment   (a new record each request,
#        with a fresh Idempotency-Key, as stripe-go sends)
#   GET  /v1/payment_records/{id}
# and print a Markdown table: requests/s, p99 latency, non-2xx answers, the
# CPU time the server used per request (with PostgreSQL's own beside it:
# the database shares the machine), and the server's peak resident memory
# (VmHWM). On a shared machine, CPU per request moves less than requests/s.
#
# Needs wrk (apt-get install wrk) and stripe-mock
# (go install github.com/stripe/stripe-mock@v0.203.0).
#
# Usage: scripts/serve_bench.sh [DURATION]      (default 10s per run)
#   PAYREC_BENCH_POSTGRES=postgres://postgres@127.0.0.1:5432/test?sslmode=disable
#   (or PAYREC_TEST_POSTGRES) adds the PostgreSQL rows.
set -euo pipefail
cd "$(dirname "$0")/.."

duration=${1:-10s}
threads=2
conns=32
pg=${PAYREC_BENCH_POSTGRES:-${PAYREC_TEST_POSTGRES:-}}
key=sk_test_bench
mock=${STRIPE_MOCK:-$(go env GOPATH)/bin/stripe-mock}
command -v wrk >/dev/null || { echo "wrk not found: apt-get install wrk" >&2; exit 1; }
[ -x "$mock" ] || { echo "stripe-mock not found: go install github.com/stripe/stripe-mock@v0.203.0" >&2; exit 1; }

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/payrec" ./cmd/payrec

body='amount_requested[currency]=usd&amount_requested[value]=1000&initiated_at=1730211363&payment_method_details[custom][display_name]=newpay&customer_presence=on_session&description=computer+software&metadata[order]=42'
cat >"$work/post.lua" <<EOF
wrk.method = "POST"
wrk.body = "$body"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Bearer $key"
-- Each wrk thread has a Lua state of its own: number them, so that their
-- idempotency keys differ.
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
local n = 0
local prefix
function init(args)
  prefix = tostring(os.time()) .. "-" .. tostring(tid) .. "-"
end
function request()
  n = n + 1
  wrk.headers["Idempotency-Key"] = prefix .. n
  return wrk.format()
end
EOF

# wait_port HOST:PORT waits until something accepts connections there.
wait_port() {
  for _ in $(seq 1 300); do
    if (exec 3<>"/dev/tcp/${1%:*}/${1#*:}") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "nothing listens on $1" >&2
  return 1
}

# cputicks PID...: the CPU time (user and system, in clock ticks) the
# processes have used.
cputicks() {
  local t=0 p
  for p in "$@"; do
    t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)))
  done
  echo "$t"
}

# perreq TICKS REQUESTS: microseconds of CPU per request.
perreq() { echo $(( $1 * 1000000 / $(getconf CLK_TCK) / $2 )); }

# measure NAME PID URL: runs wrk on both calls and prints two table rows.
measure() {
  local name=$1 pid=$2 url=$3 id out c0 c1 d0 d1 reqs cpu
  id=$(curl -sf -H "Authorization: Bearer $key" -d "$body" "$url/v1/payment_records/report_payment" |
    grep -o '"id": *"[^"]*"' | head -n 1 | sed 's/.*"\([^"]*\)"$/\1/')
  [ -n "$id" ] || { echo "$name: could not create a record" >&2; return 1; }
  for call in post get; do
    c0=$(cputicks "$pid"); d0=$(cputicks $(pgrep -x postgres))
    if [ $call = post ]; then
      out=$(wrk -t$threads -c$conns -d"$duration" --latency -s "$work/post.lua" "$url/v1/payment_records/report_payment")
      label="POST report_payment"
    else
      out=$(wrk -t$threads -c$conns -d"$duration" --latency -H "Authorization: Bearer $key" "$url/v1/payment_records/$id")
      label="GET payment_records/{id}"
    fi
    c1=$(cputicks "$pid"); d1=$(cputicks $(pgrep -x postgres))
    reqs=$(awk '/requests in/ {print $1}' <<<"$out")
    cpu="$(perreq $((c1 - c0)) "$reqs") µs"
    case $name in *PostgreSQL*) cpu="$cpu + $(perreq $((d1 - d0)) "$reqs") µs" ;; esac
    rps=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' <<<"$out")
    errs=$(awk '/Socket errors:/ {sub(/^ *Socket errors: */, ""); print}' <<<"$out")
    rss=$(awk '/^VmHWM:/ {printf "%.0f MiB", $2/1024}' "/proc/$pid/status")
    printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$name" "$label" "$rps" "$p99" "${non2xx:-0}${errs:+ (socket: $errs)}" "$cpu" "$rss"
  done
}

echo "wrk -t$threads -c$conns -d$duration --latency; $(nproc) cores; $(date -u +%FT%TZ)"
echo
echo "| server | call | req/s | p99 | non-2xx | CPU/request (+ PostgreSQL's) | peak RSS |"
echo "|---|---|---:|---:|---:|---:|---:|"

"$mock" -http-addr 127.0.0.1:12111 -https-addr 127.0.0.1:12112 >"$work/mock.log" 2>&1 &
pids+=($!)
wait_port 127.0.0.1:12111
measure "stripe-mock v0.203.0" "${pids[-1]}" http://127.0.0.1:12111
kill "${pids[-1]}"

PAYREC_API_KEYS=$key "$work/payrec" serve -addr 127.0.0.1:12121 -store "sqlite:$work/bench.db" 2>"$work/sqlite.log" &
pids+=($!)
wait_port 127.0.0.1:12121
measure "payrec serve, SQLite" "${pids[-1]}" http://127.0.0.1:12121
kill -TERM "${pids[-1]}"
wait "${pids[-1]}" || true

if [ -n "$pg" ]; then
  schema="bench_$(date +%s)"
  sep='?'; case $pg in *\?*) sep='&' ;; esac
  PAYREC_API_KEYS=$key "$work/payrec" serve -addr 127.0.0.1:12122 -store "$pg${sep}search_path=$schema" 2>"$work/pg.log" &
  pids+=($!)
  wait_port 127.0.0.1:12122
  measure "payrec serve, PostgreSQL" "${pids[-1]}" http://127.0.0.1:12122
  kill -TERM "${pids[-1]}"
  wait "${pids[-1]}" || true
  psql "$pg" -qc "DROP SCHEMA IF EXISTS $schema CASCADE" 2>/dev/null || true
else
  echo
  echo "(PostgreSQL rows skipped: set PAYREC_BENCH_POSTGRES or PAYREC_TEST_POSTGRES)"
fi

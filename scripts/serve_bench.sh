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
# The servers run side by side, and the runs take turns: each round runs
# every server on POST, then every server on GET, so that a machine that
# slows down for a minute slows all of them alike. The table gives each
# round's requests/s and the median; × is the median of the rounds' ratios
# to stripe-mock's requests/s in the same round. p99 and CPU are medians.
#
# Needs wrk (apt-get install wrk) and stripe-mock
# (go install github.com/stripe/stripe-mock@v0.203.0).
#
# Usage: scripts/serve_bench.sh [DURATION [ROUNDS]]  (default 10s, 3 rounds)
#   PAYREC_BENCH_POSTGRES=postgres://postgres@127.0.0.1:5432/test?sslmode=disable
#   (or PAYREC_TEST_POSTGRES) adds the PostgreSQL rows.
set -euo pipefail
cd "$(dirname "$0")/.."

duration=${1:-10s}
rounds=${2:-3}
case $rounds in '' | *[!0-9]* | 0) echo "ROUNDS must be a number, 1 or more: $rounds" >&2; exit 2 ;; esac
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

# median N...: the middle value (the lower of the two middle ones).
median() { printf '%s\n' "$@" | LC_ALL=C sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

# create URL: the ID of a new record, for the GETs.
create() {
  curl -sf -H "Authorization: Bearer $key" -d "$body" "$1/v1/payment_records/report_payment" |
    grep -o '"id": *"[^"]*"' | head -n 1 | sed 's/.*"\([^"]*\)"$/\1/'
}

# run I CALL: one wrk run of server I on CALL (post or get); its figures go
# to the files $work/I.CALL.{rps,p99,cpu,db,errs}, a line per round.
run() {
  local i=$1 call=$2 url=${urls[$1]} pid=${spids[$1]} out c0 c1 d0 d1 reqs
  c0=$(cputicks "$pid"); d0=$(cputicks $(pgrep -x postgres))
  if [ "$call" = post ]; then
    out=$(wrk -t$threads -c$conns -d"$duration" --latency -s "$work/post.lua" "$url/v1/payment_records/report_payment")
  else
    out=$(wrk -t$threads -c$conns -d"$duration" --latency -H "Authorization: Bearer $key" "$url/v1/payment_records/${ids[$i]}")
  fi
  c1=$(cputicks "$pid"); d1=$(cputicks $(pgrep -x postgres))
  if [ "$call" = post ]; then
    case ${names[$i]} in *PostgreSQL*)
      # PostgreSQL writes out the pages a run dirtied over the next
      # minutes, and the next server's fsyncs would queue behind those
      # writes: have it write them now, between runs. (CHECKPOINT needs a
      # superuser or the pg_checkpoint role; without either, the script
      # goes on, and the next run may be slowed.)
      psql "$pg" -qc CHECKPOINT >/dev/null 2>&1 || true ;;
    esac
  fi
  reqs=$(awk '/requests in/ {print $1}' <<<"$out")
  awk '/^Requests\/sec:/ {printf "%.0f\n", $2}' <<<"$out" >>"$work/$i.$call.rps"
  awk '$1 == "99%" {v = $2; u = v; sub(/[a-z]+$/, "", v); sub(/^[0-9.]+/, "", u);
    printf "%.2f\n", v * (u == "s" ? 1000 : u == "us" ? 0.001 : 1)}' <<<"$out" >>"$work/$i.$call.p99"
  perreq $((c1 - c0)) "$reqs" >>"$work/$i.$call.cpu"
  perreq $((d1 - d0)) "$reqs" >>"$work/$i.$call.db"
  { awk '/Non-2xx or 3xx responses:/ {print $NF}' <<<"$out"
    awk '/Socket errors:/ {sub(/^ *Socket errors: */, ""); print "socket: " $0}' <<<"$out"; } >>"$work/$i.$call.errs"
}

names=(); urls=(); spids=(); ids=()
"$mock" -http-addr 127.0.0.1:12111 -https-addr 127.0.0.1:12112 >"$work/mock.log" 2>&1 &
pids+=($!); names+=("stripe-mock v0.203.0"); urls+=(http://127.0.0.1:12111); spids+=($!)
PAYREC_API_KEYS=$key "$work/payrec" serve -addr 127.0.0.1:12121 -store "sqlite:$work/bench.db" 2>"$work/sqlite.log" &
pids+=($!); names+=("payrec serve, SQLite"); urls+=(http://127.0.0.1:12121); spids+=($!)
schema=""
if [ -n "$pg" ]; then
  schema="bench_$(date +%s)"
  sep='?'; case $pg in *\?*) sep='&' ;; esac
  PAYREC_API_KEYS=$key "$work/payrec" serve -addr 127.0.0.1:12122 -store "$pg${sep}search_path=$schema" 2>"$work/pg.log" &
  pids+=($!); names+=("payrec serve, PostgreSQL"); urls+=(http://127.0.0.1:12122); spids+=($!)
fi
for i in "${!urls[@]}"; do
  wait_port "${urls[$i]#http://}"
  if ! ids[$i]=$(create "${urls[$i]}") || [ -z "${ids[$i]}" ]; then
    echo "${names[$i]}: could not create a record; its log:" >&2
    tail -n 20 "$work"/*.log >&2
    exit 1
  fi
done

echo "wrk -t$threads -c$conns -d$duration --latency, $rounds rounds; $(nproc) cores; $(date -u +%FT%TZ)"
echo
echo "| server | call | req/s per round | req/s (median) | × stripe-mock | p99 | non-2xx | CPU/request (+ PostgreSQL's) | peak RSS |"
echo "|---|---|---|---:|---:|---:|---:|---:|---:|"
for r in $(seq "$rounds"); do
  for call in post get; do
    for i in "${!urls[@]}"; do run "$i" "$call"; done
  done
done
for i in "${!urls[@]}"; do
  rss=$(awk '/^VmHWM:/ {printf "%.0f MiB", $2/1024}' "/proc/${spids[$i]}/status")
  for call in post get; do
    label="POST report_payment"; [ $call = get ] && label="GET payment_records/{id}"
    mapfile -t rps <"$work/$i.$call.rps"
    mapfile -t base <"$work/0.$call.rps"
    ratio="—"
    if [ "$i" -gt 0 ]; then
      ratios=(); for k in "${!rps[@]}"; do ratios+=("$(awk -v a="${rps[$k]}" -v b="${base[$k]}" 'BEGIN {printf "%.3f", a / b}')"); done
      ratio=$(awk -v r="$(median "${ratios[@]}")" 'BEGIN {printf "%.2f", r}')
    fi
    cpu="$(median $(cat "$work/$i.$call.cpu")) µs"
    case ${names[$i]} in *PostgreSQL*) cpu="$cpu + $(median $(cat "$work/$i.$call.db")) µs" ;; esac
    errs=$(awk '/^socket/ {s = s (s ? "; " : "") $0; next} {n += $1} END {print (n + 0) (s ? " (" s ")" : "")}' "$work/$i.$call.errs")
    printf '| %s | %s | %s | %s | %s | %s ms | %s | %s | %s |\n' "${names[$i]}" "$label" "$(paste -sd/ "$work/$i.$call.rps" | sed 's#/# / #g')" \
      "$(median "${rps[@]}")" "$ratio" "$(median $(cat "$work/$i.$call.p99"))" "$errs" "$cpu" "$rss"
  done
done
for p in "${spids[@]}"; do kill -TERM "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
if [ -n "$schema" ]; then
  psql "$pg" -qc "DROP SCHEMA IF EXISTS $schema CASCADE" 2>/dev/null || true
else
  echo
  echo "(PostgreSQL rows skipped: set PAYREC_BENCH_POSTGRES or PAYREC_TEST_POSTGRES)"
fi

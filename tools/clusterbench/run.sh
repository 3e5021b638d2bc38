#!/usr/bin/env bash
# Measures hob bench against one hob node and against a 3-node cluster
# (embedded NATS over loopback routes) on this machine, both on a
# throwaway PostgreSQL. Plain MQTT (--dev) on loopback, so TLS is not
# part of the comparison. Prints each run's report; docs/benchmarks.md
# records the results. Run from the repository root as root (PostgreSQL
# runs as the postgres user). Usage: tools/clusterbench/run.sh [OUTDIR]
set -euo pipefail
out=${1:-/tmp/clusterbench}
rm -rf "$out"; mkdir -p "$out"
pgbin=/usr/lib/postgresql/15/bin
go build -o "$out/hob" ./cmd/hob
hob="$out/hob"

# PostgreSQL on a unix socket, owned by postgres.
pg="$out/pg"; mkdir -p "$pg/data" "$pg/sock"; chown -R postgres "$pg"
runuser -u postgres -- "$pgbin/initdb" -D "$pg/data" -A trust -U postgres >/dev/null
runuser -u postgres -- "$pgbin/pg_ctl" -D "$pg/data" -l "$pg/log" -w \
  -o "-c listen_addresses='' -k $pg/sock -c fsync=on" start >/dev/null
cleanup() {
  kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true
  runuser -u postgres -- "$pgbin/pg_ctl" -D "$pg/data" -m fast stop >/dev/null || true
}
trap cleanup EXIT
db() { runuser -u postgres -- "$pgbin/createdb" -h "$pg/sock" "$1"; echo "postgres://postgres@/$1?host=$pg/sock&sslmode=disable"; }

# node I STORE [cluster flags...]: hob serve --dev on 127.0.0.1, ports 2I8xx.
node() {
  local i=$1 store=$2; shift 2
  "$hob" serve --dev --data-dir "$out/d$i" --store "$store" --log-level warn \
    --https-addr 127.0.0.1:2${i}443 --mqtt-addr 127.0.0.1:2${i}883 --dev-mqtt-addr 127.0.0.1:2${i}183 \
    --metrics-addr 127.0.0.1:2${i}090 "$@" >"$out/node$i.log" 2>&1 &
}
healthy() { # port members
  for _ in $(seq 600); do
    if curl -sf "http://127.0.0.1:$1/healthz" | grep -q "${2:-ok}"; then return; fi
    sleep 0.1
  done
  echo "node on $1 not healthy" >&2; exit 1
}
bench() { "$hob" bench --quiet "$@"; }

# Each scenario: one node (both ends on it) versus 3 nodes (publishers on
# n1, the subscriber on n2, so every message crosses NATS).
scenarios=(
  "F0|--clients 4 --duration 5s"
  "F1|--clients 4 --qos 1 --duration 5s"
  "L0|--clients 4 --rate 5000 --duration 10s"
)

echo "== one node"
node 1 "$(db single)"; healthy 21090
for s in "${scenarios[@]}"; do
  name=${s%%|*}; args=${s#*|}
  echo "-- $name one node: fan-in $args"
  bench --url mqtt://127.0.0.1:21183 --mode fan-in $args
done
kill %1; wait %1 2>/dev/null || true

echo "== three nodes"
store=$(db cluster)
routes=nats://127.0.0.1:26221,nats://127.0.0.1:26222,nats://127.0.0.1:26223
for i in 1 2 3; do node $i "$store" --node-id n$i --cluster-listen 127.0.0.1:2622$i --cluster-routes $routes; done
for i in 1 2 3; do healthy 2${i}090 '"members":\["n1","n2","n3"\]'; done
for s in "${scenarios[@]}"; do
  name=${s%%|*}; args=${s#*|}
  dur=$(grep -o -- '--duration [0-9]*' <<<"$args" | awk '{print $2}')
  qos=$(grep -o -- '--qos [0-9]' <<<"$args" || true)
  echo "-- $name three nodes: pub on n1, sub on n2: $args"
  bench --url mqtt://127.0.0.1:22183 --mode sub --subscribers 1 $qos --duration $((dur + 3))s > "$out/sub-$name.txt" &
  sp=$!
  sleep 1.5 # the subscription's interest reaches n1's NATS server
  bench --url mqtt://127.0.0.1:21183 --mode pub $args > "$out/pub-$name.txt" || true
  wait $sp || true
  echo "publisher:"; cat "$out/pub-$name.txt"; echo "subscriber:"; cat "$out/sub-$name.txt"
done

#!/usr/bin/env bash
# A/B of the 1 GiB upload (curl -T, PUT /v2/images/{id}/file) between builds or JVM options of
# `stowage serve`: one server per variant, all started first and warmed up with two uploads
# each, then ROUNDS rounds in which the variants take turns (the order flips every round), each
# upload after `sync` with the input in the page cache. Prints every upload (seconds, server CPU
# ticks) and, per variant, the median with every value in the order run.
# Usage: bench/http/ab.sh NAME=DIST[|JAVA_OPTS] ...
#   e.g. bench/http/ab.sh main=/tmp/main-dist new=app/target/stowage "deep=app/target/stowage|-Dx=1"
#   ROUNDS=6   WORK=/var/tmp/stowage-http-ab   INPUT=1 GiB file (made from /dev/urandom if absent)
#   DURABLE=true|false   the filesystem store's `durable`
set -euo pipefail
[ $# -ge 1 ] || { sed -n '2,12p' "$0" >&2; exit 2; }
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/bench/lib/serve.sh"
ROUNDS=${ROUNDS:-6}
WORK=${WORK:-/var/tmp/stowage-http-ab}
INPUT=${INPUT:-$WORK/data.bin}
mkdir -p "$WORK"
[ -f "$INPUT" ] || head -c 1G /dev/urandom > "$INPUT"

names=(); PIDS=(); port=19700
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT
for spec in "$@"; do
  name=${spec%%=*}; rest=${spec#*=}; dist=$(cd "${rest%%|*}" && pwd); opts=
  [ "$rest" != "${rest#*|}" ] && opts=${rest#*|}
  rm -rf "${WORK:?}/$name"; mkdir -p "$WORK/$name"
  cat > "$WORK/$name/stowage.yaml" <<EOC
plugins: { dir: $dist/plugins }
registry: { url: "jdbc:sqlite:registry.db" }
default_store: local
stores:
  local: { type: filesystem, datadir: images, durable: ${DURABLE:-true} }
EOC
  STOWAGE_JAVA_OPTS="$opts" serve_start "$WORK/$name" "$dist" $port
  PIDS+=("$SERVE_PID"); names+=("$name")
  eval "pid_$name=$SERVE_PID port_$name=$port"
  for _ in 1 2; do
    id=$(new_image "http://127.0.0.1:$port"); upload "http://127.0.0.1:$port" "$id" "$INPUT"
    curl -sfS -X DELETE "http://127.0.0.1:$port/v2/images/$id"
  done
  port=$((port + 1))
done
cat "$INPUT" > /dev/null

: > "$WORK/results"
for r in $(seq "$ROUNDS"); do
  order=("${names[@]}"); (( r % 2 )) || order=($(printf '%s\n' "${names[@]}" | tac))
  for n in "${order[@]}"; do
    eval "p=\$port_$n pid=\$pid_$n"
    id=$(new_image "http://127.0.0.1:$p"); sync; c0=$(cpu_ticks "$pid")
    t=$(timed_upload "http://127.0.0.1:$p" "$id" "$INPUT")
    echo "round $r $n $t s, server CPU $(( $(cpu_ticks "$pid") - c0 )) ticks" >&2
    echo "$n $t" >> "$WORK/results"
    curl -sfS -X DELETE "http://127.0.0.1:$p/v2/images/$id"
  done
done
for n in "${names[@]}"; do
  runs=$(awk -v n="$n" '$1 == n {printf "%.2f ", $2}' "$WORK/results")
  median=$(printf '%s\n' $runs | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')
  printf '%-10s median %s s (%s)\n' "$n" "$median" "${runs% }"
done

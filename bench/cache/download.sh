#!/usr/bin/env bash
# 1 GiB downloads through the image cache, over loopback, side by side with the references:
#   hit-stowage    GET /v2/images/{id}/file from `stowage serve` with the image cached (sendfile
#                  from the cache entry)
#   hit-nginx      Debian nginx (sendfile on) serving that same cache entry file
#   hit-glance     the real Glance 25.1 (Debian python3-glance, xattr cache, cachemanagement
#                  pipeline) with the image cached
#   fill-stowage   the first download after the entry was dropped (DELETE /v2/cache/{id}): read
#                  from the filesystem store, teed into the cache, md5 + sha512 checked, committed
#   fill-glance    the same on Glance (its cache middleware tees and checks md5)
# Every run checks the status and, for the fill runs, that the image is cached afterwards; the
# bodies' md5 is checked once per variant before the timed runs, the entries' after them.
# Variants alternate within each round (the order flips every round); each timed run starts
# after `sync` with the input in the page cache. Times are curl's time_total (first byte of the
# request to the last byte of the body).
# Besides curl's time, each run records the server's CPU (user+sys of `stowage serve`, or of the
# Glance API's process tree; nginx's is not taken) from before the request to after the entry is
# committed (fill runs), and the time to the committed entry ("commit s", fill runs): the CPU
# numbers stay meaningful on a loaded machine where the wall times are not.
# Targets (issue 9): hit-stowage >= 0.9x nginx; fill-stowage >= 2x faster than fill-glance.
# Usage: bench/cache/download.sh [rounds]   (WORK=/var/tmp/stowage-cache-download by default;
#        needs nginx, python3-glance, curl; about 6 GiB in WORK)
#   SKIP_BUILD=1       do not build (use app/target/stowage as it is)
#   DIST=dir           run that Stowage distribution instead of app/target/stowage (before/after)
#   VARIANTS="a b"     only these variants (default: all five)
set -euo pipefail
ROUNDS=${1:-5}
WORK=${WORK:-/var/tmp/stowage-cache-download}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
. "$ROOT/bench/lib/serve.sh"
PY=/usr/bin/python3
SP=${SP:-19594}; GP=${GP:-19595}; NP=${NP:-19596}
REFERENCE=${REFERENCE:-/work/shared/reference/glance-api.sh}
[ -f "$REFERENCE" ] || REFERENCE="$ROOT/app/src/test/resources/io/stowage/app/server/glance-reference-api.sh"

if [ -z "${SKIP_BUILD:-}" ]; then
  mvn -B -q -o -f "$ROOT/pom.xml" -pl store-api,store-filesystem,store-cache-xattr,app -am install -DskipTests
fi
# A snapshot of the distribution, so that rebuilding the tree while this runs changes nothing.
rm -rf "$WORK/dist" "$WORK/s" "$WORK/g" "$WORK/n" && mkdir -p "$WORK/s" "$WORK/g" "$WORK/n"
cp -r "${DIST:-$ROOT/app/target/stowage}" "$WORK/dist"
cat > "$WORK/s/stowage.yaml" <<EOC
plugins: { dir: $WORK/dist/plugins }
registry: { url: "jdbc:sqlite:registry.db" }
default_store: local
stores:
  local: { type: filesystem, datadir: images }
cache:
  driver: xattr
  dir: cache
  max_size: 10GiB
  stall_time: 1d
EOC

INPUT="$WORK/data.bin"
if [ ! -f "$INPUT" ] || [ "$(stat -c %s "$INPUT")" != 1073741824 ]; then
  head -c 1G /dev/urandom > "$INPUT"
fi
cat "$INPUT" > /dev/null
expected=$(md5sum < "$INPUT" | cut -d' ' -f1)

SERVE_PID=
cleanup() {
  [ -n "$SERVE_PID" ] && kill "$SERVE_PID" 2>/dev/null || true
  [ -f "$WORK/g/api.pid" ] && kill "$(cat "$WORK/g/api.pid")" 2>/dev/null || true
  [ -f "$WORK/n/nginx.pid" ] && kill "$(cat "$WORK/n/nginx.pid")" 2>/dev/null || true
}
trap cleanup EXIT

serve_start "$WORK/s" "$WORK/dist" $SP
SPID=$SERVE_PID
PORT=$GP sh "$REFERENCE" "$WORK/g" >/dev/null
cat > "$WORK/n/nginx.conf" <<EOC
daemon on; worker_processes 1; pid $WORK/n/nginx.pid; error_log $WORK/n/error.log;
events { worker_connections 64; }
http { access_log off; sendfile on; tcp_nopush on;
  server { listen 127.0.0.1:$NP; root $WORK/s/cache; location / { default_type application/octet-stream; } } }
EOC
nginx -c "$WORK/n/nginx.conf"

S=http://127.0.0.1:$SP; G=http://127.0.0.1:$GP; N=http://127.0.0.1:$NP
# $1 url → seconds; checks the status (the body goes to /dev/null: a checksum in the pipe would
# slow curl down to its speed)
download() {
  local out
  out=$(curl -sS -o /dev/null -w '%{http_code} %{time_total}' "$1")
  [ "${out%% *}" = 200 ] || { echo "GET $1 answered ${out%% *}" >&2; exit 1; }
  echo "${out#* }"
}
check() { # $1 url: the body's md5 is the input's (untimed)
  local sum
  sum=$(curl -sfS "$1" | md5sum | cut -d' ' -f1)
  [ "$sum" = "$expected" ] || { echo "GET $1: md5 $sum, expected $expected" >&2; exit 1; }
}
cached() { # $1 base $2 id: waits until the image is listed as cached (the commit follows the body)
  for _ in $(seq 200); do
    curl -sfS "$1/v2/cache" | $PY -c "import json,sys; sys.exit(0 if '$2' in [e['image_id'] for e in json.load(sys.stdin)['cached_images']] else 1)" && return 0
    sleep 0.1
  done
  echo "$1 did not cache $2" >&2; exit 1
}
evict() { # $1 base $2 id
  local code
  code=$(curl -sS -o /dev/null -w '%{http_code}' -X DELETE "$1/v2/cache/$2")
  [ "$code" = 204 ] || { echo "DELETE $1/v2/cache/$2 answered $code" >&2; exit 1; }
}

SID=$(new_image $S); upload $S "$SID" "$INPUT"
GID=$(new_image $G); upload $G "$GID" "$INPUT"
check "$S/v2/images/$SID/file"; cached $S "$SID"   # filled from the store
check "$G/v2/images/$GID/file"; cached $G "$GID"
check "$S/v2/images/$SID/file"; check "$N/$SID"; check "$G/v2/images/$GID/file"  # hits
cat "$WORK/s/cache/$SID" > /dev/null

now() { date +%s.%N; }
RESULTS="$WORK/results.txt"; : > "$RESULTS"
GPID=$(cat "$WORK/g/api.pid")
run() {
  local v=$1 t= c0= c1= t0= t1= pid=
  case $v in *-stowage) pid=$SPID ;; *-glance) pid=$GPID ;; esac
  sync
  [ -n "$pid" ] && c0=$(cpu_tree "$pid")
  case $v in
    hit-stowage) t=$(download "$S/v2/images/$SID/file") ;;
    hit-nginx) t=$(download "$N/$SID") ;;
    hit-glance) t=$(download "$G/v2/images/$GID/file") ;;
    fill-stowage) evict $S "$SID"; t0=$(now); t=$(download "$S/v2/images/$SID/file"); cached $S "$SID"; t1=$(now) ;;
    fill-glance) evict $G "$GID"; t0=$(now); t=$(download "$G/v2/images/$GID/file"); cached $G "$GID"; t1=$(now) ;;
  esac
  local cpu=- commit=-
  [ -n "$pid" ] && { c1=$(cpu_tree "$pid"); cpu=$($PY -c "print(f'{$c1 - $c0:.2f}')"); }
  [ -n "$t0" ] && commit=$($PY -c "print(f'{$t1 - $t0:.3f}')")
  echo "$v $t $cpu $commit" >> "$RESULTS"
  echo "round $r $v $t s, server cpu $cpu s, to the committed entry $commit s (load $(cut -d' ' -f1 /proc/loadavg))" >&2
}

# After the runs: the entries the fill runs committed hold the input's bytes.
verify_entries() {
  [ "$(md5sum < "$WORK/s/cache/$SID" | cut -d' ' -f1)" = "$expected" ] || { echo "Stowage's cache entry differs" >&2; exit 1; }
  [ "$(md5sum < "$WORK/g/cache/$GID" | cut -d' ' -f1)" = "$expected" ] || { echo "Glance's cache entry differs" >&2; exit 1; }
}

read -r -a VARIANTS <<< "${VARIANTS:-hit-stowage hit-nginx hit-glance fill-stowage fill-glance}"
for r in $(seq "$ROUNDS"); do
  if (( r % 2 )); then order=("${VARIANTS[@]}"); else order=(); for ((i=${#VARIANTS[@]}-1; i>=0; i--)); do order+=("${VARIANTS[$i]}"); done; fi
  for v in "${order[@]}"; do run "$v"; done
done
verify_entries

$PY - "$RESULTS" <<'EOP'
import sys, statistics
rows, cpus, commits = {}, {}, {}
for line in open(sys.argv[1]):
    v, t, c, k = line.split()
    rows.setdefault(v, []).append(float(t))
    if c != '-': cpus.setdefault(v, []).append(float(c))
    if k != '-': commits.setdefault(v, []).append(float(k))
med = {v: statistics.median(ts) for v, ts in rows.items()}
def col(d, v):
    if v not in d: return "-"
    return f"{statistics.median(d[v]):.3f} ({' '.join(f'{x:.3f}' for x in d[v])})"
print("| variant | median s | runs | server cpu s: median (runs) | to committed entry s: median (runs) |\n|---|---|---|---|---|")
for v, ts in rows.items():
    print(f"| {v} | {med[v]:.3f} | {' '.join(f'{t:.3f}' for t in ts)} | {col(cpus, v)} | {col(commits, v)} |")
def ratio(text, a, b):
    if a in med and b in med: print(f"{text}: {med[a] / med[b]:.2f}x")
print()
ratio("cache hit, Stowage vs nginx (nginx time / Stowage time; target >= 0.9)", 'hit-nginx', 'hit-stowage')
ratio("cache hit, Glance vs nginx", 'hit-nginx', 'hit-glance')
ratio("first download filling the cache, Stowage vs Glance (target >= 2)", 'fill-glance', 'fill-stowage')
EOP

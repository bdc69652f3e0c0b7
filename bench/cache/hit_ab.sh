#!/usr/bin/env bash
# A/B of the download send path: 1 GiB downloads from several `stowage serve` builds side by side
# with nginx, alternating, the order flipping every round. Per build one server with the xattr
# cache and the image cached; variants per build:
#   hit     GET /v2/images/{id}/file, served from the cache entry
#   store   the same with `Range: bytes=0-` (206): ranges are never cached, so this is the
#           filesystem store's file sent whole (the path of a download without a cache)
# and nginx (sendfile on) serving the first build's cache entry. Records curl's time_total, the
# server's CPU (user+sys of the `stowage serve` process, or of nginx's worker, /proc) and curl's own CPU (the receiver's
# cost depends on how the sender built its packets). CHRT=10 runs servers, nginx and curl under
# SCHED_FIFO priority 10, so other processes on a loaded machine get less in the way.
# Usage: bench/cache/hit_ab.sh ROUNDS name=DIST [name=DIST ...]
#   WORK (default /var/tmp/stowage-hit-ab), BASEPORT (default 29640), CHRT (default none)
set -euo pipefail
ROUNDS=$1; shift
. "$(cd "$(dirname "$0")/../lib" && pwd)/serve.sh"
WORK=${WORK:-/var/tmp/stowage-hit-ab}; BASEPORT=${BASEPORT:-29640}; PY=/usr/bin/python3
FIFO=(); [ -n "${CHRT:-}" ] && FIFO=(chrt -f "$CHRT")
INPUT=${INPUT:-/var/tmp/stowage-cache-download/data.bin}
if [ ! -f "$INPUT" ] || [ "$(stat -c %s "$INPUT")" != 1073741824 ]; then
  mkdir -p "$(dirname "$INPUT")"; head -c 1G /dev/urandom > "$INPUT"
fi
expected=$(md5sum < "$INPUT" | cut -d' ' -f1)
rm -rf "$WORK"; mkdir -p "$WORK"
NAMES=(); PIDS=(); PORTS=(); IDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
}
trap cleanup EXIT
i=0
for spec in "$@"; do
  name=${spec%%=*}; dist=${spec#*=}; port=$((BASEPORT + i)); d=$WORK/$name
  mkdir -p "$d"; cp -r "$dist" "$d/dist"
  cat > "$d/stowage.yaml" <<EOC
plugins: { dir: $d/dist/plugins }
registry: { url: "jdbc:sqlite:registry.db" }
default_store: local
stores:
  local: { type: filesystem, datadir: images }
cache: { driver: xattr, dir: cache, max_size: 10GiB, stall_time: 1d }
EOC
  serve_start "$d" "$d/dist" $port "${FIFO[@]}"
  PIDS+=($SERVE_PID); NAMES+=("$name"); PORTS+=($port); i=$((i + 1))
done
for k in "${!NAMES[@]}"; do
  d=$WORK/${NAMES[$k]}; S=http://127.0.0.1:${PORTS[$k]}
  id=$(new_image $S)
  upload $S $id "$INPUT"
  [ "$(curl -sfS $S/v2/images/$id/file | md5sum | cut -d' ' -f1)" = "$expected" ]   # the fill
  for _ in $(seq 200); do curl -sfS $S/v2/cache | grep -q "$id" && break; sleep 0.1; done
  [ "$(curl -sfS $S/v2/images/$id/file | md5sum | cut -d' ' -f1)" = "$expected" ] || { echo "${NAMES[$k]}: hit differs" >&2; exit 1; }
  [ "$(curl -sfS -H 'Range: bytes=0-' $S/v2/images/$id/file | md5sum | cut -d' ' -f1)" = "$expected" ] || { echo "${NAMES[$k]}: range differs" >&2; exit 1; }
  IDS+=("$id")
done
NP=$((BASEPORT + 30))
cat > "$WORK/nginx.conf" <<EOC
daemon on; worker_processes 1; pid $WORK/nginx.pid; error_log $WORK/nginx-error.log;
events { worker_connections 64; }
http { access_log off; sendfile on; tcp_nopush on;
  server { listen 127.0.0.1:$NP; root $WORK/${NAMES[0]}/cache; location / { default_type application/octet-stream; } } }
EOC
"${FIFO[@]}" nginx -c "$WORK/nginx.conf"
[ "$(curl -sfS http://127.0.0.1:$NP/${IDS[0]} | md5sum | cut -d' ' -f1)" = "$expected" ]
cat "$INPUT" "$WORK/${NAMES[0]}/cache/${IDS[0]}" > /dev/null

RESULTS=$WORK/results.txt; : > "$RESULTS"
run() { # $1 label $2 pid or "-" $3 url [$4 header]
  local c0=0 c1=0 out
  sync
  [ "$2" != - ] && c0=$(cpu_ticks "$2")
  out=$(/usr/bin/time -f '%U %S' -o "$WORK/ctime" "${FIFO[@]}" curl -sS -o /dev/null ${4:+-H "$4"} -w '%{http_code} %{time_total}' "$3")
  [ "$2" != - ] && c1=$(cpu_ticks "$2")
  case ${out%% *} in 200|206) ;; *) echo "$1: status ${out%% *}" >&2; exit 1 ;; esac
  local ccpu; ccpu=$(awk '{print $1 + $2}' "$WORK/ctime")
  local scpu=-; [ "$2" != - ] && scpu=$($PY -c "print(($c1 - $c0) / $(getconf CLK_TCK))")
  echo "$1 ${out#* } $scpu $ccpu $(cut -d' ' -f1 /proc/loadavg)" | tee -a "$RESULTS" >&2
}
VARIANTS=()
for k in "${!NAMES[@]}"; do VARIANTS+=("hit-${NAMES[$k]}:$k" "store-${NAMES[$k]}:$k"); done
VARIANTS+=("nginx:-")
for r in $(seq "$ROUNDS"); do
  if (( r % 2 )); then order=("${VARIANTS[@]}"); else order=(); for ((j=${#VARIANTS[@]}-1; j>=0; j--)); do order+=("${VARIANTS[$j]}"); done; fi
  for v in "${order[@]}"; do
    label=${v%%:*}; k=${v#*:}
    if [ "$k" = - ]; then run "$label" "$(pgrep -P "$(cat "$WORK/nginx.pid")" | head -1)" "http://127.0.0.1:$NP/${IDS[0]}"
    elif [[ $label == hit-* ]]; then run "$label" "${PIDS[$k]}" "http://127.0.0.1:${PORTS[$k]}/v2/images/${IDS[$k]}/file"
    else run "$label" "${PIDS[$k]}" "http://127.0.0.1:${PORTS[$k]}/v2/images/${IDS[$k]}/file" 'Range: bytes=0-'; fi
  done
done
$PY - "$RESULTS" <<'EOP'
import sys, statistics
rows = {}
for line in open(sys.argv[1]):
    v, t, s, c, load = line.split()
    rows.setdefault(v, []).append((float(t), None if s == '-' else float(s), float(c), float(load)))
def fmt(xs): return f"{statistics.median(xs):.3f} ({' '.join(f'{x:.3f}' for x in xs)})"
print("| variant | wall s: median (runs) | server CPU s | curl CPU s | load |\n|---|---|---|---|---|")
for v, rs in rows.items():
    srv = fmt([r[1] for r in rs]) if rs[0][1] is not None else "-"
    print(f"| {v} | {fmt([r[0] for r in rs])} | {srv} | {fmt([r[2] for r in rs])} | {min(r[3] for r in rs):.1f}–{max(r[3] for r in rs):.1f} |")
if 'nginx' in rows:
    n = statistics.median(r[0] for r in rows['nginx'])
    for v, rs in rows.items():
        if v != 'nginx': print(f"{v}: nginx / {v} = {n / statistics.median(r[0] for r in rs):.2f}x")
EOP

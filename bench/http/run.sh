#!/usr/bin/env bash
# The image service over loopback, side by side with the references, on one 1 GiB random input:
#   up-stowage     curl -T into `stowage serve` (PUT /v2/images/{id}/file, md5 + sha512, the
#                  shipped filesystem store: durable, fsync before commit)
#   up-nosync      the same into a second store of the server with `durable: false`: Glance's
#                  filesystem store does not fsync, so this is the like-for-like comparison
#   up-glance      curl -T into the real Glance 25.1 (Debian python3-glance, filesystem store)
#   put            `stowage put` of the same file (the CLI, JVM start included)
#   down-stowage   GET /v2/images/{id}/file of a stored image (sendfile)
#   down-nginx     Debian nginx (sendfile on) serving the same stored file
#   c16 / c1       16 concurrent 256 MiB uploads vs one 256 MiB upload (aggregate throughput)
#   *-server-cpu   the server's CPU seconds (user + sys) during the uploads above (Glance: its
#                  API's process tree)
#   up-*-curl-cpu  curl's own CPU seconds during a 1 GiB upload: client and server share the two
#                  cores, so (server + curl CPU) / (2 x wall) is how busy the machine was
#   rss-4g         peak RSS (VmHWM) of a fresh server over a 4 GiB chunked upload and download
# Variants alternate within each round (the order flips every round); each timed run starts
# after `sync` with the input in the page cache.
# Usage: bench/http/run.sh [rounds]      (WORK=/var/tmp/stowage-http-bench by default)
#   SKIP_BUILD=1       do not build (use app/target/stowage as it is)
#   VARIANTS="a b"     only these variants (default: all but rss-4g's, which RSS=0 skips)
set -euo pipefail
ROUNDS=${1:-5}
WORK=${WORK:-/var/tmp/stowage-http-bench}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
. "$ROOT/bench/lib/serve.sh"
PY=/usr/bin/python3
SP=19494; GP=19495; NP=19496

if [ -z "${SKIP_BUILD:-}" ]; then
  mvn -B -q -o -f "$ROOT/pom.xml" -pl store-api,store-filesystem,hyperv-vhdx,app -am install -DskipTests
fi
# A snapshot of the distribution, so that rebuilding the tree while this runs changes nothing.
rm -rf "$WORK/dist" "$WORK/s" "$WORK/g" "$WORK/n" && mkdir -p "$WORK/s" "$WORK/g" "$WORK/n"
cp -r "$ROOT/app/target/stowage" "$WORK/dist"
cat > "$WORK/s/stowage.yaml" <<EOC
plugins: { dir: $WORK/dist/plugins }
registry: { url: "jdbc:sqlite:registry.db" }
default_store: local
stores:
  local: { type: filesystem, datadir: images }
  nosync: { type: filesystem, datadir: images-nosync, durable: false }
EOC

INPUT="$WORK/data.bin"
if [ ! -f "$INPUT" ] || [ "$(stat -c %s "$INPUT")" != 1073741824 ]; then
  head -c 1G /dev/urandom > "$INPUT"
fi
head -c 256M "$INPUT" > "$WORK/data256.bin"
cat "$INPUT" "$WORK/data256.bin" > /dev/null

PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$WORK/g/api.pid" ] && kill "$(cat "$WORK/g/api.pid")" 2>/dev/null || true
  [ -f "$WORK/n/nginx.pid" ] && kill "$(cat "$WORK/n/nginx.pid")" 2>/dev/null || true
}
trap cleanup EXIT

start_stowage() {
  serve_start "$WORK/s" "$WORK/dist" $SP
  SPID=$SERVE_PID; PIDS+=($SPID)
}
start_stowage
PORT=$GP /work/shared/reference/glance-api.sh "$WORK/g" >/dev/null
cat > "$WORK/n/nginx.conf" <<EOC
daemon on; worker_processes 1; pid $WORK/n/nginx.pid; error_log $WORK/n/error.log;
events { worker_connections 64; }
http { access_log off; sendfile on; tcp_nopush on;
  server { listen 127.0.0.1:$NP; root $WORK/s/images; location / { default_type application/octet-stream; } } }
EOC
nginx -c "$WORK/n/nginx.conf"

download() { # $1 url → seconds
  local out
  out=$(curl -sS -o /dev/null -w '%{http_code} %{time_total}' "$1")
  [ "${out%% *}" = 200 ] || { echo "GET $1 answered ${out%% *}" >&2; exit 1; }
  echo "${out#* }"
}
now() { date +%s.%N; }

RESULTS="$WORK/results.txt"; : > "$RESULTS"
CURL_CPU="$WORK/curl.cpu" # where timed_upload puts curl's CPU
# One image kept for the download comparison.
KEEP=$(new_image "http://127.0.0.1:$SP"); upload "http://127.0.0.1:$SP" "$KEEP" "$INPUT"
cat "$WORK/s/images/$KEEP" > /dev/null
expected=$(md5sum < "$INPUT" | cut -d' ' -f1)
[ "$(curl -sS "http://127.0.0.1:$SP/v2/images/$KEEP/file" | md5sum | cut -d' ' -f1)" = "$expected" ]
[ "$(curl -sS "http://127.0.0.1:$NP/$KEEP" | md5sum | cut -d' ' -f1)" = "$expected" ]

# CPU seconds (user + sys) the Stowage server has used so far.
server_cpu() { echo "scale=2; $(cpu_ticks "$SPID") / $(getconf CLK_TCK)" | bc; }

GPID=$(cat "$WORK/g/api.pid")
run() {
  local v=$1 t id c0 g0
  sync
  c0=$(server_cpu)
  [ "$v" = up-glance ] && g0=$(cpu_tree "$GPID")
  case $v in
    up-stowage) id=$(new_image "http://127.0.0.1:$SP"); t=$(timed_upload "http://127.0.0.1:$SP" "$id" "$INPUT")
      curl -sfS -X DELETE "http://127.0.0.1:$SP/v2/images/$id" ;;
    up-nosync) id=$(new_image "http://127.0.0.1:$SP"); t=$(timed_upload "http://127.0.0.1:$SP" "$id" "$INPUT" nosync)
      curl -sfS -X DELETE "http://127.0.0.1:$SP/v2/images/$id" ;;
    up-glance) id=$(new_image "http://127.0.0.1:$GP"); t=$(timed_upload "http://127.0.0.1:$GP" "$id" "$INPUT")
      curl -sfS -X DELETE "http://127.0.0.1:$GP/v2/images/$id" ;;
    put) id=put-$RANDOM$RANDOM; local a; a=$(now)
      "$WORK/dist/bin/stowage" put --config "$WORK/s/stowage.yaml" --id "$id" "$INPUT" > /dev/null
      t=$(echo "$(now) - $a" | bc); "$WORK/dist/bin/stowage" rm --config "$WORK/s/stowage.yaml" "file://$WORK/s/images/$id" >/dev/null 2>&1 || rm -f "$WORK/s/images/$id" ;;
    down-stowage) t=$(download "http://127.0.0.1:$SP/v2/images/$KEEP/file") ;;
    down-nginx) t=$(download "http://127.0.0.1:$NP/$KEEP") ;;
    c1) id=$(new_image "http://127.0.0.1:$SP"); t=$(timed_upload "http://127.0.0.1:$SP" "$id" "$WORK/data256.bin")
      curl -sfS -X DELETE "http://127.0.0.1:$SP/v2/images/$id" ;;
    c16) local ids=() a; for i in $(seq 16); do ids+=("$(new_image "http://127.0.0.1:$SP")"); done
      a=$(now)
      local jobs=()
      for id in "${ids[@]}"; do timed_upload "http://127.0.0.1:$SP" "$id" "$WORK/data256.bin" > /dev/null & jobs+=($!); done
      for j in "${jobs[@]}"; do wait "$j" || { echo "a concurrent upload failed" >&2; exit 1; }; done
      t=$(echo "$(now) - $a" | bc)
      for id in "${ids[@]}"; do curl -sfS -X DELETE "http://127.0.0.1:$SP/v2/images/$id"; done ;;
  esac
  echo "$v $t" >> "$RESULTS"
  case $v in up-stowage|up-nosync|c1|c16) echo "$v-server-cpu $(echo "$(server_cpu) - $c0" | bc)" >> "$RESULTS" ;; esac
  case $v in up-glance) echo "$v-server-cpu $($PY -c "print(round($(cpu_tree "$GPID") - $g0, 2))")" >> "$RESULTS" ;; esac
  case $v in up-*) echo "$v-curl-cpu $(cat "$WORK/curl.cpu")" >> "$RESULTS" ;; esac
  echo "round $r $v $t" >&2
}

if [ -n "${VARIANTS:-}" ]; then read -r -a VARIANTS <<< "$VARIANTS"
else VARIANTS=(up-stowage up-nosync up-glance put down-stowage down-nginx c1 c16); fi
for r in $(seq "$ROUNDS"); do
  if (( r % 2 )); then order=("${VARIANTS[@]}"); else order=(); for ((i=${#VARIANTS[@]}-1; i>=0; i--)); do order+=("${VARIANTS[$i]}"); done; fi
  for v in "${order[@]}"; do run "$v"; done
done

# Peak RSS of a fresh server (default heap) over 4 GiB up (chunked) and down.
if [ "${RSS:-1}" != 0 ]; then
kill "$SPID"; wait "$SPID" 2>/dev/null || true
start_stowage
id=$(new_image "http://127.0.0.1:$SP")
code=$(cat "$INPUT" "$INPUT" "$INPUT" "$INPUT" | curl -sS -o /dev/null -w '%{http_code}' -H 'Transfer-Encoding: chunked' \
  -H 'Content-Type: application/octet-stream' -T - "http://127.0.0.1:$SP/v2/images/$id/file")
[ "$code" = 204 ] || { echo "4 GiB upload answered $code" >&2; exit 1; }
download "http://127.0.0.1:$SP/v2/images/$id/file" > /dev/null
JPID=$(pgrep -P "$SPID" java || echo "$SPID")
echo "rss-4g $(awk '/VmHWM/{print $2}' /proc/$JPID/status)" >> "$RESULTS"
curl -sfS -X DELETE "http://127.0.0.1:$SP/v2/images/$id"
fi

$PY - "$RESULTS" <<'EOP'
import sys, statistics
rows = {}
for line in open(sys.argv[1]):
    v, t = line.split()
    rows.setdefault(v, []).append(float(t))
med = {v: statistics.median(ts) for v, ts in rows.items()}
print("| variant | median | runs |\n|---|---|---|")
for v, ts in rows.items():
    unit = " KiB" if v == "rss-4g" else " s"
    print(f"| {v} | {med[v]:.2f}{unit} | {' '.join(f'{t:.2f}' for t in ts)} |")
for who in ("stowage", "glance"):
    w, s, c = med.get(f"up-{who}"), med.get(f"up-{who}-server-cpu"), med.get(f"up-{who}-curl-cpu")
    if w and s and c:
        print(f"upload, {who}: server {s:.2f} + curl {c:.2f} s of CPU in {w:.2f} s on 2 cores: "
              f"{(s + c) / (2 * w):.0%} busy; all of it on both cores would take {(s + c) / 2:.2f} s")
if all(v in med for v in ("up-glance", "up-stowage", "put", "down-nginx", "down-stowage", "c1", "c16")):
    print(f"\nupload Stowage vs Glance: {med['up-glance'] / med['up-stowage']:.2f}x faster")
    print(f"upload over HTTP vs stowage put: {med['put'] / med['up-stowage']:.2f}x")
    print(f"download Stowage vs nginx: {med['down-nginx'] / med['down-stowage']:.2f}x")
    print(f"16 x 256 MiB aggregate vs one 256 MiB stream: {16 * med['c1'] / med['c16']:.2f}x")
    print(f"server CPU per GiB: upload {med['up-stowage-server-cpu']:.2f} s, "
          f"one 256 MiB stream {4 * med['c1-server-cpu']:.2f} s, 16 streams {med['c16-server-cpu'] / 4:.2f} s")
EOP

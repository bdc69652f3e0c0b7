#!/bin/bash
# CPU of 1 GiB cache fills in `stowage serve`, per thread group: for a given distribution, starts
# a server on PORT, uploads the 1 GiB input of bench/cache/download.sh (its WORK/data.bin, made
# if missing), does one untimed fill, then N times: drop the entry (DELETE /v2/cache/{id}),
# download it (curl's time_total: "body"), wait until it is listed as cached ("committed"); prints
# the server process's CPU (user+sys, /proc/<pid>/stat) over that and its threads' CPU grouped by
# name (threads that ended meanwhile count only in the process total). The entry's digest runs
# when it commits, after the body: its reading shows under serving, its hashing under digest-lanes. Alternate distributions to compare builds:
#   for d in /var/tmp/before-dist app/target/stowage; do bench/cache/fill_cpu.sh $d 29611 1; done
# Usage: bench/cache/fill_cpu.sh DIST PORT [N]
set -euo pipefail
DIST=$1; PORT=$2; N=${3:-3}; W=/var/tmp/stowage-fill-cpu-$PORT; PY=/usr/bin/python3
. "$(cd "$(dirname "$0")/../lib" && pwd)/serve.sh"
INPUT=${WORK:-/var/tmp/stowage-cache-download}/data.bin
if [ ! -f "$INPUT" ] || [ "$(stat -c %s "$INPUT")" != 1073741824 ]; then
  mkdir -p "$(dirname "$INPUT")"; head -c 1G /dev/urandom > "$INPUT"
fi
rm -rf $W; mkdir -p $W; cp -r $DIST $W/dist
cat > $W/stowage.yaml <<EOC
plugins: { dir: $W/dist/plugins }
registry: { url: "jdbc:sqlite:registry.db" }
default_store: local
stores:
  local: { type: filesystem, datadir: images }
cache: { driver: xattr, dir: cache, max_size: 10GiB, stall_time: 1d }
EOC
serve_start $W $W/dist $PORT
SPID=$SERVE_PID
trap "kill $SPID; wait $SPID 2>/dev/null || true; rm -rf $W" EXIT
S=http://127.0.0.1:$PORT
ID=$(new_image $S)
upload $S $ID "$INPUT"
snap() { for t in /proc/$SPID/task/*; do echo "$(tr ' ' _ < $t/comm) $(awk '{print $14+$15}' $t/stat)"; done | $PY -c '
import sys, re, collections
d = collections.Counter()
for line in sys.stdin:
    name, ticks = line.rsplit(" ", 1)
    g = "digest-lanes" if name.startswith("stowage-digest") else "serving(XNIO-task)" if "task" in name else "jit" if "Compiler" in name else "gc" if name.startswith(("G1","GC")) else "other"
    d[g] += int(ticks)
print(" ".join(f"{k}={v}" for k, v in sorted(d.items())), end=" ")'; echo "process=$(awk '{print $14+$15}' /proc/$SPID/stat)"; }
curl -sfS -o /dev/null $S/v2/images/$ID/file; sleep 3  # warm-up fill
for i in $(seq $N); do
  curl -sfS -o /dev/null -X DELETE $S/v2/cache/$ID
  sync; a=$(snap); t0=$(date +%s.%N)
  t=$(curl -sS -o /dev/null -w '%{time_total}' $S/v2/images/$ID/file)
  for _ in $(seq 200); do curl -sfS $S/v2/cache | grep -q $ID && break; sleep 0.05; done
  t1=$(date +%s.%N); b=$(snap)
  $PY -c "
a=dict(x.split('=') for x in '$a'.split()); b=dict(x.split('=') for x in '$b'.split())
d={k:(int(b[k])-int(a.get(k,0)))/100 for k in b}; p=d.pop('process')
print(f'body {float(\"$t\"):.3f} s  committed {$t1-$t0:.3f} s  process cpu {p:.2f} s: ' + ' '.join(f'{k} {v:.2f}' for k,v in sorted(d.items()) if v), '(load $(cut -d' ' -f1 /proc/loadavg))')"
done

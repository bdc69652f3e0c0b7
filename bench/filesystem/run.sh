#!/usr/bin/env bash
# Filesystem store add, side by side on one disk and one 1 GiB input, md5 + sha512:
#   dd / dd conv=fsync          the disk's limit (no hashing)
#   glance                       glance_store 4.1.0 filesystem Store.add (Debian python3-glance-store)
#   glance-fsync                 the same, then fsync of the file and its folder
#   stowage                      Stowage's filesystem store, durable: false
#   stowage-durable              Stowage's filesystem store, durable: true
# Variants alternate within each round; every run starts after `sync` with the input cached.
# Usage: bench/filesystem/run.sh [rounds]     (WORK=/var/tmp/... to choose the disk;
#        WRITE_BPS=524288000 to throttle fsync writeback, see below)
set -euo pipefail
ROUNDS=${1:-5}
WORK=${WORK:-/var/tmp/stowage-fs-bench}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
M2=${M2:-$HOME/.m2/repository}
PY=/usr/bin/python3

mvn -q -o -f "$ROOT/pom.xml" -pl store-filesystem -am package -DskipTests
# A snapshot of the classes, so that rebuilding the tree while this runs changes nothing.
rm -rf "$WORK/classes" && mkdir -p "$WORK/classes"
cp -r "$ROOT/store-api/target/classes/." "$ROOT/store-filesystem/target/classes/." "$WORK/classes/"
CP="$WORK/classes"
CP="$CP:$M2/org/pf4j/pf4j/3.13.0/pf4j-3.13.0.jar:$M2/org/slf4j/slf4j-api/2.0.16/slf4j-api-2.0.16.jar:$M2/org/slf4j/slf4j-nop/2.0.16/slf4j-nop-2.0.16.jar"
javac -nowarn -d "$WORK/classes" -cp "$CP" "$HERE/FsAddBench.java"

# WRITE_BPS=bytes/s (root, cgroup v1 blkio) throttles writeback that the benchmarked processes
# issue themselves (fsync), to see how the variants fare on a slower disk than this one.
if [ -n "${WRITE_BPS:-}" ]; then
  CG=/sys/fs/cgroup/blkio/stowage-fs-bench
  SRC=$(df --output=source "$WORK" | tail -1)
  PARENT=$(lsblk -no PKNAME "$SRC" | head -1)
  DEV=$(lsblk -dno MAJ:MIN "${PARENT:+/dev/}${PARENT:-$SRC}" | tr -d ' ')
  mkdir -p "$CG"
  echo "$DEV $WRITE_BPS" > "$CG/blkio.throttle.write_bps_device"
  echo $$ > "$CG/cgroup.procs"
  trap 'echo $$ > /sys/fs/cgroup/blkio/cgroup.procs; rmdir "$CG"' EXIT
  echo "fsync writeback throttled to $WRITE_BPS bytes/s on $DEV" >&2
fi

INPUT="$WORK/input.bin"
if [ ! -f "$INPUT" ] || [ "$(stat -c %s "$INPUT")" != 1073741824 ]; then
  head -c 1G /dev/urandom > "$INPUT"
fi
cat "$INPUT" > /dev/null
RESULTS="$WORK/results.txt"
: > "$RESULTS"

run() {
  local variant=$1 out="$WORK/out"
  rm -rf "$out"
  sync
  case $variant in
    dd) dd if="$INPUT" of="$out" bs=1M 2>&1 | sed -n 's/.*copied, \([0-9.]*\) s.*/\1/p' ;;
    dd-fsync) dd if="$INPUT" of="$out" bs=1M conv=fsync 2>&1 | sed -n 's/.*copied, \([0-9.]*\) s.*/\1/p' ;;
    glance) $PY "$HERE/glance_add.py" "$INPUT" "$out" ;;
    glance-fsync) $PY "$HERE/glance_add.py" "$INPUT" "$out" fsync ;;
    stowage) java -cp "$CP" FsAddBench "$INPUT" "$out" nondurable ;;
    stowage-durable) java -cp "$CP" FsAddBench "$INPUT" "$out" durable ;;
  esac
}

# Percent of CPU time idle over one second, from /proc/stat.
idle_percent() {
  local a b
  a=($(head -1 /proc/stat)); sleep 1; b=($(head -1 /proc/stat))
  local total=0 i
  for i in 1 2 3 4 5 6 7 8; do total=$((total + ${b[$i]} - ${a[$i]})); done
  echo $(( 100 * (${b[4]} - ${a[4]}) / (total > 0 ? total : 1) ))
}

# The machine may be shared: before each round wait (up to IDLE_WAIT seconds) for the CPUs to
# be at least 90% idle for three seconds in a row.
await_quiet() {
  local deadline=$((SECONDS + ${IDLE_WAIT:-180})) calm=0
  while [ $SECONDS -lt $deadline ] && [ $calm -lt 3 ]; do
    if [ "$(idle_percent)" -ge 90 ]; then calm=$((calm + 1)); else calm=0; fi
  done
  [ $calm -ge 3 ] && echo quiet || echo busy
}

for round in $(seq "$ROUNDS"); do
  echo "round $round: $(await_quiet)" >&2
  for variant in dd dd-fsync glance glance-fsync stowage stowage-durable; do
    line=$(run $variant)
    echo "$round $variant $line" | tee -a "$RESULTS"
  done
done
rm -rf "$WORK/out"

$PY - "$RESULTS" <<'PY'
import statistics, sys
runs, cpu = {}, {}
digests = set()
for line in open(sys.argv[1]):
    parts = line.split()
    runs.setdefault(parts[1], []).append(float(parts[2]))
    if len(parts) >= 7:
        digests.add((parts[4], parts[5]))
        cpu.setdefault(parts[1], []).append(float(parts[6]))
assert len(digests) == 1, "the stores disagree on the digests: %s" % digests
med = {k: statistics.median(v) for k, v in runs.items()}
for k, v in runs.items():
    c = " cpu %5.2f s" % statistics.median(cpu[k]) if k in cpu else " " * 12
    print("%-16s median %5.2f s%s  (%s)" % (k, med[k], c, " ".join("%.2f" % x for x in v)))
print("stowage vs glance (durability off):        %.2fx" % (med["glance"] / med["stowage"]))
print("stowage-durable vs glance-fsync:           %.2fx" % (med["glance-fsync"] / med["stowage-durable"]))
print("stowage-durable vs glance (no fsync):      %.2fx" % (med["glance"] / med["stowage-durable"]))
PY

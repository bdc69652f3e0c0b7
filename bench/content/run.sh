#!/usr/bin/env bash
# Content ingest of 1 GiB held in memory, side by side, alternating within each round:
#   openssl          openssl dgst -sha256 of the input (on tmpfs): the hashing limit
#   ctr              containerd 1.6 `ctr content ingest --expected-size --expected-digest` into a
#                    fresh private containerd whose root is on the disk under $WORK (fsyncs)
#   stowage          Stowage content store on the same disk: writer + write + commit (fsyncs)
#   cli, cli-tmpfs   the whole `stowage content ingest --ref R --expected D INPUT` process (the
#                    distribution: JVM start, plugin load, JIT warm-up included) into a root on
#                    the disk / on tmpfs: what compares with `ctr content ingest` as a user runs it
#   stowage-nockpt   the same with checkpoint_interval 0 (no background hash states)
#   tmpfs, tmpfs-nockpt   the content root on tmpfs (/dev/shm)
#   same             resume at 90 % in the same process: reopen, last 10 %, commit
#   restart          resume at 90 % in a new JVM after the first closed cleanly (store opened,
#                    writer reopened, last 10 %, commit)
#   restart-kill     the same after the first JVM halted right after writing 90 % (kill -9)
# the resume variants on the disk and on tmpfs (suffix -tmpfs).
# Every variant prints wall and CPU (user+sys) seconds; openssl, ctr and cli are timed with
# /usr/bin/time (ctr's CPU is the client's only: containerd's is not counted).
# The JVMs run with bin/stowage's JIT flags (the JDK's SHA-256 uses the CPU's SHA instructions
# only once C2 has compiled it); the in-JVM variants warm up with an untimed 64 MiB ingest, the
# cli variants do not.
# Usage: bench/content/run.sh [rounds]     (WORK=/var/tmp/stowage-content-bench by default)
set -euo pipefail
ROUNDS=${1:-5}
WORK=${WORK:-/var/tmp/stowage-content-bench}
SHM=${SHM:-/dev/shm/stowage-content-bench}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
REF=/work/shared/reference/containerd.sh
VARIANTS=${VARIANTS:-"openssl ctr stowage cli tmpfs cli-tmpfs tmpfs-nockpt same restart restart-kill same-tmpfs restart-tmpfs restart-kill-tmpfs"}
INTERVAL=${INTERVAL:-$((16 << 20))}
DIST=${DIST:-$ROOT/app/target/stowage}

mkdir -p "$WORK" "$SHM"
mvn -q -o -f "$ROOT/pom.xml" -pl store-content -am install -DskipTests
mvn -q -o -f "$ROOT/pom.xml" -pl store-content dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/cp.txt"
rm -rf "$WORK/classes" && mkdir -p "$WORK/classes"
cp -r "$ROOT/store-api/target/classes/." "$ROOT/store-content/target/classes/." "$WORK/classes/"
CP="$WORK/classes:$(cat "$WORK/cp.txt")"
javac -nowarn -d "$WORK/classes" -cp "$CP" "$HERE/ContentIngestBench.java"
JIT="-XX:CompileCommand=quiet -XX:CompileCommand=CompileThresholdScaling,sun.security.provider.*::*,0.01"
JIT="$JIT -XX:CompileCommand=BackgroundCompilation,sun.security.provider.*::*,false"
JAVA="java -Xmx3g -Xms3g $JIT --add-opens java.base/sun.security.provider=ALL-UNNAMED -cp $CP"
[ -x "$DIST/bin/stowage" ] || { echo "no distribution in $DIST (mvn -pl app -am install)" >&2; exit 1; }

INPUT="$SHM/input.bin"
if [ ! -f "$INPUT" ] || [ "$(stat -c %s "$INPUT")" != 1073741824 ]; then
  head -c 1G /dev/urandom > "$INPUT"
fi
DIGEST="sha256:$(openssl dgst -sha256 -r "$INPUT" | cut -d' ' -f1)"
RESULTS="$WORK/results.txt"
: > "$RESULTS"

# timed CMD...: runs it; then `times` prints "<wall> <user+sys>" of that run.
TIMES="$WORK/times.txt"
timed() { /usr/bin/time -o "$TIMES" -f "%e %U %S" "$@"; }
times() { awk '{printf "%.3f %.3f", $1, $2+$3}' "$TIMES"; }
clean() { rm -rf "$WORK/root" "$WORK/root-warmup" "$SHM/root" "$SHM/root-warmup" "$WORK/ctrd"; }

ctr_run() {
  local d="$WORK/ctrd"
  sh "$REF" "$d" >/dev/null
  timed ctr --address "$d/containerd.sock" content ingest --expected-size 1073741824 \
    --expected-digest "$DIGEST" bench < "$INPUT"
  local got
  got=$(ctr --address "$d/containerd.sock" content ls -q | head -1)
  kill "$(cat "$d/pid")"; while kill -0 "$(cat "$d/pid")" 2>/dev/null; do sleep 0.1; done
  [ "$got" = "$DIGEST" ] || { echo "ctr stored $got, expected $DIGEST" >&2; exit 1; }
  echo "$(times) $got"
}

cli_run() {
  local r=$1 out
  mkdir -p "$r"
  printf 'plugins: { dir: %s }\ndefault_store: blobs\nstores:\n  blobs: { type: content, root: %s, checkpoint_interval: %s }\n' \
    "$DIST/plugins" "$r" "$((INTERVAL >> 20))MiB" > "$WORK/stowage.yaml"
  out=$(timed "$DIST/bin/stowage" content ingest --config "$WORK/stowage.yaml" --ref bench \
    --expected "$DIGEST" --json "$INPUT")
  echo "$(times) $(echo "$out" | sed -n 's/.*"digest" *: *"\([^"]*\)".*/\1/p')"
}

run() {
  local variant=$1 out
  clean; sync
  case $variant in
    openssl)
      out=$(timed openssl dgst -sha256 -r "$INPUT")
      echo "$(times) sha256:${out%% *}" ;;
    ctr) ctr_run ;;
    cli) cli_run "$WORK/root" ;;
    cli-tmpfs) cli_run "$SHM/root" ;;
    stowage) $JAVA ContentIngestBench full "$WORK/root" "$INPUT" "$DIGEST" $INTERVAL ;;
    stowage-nockpt) $JAVA ContentIngestBench full "$WORK/root" "$INPUT" "$DIGEST" 0 ;;
    tmpfs) $JAVA ContentIngestBench full "$SHM/root" "$INPUT" "$DIGEST" $INTERVAL ;;
    tmpfs-nockpt) $JAVA ContentIngestBench full "$SHM/root" "$INPUT" "$DIGEST" 0 ;;
    same|same-tmpfs|restart|restart-tmpfs|restart-kill|restart-kill-tmpfs)
      local r="$WORK/root"; [[ $variant == *-tmpfs ]] && r="$SHM/root"
      case $variant in
        same*) $JAVA ContentIngestBench same "$r" "$INPUT" "$DIGEST" $INTERVAL ;;
        restart-kill*)
          $JAVA ContentIngestBench prepare-kill "$r" "$INPUT" "$DIGEST" $INTERVAL
          $JAVA ContentIngestBench resume "$r" "$INPUT" "$DIGEST" $INTERVAL ;;
        restart*)
          local closing; closing=$($JAVA ContentIngestBench prepare "$r" "$INPUT" "$DIGEST" $INTERVAL)
          echo "$variant close-of-interrupted ${closing%% *}" >> "$WORK/closing.txt"
          $JAVA ContentIngestBench resume "$r" "$INPUT" "$DIGEST" $INTERVAL ;;
      esac ;;
  esac
}

wait_idle() {
  # Up to IDLE_WAIT seconds for the CPUs to be >= 80 % idle over two seconds.
  local limit=$(( $(date +%s) + ${IDLE_WAIT:-60} ))
  while [ "$(date +%s)" -lt "$limit" ]; do
    local idle
    idle=$(vmstat 2 2 | tail -1 | awk '{print $15}')
    [ "$idle" -ge 80 ] && return 0
  done
  echo "(the CPUs did not go idle; measuring anyway)" >&2
}

: > "$WORK/closing.txt"
for round in $(seq 1 "$ROUNDS"); do
  wait_idle
  for v in $VARIANTS; do
    line=$(run "$v")
    echo "$round $v $line" | tee -a "$RESULTS"
    d=$(echo "$line" | awk '{print $NF}')
    [ "$d" = "$DIGEST" ] || { echo "$v: digest $d, expected $DIGEST" >&2; exit 1; }
  done
done
clean

echo
median() { sort -n | awk '{a[NR]=$1; s=s " " $1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%8.3f  (%s )", m, s}'; }
echo "variant              wall median (runs)               cpu median (runs)"
for v in $VARIANTS; do
  printf "%-20s %s   %s\n" "$v" "$(awk -v v="$v" '$2==v {print $3}' "$RESULTS" | median)" \
    "$(awk -v v="$v" '$2==v {print $4}' "$RESULTS" | median)"
done
echo "(close of the interrupted first JVM, restart variants: $(awk '{print $1 "=" $3}' "$WORK/closing.txt" | tr '\n' ' '))"

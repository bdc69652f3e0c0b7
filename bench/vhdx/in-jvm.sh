#!/bin/sh
# VHDX -> raw conversion: Stowage (hyperv-vhdx openVirtualDisk + the host's RawConverter)
# against `qemu-img convert -O raw`, alternating in one run.
# In-JVM variant (warmed-up JVM, no start-up). Usage: bench/vhdx/in-jvm.sh [REPETITIONS] [WORKDIR]   (needs qemu-utils, a JDK 17, Maven)
set -eu
REPS=${1:-5}
WORK=${2:-$(mktemp -d /tmp/vhdx-bench.XXXXXX)}  # /dev/shm/... keeps the output off a busy disk
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
mvn -q -pl hyperv-vhdx,app -am package -DskipTests
PF4J=$(find ~/.m2/repository/org/pf4j/pf4j -name 'pf4j-[0-9]*.jar' ! -name '*-sources.jar' ! -name '*-javadoc.jar' | sort | tail -1)
CP="$ROOT/hyperv-vhdx/target/classes:$ROOT/app/target/classes:$ROOT/store-api/target/classes:$PF4J"
mkdir -p "$WORK/classes"
javac -proc:none -d "$WORK/classes" -cp "$CP" bench/vhdx/VhdxToRawBench.java

IMG="$WORK/bench-4g.vhdx"
if [ ! -f "$IMG" ]; then
  # 4 GiB, qemu's default 16 MiB blocks: write every other block (50% of them)
  qemu-img create -q -f vhdx "$IMG" 4G
  CMDS=""
  i=0
  while [ $i -lt 256 ]; do
    CMDS="$CMDS -c 'write -q -P $(( (i % 250) + 1 )) $(( i * 16 ))M 16M'"
    i=$((i + 2))
  done
  eval qemu-io -f vhdx $CMDS "$IMG"
fi
echo "input: $(ls -l "$IMG" | awk '{print $5}') bytes, $(nproc) cores, $(java -version 2>&1 | head -1), $(qemu-img --version | head -1)"
java -Xmx256m -cp "$WORK/classes:$CP" VhdxToRawBench "$IMG" "$WORK" "$REPS"

#!/bin/bash
# Compares two configurations with interleaved runs (A, B, A, B, ...): this machine's speed moves by tens of
# per cent within minutes, so only runs made back to back are comparable.
# Usage (from the repository root):
#   bench/decision-throughput/interleave.sh <rounds> "<-D options of A>" "<-D options of B>"
# e.g. bench/decision-throughput/interleave.sh 2 "-Dnode.polity.node.decision-fast-path=false" ""
#      bench/decision-throughput/interleave.sh 3 "" "-Dgateway.jvm='-Xmx307m -XX:+UseSerialGC'"
# Output: one line per run in /tmp/interleave-summary.txt (direct, then gateway: throughput and latencies),
# each run's full output in /tmp/interleave-<A|B>-<round>.txt.
set -u
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
ROUNDS=$1; A=$2; B=$3
SUMMARY=/tmp/interleave-summary.txt
: > "$SUMMARY"
for round in $(seq 1 "$ROUNDS"); do
  for variant in A B; do
    if [ "$variant" = A ]; then OPTIONS=$A; else OPTIONS=$B; fi
    OUT=/tmp/interleave-$variant-$round.txt
    # eval: an option may quote a value with spaces, e.g. "-Dgateway.jvm='-Xmx307m -XX:+UseSerialGC'"
    eval "./mvnw -q -B -f bench/decision-throughput/pom.xml compile exec:java $OPTIONS" > "$OUT" 2>&1
    echo "$variant $round $(date -u +%H:%M) [$OPTIONS] $(grep -E 'Requests/sec|^p50' "$OUT" | tr -s ' ' | tr '\n' ' ')" >> "$SUMMARY"
  done
done
cat "$SUMMARY"

#!/bin/bash
# Compares two node configurations or builds, straight to the node only (-Dphases=direct), in interleaved runs
# (A, B, A, B, ...), with the node's and the broker's CPU per decision: this machine's speed moves by tens of per cent
# within minutes, so only runs made back to back are comparable, and CPU per decision drifts less than throughput.
# Usage (from the repository root):
#   bench/decision-throughput/ab-node.sh <rounds> <tag> "<-D options of A>" "<-D options of B>"
# e.g. bench/decision-throughput/ab-node.sh 2 kd "-Dnode.app=/tmp/node-before" "-Dnode.app=policy-service/target/quarkus-app"
#      bench/decision-throughput/ab-node.sh 2 zstd "" "-Dnode.mp.messaging.outgoing.audit-events.compression.type=zstd"
# Each run: 30 s warm-up, 30 s measured; 5 s into the measured phase the node's and the broker's CPU time is read from
# /proc/<pid>/stat for 15 s. Output: one line per run in /tmp/ab-node-<tag>.txt, each run's output in /tmp/ab-node-<tag>-<A|B><round>.txt.
set -u
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
ROUNDS=$1; TAG=$2; A=$3; B=$4
SUMMARY=/tmp/ab-node-$TAG.txt
: > "$SUMMARY"
ticks() { awk '{print $14+$15}' "/proc/$1/stat"; } # user + system, in 10 ms ticks
for round in $(seq 1 "$ROUNDS"); do
  for variant in A B; do
    if [ "$variant" = A ]; then OPTIONS=$A; else OPTIONS=$B; fi
    OUT=/tmp/ab-node-$TAG-$variant$round.txt
    # eval: an option may quote a value with spaces
    eval "./mvnw -q -B -f bench/decision-throughput/pom.xml compile exec:java -Dphases=direct -Dduration=30s $OPTIONS" > "$OUT" 2>&1 &
    BENCH=$!
    for i in $(seq 1 240); do grep -q 'straight to' "$OUT" && break; sleep 1; done
    # The benchmark prints the pids of what it starts.
    NODE=$(grep -o 'policy-node ready at .*(pid [0-9]*' "$OUT" | grep -o '[0-9]*$' | head -1)
    KAFKA=$(grep -o 'Kafka broker ready at .*(pid [0-9]*' "$OUT" | grep -o '[0-9]*$' | head -1)
    sleep 5
    n0=$(ticks "$NODE"); k0=$(ticks "$KAFKA")
    sleep 15
    n1=$(ticks "$NODE"); k1=$(ticks "$KAFKA")
    wait $BENCH
    RATE=$(grep 'Requests/sec' "$OUT" | head -1 | awk '{print $2}')
    LATENCY=$(grep '^p50' "$OUT" | head -1)
    echo "$variant$round $(date -u +%H:%M) $RATE /s [$LATENCY] node $(awk -v t=$((n1-n0)) -v r="$RATE" 'BEGIN {printf "%.3f", 10*t/15/r}') ms/decision, broker $(awk -v t=$((k1-k0)) -v r="$RATE" 'BEGIN {printf "%.3f", 10*t/15/r}') ms/decision [$OPTIONS]" >> "$SUMMARY"
  done
done
cat "$SUMMARY"

#!/bin/bash
# Runs the benchmark and, 5 s into each measured phase, samples for 15 s the CPU time of the policy
# node, the gateway and the Kafka broker (from /proc/<pid>/stat, in 10 ms ticks) and records a JFR
# profile of the node (direct phase) and of the gateway (gateway phase).
# Usage (from the repository root): bench/decision-throughput/profile.sh <tag> [duration-seconds] [-D<property>=<value>...]
# (the -D properties go to the benchmark, e.g. -Dnode.jvm="-Xmx384m"; see DecisionThroughputBench).
# Output: /tmp/bench-<tag>.txt (the benchmark), /tmp/cpu-<tag>.txt (CPU), /tmp/{node,gw}-<tag>.jfr.
set -u
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
TAG=$1; D=${2:-30}; shift; shift || true
OUT=/tmp/bench-$TAG.txt
# The shared layout only (the samples below are timed on its phases); -Dlayouts=split among the options profiles the other.
(./mvnw -q -B -f bench/decision-throughput/pom.xml compile exec:java -Dduration=${D}s -Dlayouts=shared "$@" > "$OUT" 2>&1; echo done >> "$OUT") &
for i in $(seq 1 180); do grep -q "straight to" "$OUT" && break; sleep 1; done
# The benchmark prints each service's pid ("policy-node ready at ... (pid N, ..."), whichever build it runs.
NODE=$(grep -o 'policy-node ready at .*(pid [0-9]*' "$OUT" | grep -o '[0-9]*$' | head -1)
GW=$(grep -o 'gateway ready at .*(pid [0-9]*' "$OUT" | grep -o '[0-9]*$' | head -1)
KAFKA=$(grep -o 'Kafka broker ready at .*(pid [0-9]*' "$OUT" | grep -o '[0-9]*$' | head -1)
cpu() { awk '{print $14+$15}' /proc/$1/stat; }
# One line per thread: "<tid> <name>|<user ticks> <system ticks>" (the name is between the parentheses of stat).
threads() { for t in /proc/$1/task/*; do
  stat=$(cat $t/stat 2>/dev/null) || continue
  name=${stat#*(}; name=${name%)*}; rest=${stat##*) }; set -- $rest
  echo "${t##*/} $name|${12} ${13}"; done; }
sleep 5
"$JAVA_HOME/bin/jcmd" "$NODE" JFR.start duration=15s filename=/tmp/node-$TAG.jfr settings=profile >/dev/null
threads "$NODE" > /tmp/threads-before-$TAG.txt
a=$(cpu $NODE); b=$(cpu $KAFKA); sleep 15; a2=$(cpu $NODE); b2=$(cpu $KAFKA)
threads "$NODE" > /tmp/threads-after-$TAG.txt
echo "direct: node $((a2-a)) ticks/15s, kafka $((b2-b))" > /tmp/cpu-$TAG.txt
echo "node threads by CPU ticks (user+system) in the direct phase, summed by name without digits:" >> /tmp/cpu-$TAG.txt
join -t '|' <(sort /tmp/threads-before-$TAG.txt) <(sort /tmp/threads-after-$TAG.txt) \
  | awk -F'|' '{split($2,b," "); split($3,a," "); name=$1; sub(/^[0-9]+ /,"",name); gsub(/[0-9]+/,"",name);
               u[name]+=a[1]-b[1]; s[name]+=a[2]-b[2]} END {for (n in u) if (u[n]+s[n]>0) printf "  %6d user %6d system  %s\n", u[n], s[n], n}' \
  | sort -k1,1nr -k3,3nr | head -15 >> /tmp/cpu-$TAG.txt
for i in $(seq 1 180); do grep -q "through the gateway" "$OUT" && break; sleep 1; done
sleep 5
"$JAVA_HOME/bin/jcmd" "$GW" JFR.start duration=15s filename=/tmp/gw-$TAG.jfr settings=profile >/dev/null
a=$(cpu $NODE); b=$(cpu $KAFKA); c=$(cpu $GW); sleep 15; a2=$(cpu $NODE); b2=$(cpu $KAFKA); c2=$(cpu $GW)
echo "gateway: node $((a2-a)) ticks/15s, kafka $((b2-b)), gateway $((c2-c))" >> /tmp/cpu-$TAG.txt
wait
"$JAVA_HOME/bin/jfr" summary /tmp/node-$TAG.jfr | awk '$1=="jdk.GarbageCollection" {print "node young+old GCs in 15 s (direct phase): " $2}' >> /tmp/cpu-$TAG.txt
grep -E "sample|Requests/sec|^p50" "$OUT" >> /tmp/cpu-$TAG.txt
cat /tmp/cpu-$TAG.txt

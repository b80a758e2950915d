#!/bin/bash
# Alternating A/B rounds of the blocking burst: run-blocking-ab.sh <out-dir> <warm-ups> <measured> <jar names...>;
# jar X is /tmp/bench-X.jar. Every single shot lands in the JSON (rawData).
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
ARGS="-Xms4g -Xmx4g -XX:+AlwaysPreTouch -Djava.util.concurrent.ForkJoinPool.common.parallelism=2 -Dorg.slf4j.simpleLogger.defaultLogLevel=error"
D=$1; WI=$2; MI=$3; shift 3
mkdir -p $D
for round in 1 2 3 4; do
 for side in "$@"; do
  uptime > $D/load-$side-$round.txt
  flock /tmp/jmh.lock $J -cp /tmp/bench-$side.jar org.openjdk.jmh.Main 'BlockingBurstBenchmark' -p kind=echo,virtual -f 1 -wi $WI -i $MI -jvmArgsAppend "$ARGS" -rf json -rff $D/blk-$side-$round.json > $D/blk-$side-$round.log 2>&1
  uptime >> $D/load-$side-$round.txt
 done
done
echo ALLDONE > $D/done

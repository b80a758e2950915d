#!/bin/bash
# Alternating A/B rounds: run-ab.sh <out-dir> <all|sky> <jar names...>; jar X is /tmp/bench-X.jar.
# ab6-ab8 ran the skynet line only ("sky"); ab9 ran all three ("all").
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
ARGS="-Xms4g -Xmx4g -XX:+AlwaysPreTouch -Djava.util.concurrent.ForkJoinPool.common.parallelism=2 -Dorg.slf4j.simpleLogger.defaultLogLevel=error"
D=$1; WHAT=$2; shift 2
mkdir -p $D
for round in 1 2 3; do
 for side in "$@"; do
  uptime > $D/load-$side-$round.txt
  flock /tmp/jmh.lock $J -cp /tmp/bench-$side.jar org.openjdk.jmh.Main 'SkynetBenchmark' -p kind=echo,cf -f 1 -wi 10 -i 15 -jvmArgsAppend "$ARGS" -rf json -rff $D/sky-$side-$round.json > $D/sky-$side-$round.log 2>&1
  if [ "$WHAT" = all ]; then
   flock /tmp/jmh.lock $J -cp /tmp/bench-$side.jar org.openjdk.jmh.Main 'SchedulingBenchmark' -p kind=echo,fjpAsync -f 1 -wi 5 -i 8 -jvmArgsAppend "$ARGS" -rf json -rff $D/sch-$side-$round.json > $D/sch-$side-$round.log 2>&1
   flock /tmp/jmh.lock $J -cp /tmp/bench-$side.jar org.openjdk.jmh.Main 'PingPongBenchmark' -p kind=echo,ceWstp -f 1 -wi 5 -i 10 -jvmArgsAppend "$ARGS" -rf json -rff $D/pp-$side-$round.json > $D/pp-$side-$round.log 2>&1
  fi
  uptime >> $D/load-$side-$round.txt
 done
done
echo ALLDONE > $D/done

#!/bin/bash
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
ARGS="-Xms4g -Xmx4g -XX:+AlwaysPreTouch -Djava.util.concurrent.ForkJoinPool.common.parallelism=2 -Dorg.slf4j.simpleLogger.defaultLogLevel=error"
mkdir -p /tmp/ab3
for round in 1 2 3; do
 for side in before after rel; do
  flock /tmp/jmh.lock $J -cp /tmp/bench-$side.jar org.openjdk.jmh.Main 'SchedulingBenchmark' -p kind=echo,fjpAsync -f 1 -wi 3 -i 8 -jvmArgsAppend "$ARGS" -rf json -rff /tmp/ab3/sch-$side-$round.json > /tmp/ab3/sch-$side-$round.log 2>&1
  flock /tmp/jmh.lock $J -cp /tmp/bench-$side.jar org.openjdk.jmh.Main 'PingPongBenchmark' -p kind=echo -f 1 -wi 5 -i 10 -jvmArgsAppend "$ARGS" -rf json -rff /tmp/ab3/pp-$side-$round.json > /tmp/ab3/pp-$side-$round.log 2>&1
  flock /tmp/jmh.lock $J -cp /tmp/bench-$side.jar org.openjdk.jmh.Main 'SkynetBenchmark' -p kind=echo,cf -f 1 -wi 10 -i 15 -jvmArgsAppend "$ARGS" -rf json -rff /tmp/ab3/sky-$side-$round.json > /tmp/ab3/sky-$side-$round.log 2>&1
 done
done
echo ALLDONE > /tmp/ab3/done

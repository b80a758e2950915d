#!/bin/bash
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
ARGS="-Xms4g -Xmx4g -XX:+AlwaysPreTouch -Djava.util.concurrent.ForkJoinPool.common.parallelism=2 -Dorg.slf4j.simpleLogger.defaultLogLevel=error"
D=$1; shift
mkdir -p $D
for round in 1 2 3; do
 for side in "$@"; do
  flock /tmp/jmh.lock $J -cp /tmp/bench-$side.jar org.openjdk.jmh.Main 'SkynetBenchmark' -p kind=echo,cf -f 1 -wi 10 -i 15 -jvmArgsAppend "$ARGS" -rf json -rff $D/sky-$side-$round.json > $D/sky-$side-$round.log 2>&1
 done
done
echo ALLDONE > $D/done

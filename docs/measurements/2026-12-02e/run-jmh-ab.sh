#!/bin/bash
# A/B of the timer beat: the idle benchmark's timed kinds, old timer (nobeat) and new (beat), alternating.
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
for round in 1 2 3; do
  for v in nobeat beat; do
    uptime > $v-$round.load
    flock /tmp/jmh.lock $J -cp /tmp/bench-$v.jar org.openjdk.jmh.Main IdleLatencyBenchmark -p kind=echo,fjpAsync,echoTimeout,fjpTimeout -f 1 -wi 3 -i 5 \
      -prof land.echo.bench.LatencyProfiler \
      -jvmArgsAppend "-Xms4g -Xmx4g -XX:+AlwaysPreTouch -Djava.util.concurrent.ForkJoinPool.common.parallelism=2 -Dorg.slf4j.simpleLogger.defaultLogLevel=error" \
      -rf json -rff $v-$round.json > $v-$round.log 2>&1
    uptime >> $v-$round.load
  done
done

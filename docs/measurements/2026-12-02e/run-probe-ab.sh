#!/bin/bash
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
CP="/tmp/probe-ab/classes:/work/main/echo-cli/target/echo-cli.jar:/work/main/echo-cli/target/lib/*"
for round in 1 2 3; do
  for v in nobeat beat; do
    extra=""; [ $v = nobeat ] && extra="/tmp/oldtimer:"
    uptime > $v-$round.txt
    flock /tmp/jmh.lock $J -Xms1g -Dorg.slf4j.simpleLogger.defaultLogLevel=error -cp "$extra$CP" IdleQuery fjp echo >> $v-$round.txt 2>&1
    uptime >> $v-$round.txt
  done
done

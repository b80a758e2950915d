#!/usr/bin/env python3
"""Summarises run-blocking-ab.sh's JSONs: per file, each kind's median and spread (max - min) of its
measured single shots, and Echo / virtual threads for both."""
import glob, json, os, statistics, sys
d = sys.argv[1]
rows = []
for f in sorted(glob.glob(os.path.join(d, 'blk-*.json')), key=lambda p: (p.rsplit('-', 1)[1], p)):
    res = {}
    for b in json.load(open(f)):
        shots = [x for fork in b['primaryMetric']['rawData'] for x in fork]
        res[b['params']['kind']] = (statistics.median(shots), max(shots) - min(shots))
    load = open(f.replace('blk-', 'load-').replace('.json', '.txt')).read().split('load average:')[1].split(',')[0].strip()
    e, v = res['echo'], res['virtual']
    rows.append((os.path.basename(f), load, e, v))
    print(f"{os.path.basename(f):24} load {load:5}  echo {e[0]:6.1f} ms (spread {e[1]:6.1f})  virtual {v[0]:6.1f} ms (spread {v[1]:6.1f})  ratio {e[0]/v[0]:.2f}x  spread ratio {e[1]/v[1]:.2f}x")

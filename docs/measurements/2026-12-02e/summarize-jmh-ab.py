import json, glob, statistics, sys, re
rows = {}
for f in sorted(glob.glob('*.json')):
    m = re.match(r'(\w+)-(\d+)\.json', f)
    v, rnd = m.group(1), m.group(2)
    try:
        data = json.load(open(f))
    except Exception:
        continue
    for b in data:
        kind = b['params']['kind']
        sec = b.get('secondaryMetrics', {})
        out = []
        for pct in ('p50', 'p99'):
            k = 'latency.idle.' + pct
            if k in sec:
                raw = [x for it in sec[k]['rawData'] for x in it]
                out.append(statistics.median(raw))
        rows.setdefault((v, rnd), {})[kind] = out
for (v, rnd), kinds in sorted(rows.items(), key=lambda x: (x[0][1], x[0][0])):
    load = open(f'{v}-{rnd}.load').read().split('load average:')
    la = [l.split(',')[0].strip() for l in load[1:]]
    e, f_, et, ft = (kinds.get(k, [float('nan')]*2) for k in ('echo', 'fjpAsync', 'echoTimeout', 'fjpTimeout'))
    print(f"{v:7s} r{rnd} load {'->'.join(la):10s} echo p50 {e[0]:6.1f} p99 {e[1]:7.1f} | fjp p50 {f_[0]:6.1f} p99 {f_[1]:7.1f} | echoTimeout p50 {et[0]:6.1f} p99 {et[1]:7.1f} | fjpTimeout p50 {ft[0]:6.1f} p99 {ft[1]:7.1f} | ratios p50 {e[0]/f_[0]:.2f}x/{et[0]/ft[0]:.2f}x p99 {e[1]/f_[1]:.2f}x/{et[1]/ft[1]:.2f}x")

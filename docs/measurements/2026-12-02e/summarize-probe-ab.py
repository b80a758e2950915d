"""Medians over the probe A/B's measured rounds (r1, r2 of each JVM): start and total p50, Echo against ForkJoinPool."""
import glob, re, statistics
rows = {}
for f in sorted(glob.glob('probe-ab/*-?.txt')):
    v = f.split('/')[1].split('-')[0]
    cur = {}
    for line in open(f):
        m = re.match(r'(\w+)\s+r([12])\s+start p50\s+([\d.]+).*total p50\s+([\d.]+).*call p50\s+([\d.]+)', line)
        if m:
            cur.setdefault(m.group(2), {})[m.group(1)] = (float(m.group(3)), float(m.group(4)), float(m.group(5)))
    for r, kinds in cur.items():
        rows.setdefault(v, []).append(kinds)
for v, rounds in rows.items():
    es = [k['echo'][0] for k in rounds]; fs = [k['fjp'][0] for k in rounds]
    et = [k['echo'][1] for k in rounds]; ft = [k['fjp'][1] for k in rounds]
    ec = [k['echo'][2] for k in rounds]
    ratios = [k['echo'][1] / k['fjp'][1] for k in rounds]
    print(f"{v:7s} {len(rounds)} rounds: Echo start p50 median {statistics.median(es):.1f} us (FJP {statistics.median(fs):.1f}), "
          f"total p50 median {statistics.median(et):.1f} us (FJP {statistics.median(ft):.1f}), submit call {statistics.median(ec):.1f} us, "
          f"Echo/FJP total p50 per round {', '.join(f'{x:.2f}' for x in ratios)} (median {statistics.median(ratios):.2f}x)")

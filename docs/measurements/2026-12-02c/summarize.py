import json,glob,statistics,sys,re
d=sys.argv[1] if len(sys.argv)>1 else '/tmp/ab'
rows={}
for f in sorted(glob.glob(d+'/*.json')):
    m=re.match(r'.*/(\w+)-(\w+)-(\d+)\.json',f)
    if not m: continue
    bench,side,rnd=m.groups()
    try: data=json.load(open(f))
    except Exception as e: print('bad',f); continue
    for r in data:
        kind=r['params'].get('kind')
        raw=[x for fork in r['primaryMetric']['rawData'] for x in fork]
        rows.setdefault((bench,rnd,side),{})[kind]=statistics.median(raw)
for (bench,rnd,side),k in sorted(rows.items()):
    echo=k.get('echo')
    s=' '.join(f"{n}={v:.1f}" for n,v in k.items())
    ratios=' '.join(f"echo/{n}={echo/v:.2f}" for n,v in k.items() if n!='echo')
    print(f"{bench:4} r{rnd} {side:6} {s}   {ratios}")

#!/usr/bin/env python3
"""Score prediction dirs (OUT/<id>.txt) on the two halves of the extraction dev set.

usage: eval-halves.py DATASET PRED_DIR [PRED_DIR2] [--worst N] [--diff]
  The development half is the pages whose md5(id) starts with an even hex digit (510 pages),
  the held-out half the rest (480): look at failures only on the development half, and keep a
  change only if it does not lower the held-out half. --worst lists development-half pages
  only; with two dirs, --diff lists the development-half pages whose counts changed and only
  counts the held-out ones. Uses score.py's snippet counting (EVAL_DIR, default
  ../shared/eval/extraction beside the repository).
"""
import hashlib, json, os, sys
sys.path.insert(0, os.environ.get("EVAL_DIR", os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../shared/eval/extraction")))
from score import snippet_counts, snippet_summary, _norm

args = [a for a in sys.argv[1:] if not a.startswith("--")]
worst = 0
if "--worst" in sys.argv:
    worst = int(sys.argv[sys.argv.index("--worst") + 1]); args.remove(str(worst))
ds, dirs = args[0], args[1:]
pages = json.load(open(os.path.join(ds, "manifest.json")))["pages"]
def half(pg): return "dev" if int(hashlib.md5(pg["id"].encode()).hexdigest()[0], 16) % 2 == 0 else "held"
def out(d, pg):
    p = os.path.join(d, pg["id"] + ".txt")
    return open(p, encoding="utf-8", errors="replace").read() if os.path.exists(p) else ""
res = {}
for d in dirs:
    c = {pg["id"]: snippet_counts(pg, out(d, pg)) for pg in pages}
    res[d] = c
    row = []
    for name, sel in [("all", lambda p: True), ("dev", lambda p: half(p) == "dev"), ("held", lambda p: half(p) == "held"),
                      ("gov-de", lambda p: "gov-de" in p.get("tags", []))]:
        s = snippet_summary([c[p["id"]] for p in pages if sel(p)])
        row.append(f"{name} F1 {s['f1']:.4f} (P {s['precision']:.4f} R {s['recall']:.4f})")
    print(d, "|", " | ".join(row))
if len(dirs) == 2 and "--diff" in sys.argv:
    a, b = res[dirs[0]], res[dirs[1]]
    for pg in pages:
        if half(pg) != "dev": continue
        if a[pg["id"]] != b[pg["id"]]:
            print("  dev changed", pg["id"], pg.get("url", "")[:90], a[pg["id"]][:3], "->", b[pg["id"]][:3])
    nh = sum(1 for pg in pages if half(pg) == "held" and a[pg["id"]] != b[pg["id"]])
    print("  held-out pages changed:", nh)
if worst:
    d = dirs[-1]
    bad = sorted((p for p in pages if half(p) == "dev"), key=lambda p: -(res[d][p["id"]][1] + res[d][p["id"]][2]))
    for p in bad[:worst]:
        tp, fp, fn, tn = res[d][p["id"]]
        o = _norm(out(d, p))
        print(f"{fp+fn} fp{fp} fn{fn} {p['id']} {p.get('lang')} {p.get('url','')[:80]}")
        for s in p["with"]:
            if _norm(s) not in o: print("    MISSING:", s[:100])
        for s in p["without"]:
            if _norm(s) in o: print("    PRESENT:", s[:100])

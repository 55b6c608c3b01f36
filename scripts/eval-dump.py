#!/usr/bin/env python3
"""eval-dump.py BINARY OUT: every dev-set page through one `herold extract DATASET --dump-to
OUT/json` process, then OUT/<id>.txt = the article text (what `--text` prints), for score.py
--predictions or eval-halves.py. DS = the unpacked dataset (required: `tar -xJf
../shared/eval/extraction/dev-set.tar.xz -C DIR` gives DIR/trafilatura-eval)."""
import json, os, subprocess, sys
binary, out = sys.argv[1], sys.argv[2]
ds = os.environ.get("DS") or sys.exit("eval-dump.py: set DS to the unpacked dataset (DIR/trafilatura-eval)")
os.makedirs(out + "/json", exist_ok=True)
subprocess.run([binary, "extract", ds, "--dump-to", out + "/json"], check=True, stdout=subprocess.DEVNULL)
for name in os.listdir(out + "/json"):
    obj = json.load(open(os.path.join(out, "json", name)))
    with open(os.path.join(out, name[:-5] + ".txt"), "w") as f: f.write(obj.get("text") or "")

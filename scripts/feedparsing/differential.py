#!/usr/bin/env python3
"""Differential check of Herold's feed parser against Python feedparser over the trap corpus.

Usage: scripts/feedparsing/differential.py HEROLD_JSON_DIR
  HEROLD_JSON_DIR holds Herold's feed-norm/1 output per fixture (the corpus goldens are exactly
  that: pass Tests/FeedParsingTests/Fixtures). For every fixture, feedparser parses the same bytes
  (same URL and HTTP charset) and each field is compared after light normalisation (whitespace
  collapsed, dates in UTC). Prints per-field agreement and the disagreements.
"""
import calendar, json, os, re, sys, time
import feedparser

root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "../../Tests/FeedParsingTests/Fixtures")

def norm(s):
    if s is None: return None
    s = re.sub(r"\s+", " ", s).strip()
    return s or None

def ts(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(calendar.timegm(t))) if t else None

def fp_entry(e):
    a = e.get("author_detail") or {}
    return {
        "id": norm(e.get("id")),
        "title": norm(e.get("title")),
        "link": e.get("link"),
        "published": ts(dict.get(e, "published_parsed")),
        # dict.get: feedparser 6 answers e["updated_parsed"] with published when updated is absent
        "updated": ts(dict.get(e, "updated_parsed")),
        "author.name": norm(a.get("name")),
        "author.email": a.get("email"),
        "summary": norm(re.sub(r"<[^>]+>", " ", e.get("summary", ""))) if "summary" in e else None,
        "content": norm(re.sub(r"<[^>]+>", " ", e["content"][0]["value"])) if e.get("content") else None,
        "enclosures": sorted(x.get("href") for x in e.get("enclosures", [])),
        "categories": sorted(norm(t.get("term")) for t in e.get("tags", []) if t.get("term")),
    }

def herold_entry(e):
    a = e.get("author") or {}
    strip = lambda v: norm(re.sub(r"<[^>]+>", " ", v["value"])) if v else None
    return {
        "id": e["id"], "title": norm(e["title"]), "link": e["link"], "published": e["published"],
        "updated": e["updated"], "author.name": a.get("name"), "author.email": a.get("email"),
        "summary": strip(e["summary"]), "content": strip(e["content"]),
        "enclosures": sorted(x["url"] for x in e["enclosures"]), "categories": sorted(e["categories"]),
    }

agree, total, diffs, filled_from_content = {}, {}, [], []
for dirpath, _, files in os.walk(root):
    for f in sorted(files):
        if not f.endswith(".meta.json"): continue
        stem = f[: -len(".meta.json")]
        meta = json.load(open(os.path.join(dirpath, f)))
        golden = json.load(open(os.path.join(dirpath, stem + ".golden.json")))
        doc = [x for x in files if x.startswith(stem + ".") and not x.endswith(".json")] or [stem + ".json"]
        data = open(os.path.join(dirpath, doc[0]), "rb").read()
        if doc[0].endswith(".json"):
            continue  # feedparser 6 has no JSON Feed support: nothing to compare with
        headers = {"content-type": "application/xml"}
        if meta.get("url"): headers["content-location"] = meta["url"]
        if meta.get("http_charset"): headers["content-type"] = "application/xml; charset=" + meta["http_charset"]
        fp = feedparser.parse(data, response_headers=headers)
        name = os.path.relpath(os.path.join(dirpath, stem), root)
        if "error" in golden: continue
        pairs = [("feed.title", norm(fp.feed.get("title")), norm(golden["feed"]["title"])),
                 ("feed.link", fp.feed.get("link"), golden["feed"]["link"]),
                 ("entries.count", len(fp.entries), len(golden["entries"])),
                 ("bozo", bool(fp.bozo), golden["bozo"])]
        for i, (raw, he) in enumerate(zip(fp.entries, golden["entries"])):
            fe, he = fp_entry(raw), herold_entry(he)
            # Documented difference: feedparser fills summary from content when the entry has
            # none; Herold leaves it absent (FeedAdapter). Counted apart, not as a disagreement.
            if he["summary"] is None and fe["summary"] is not None and fe["summary"] == fe["content"]:
                filled_from_content.append(f"{name}#{i}")
                fe["summary"] = None
            pairs += [(k, fe[k], he[k]) for k in fe]
        for key, a, b in pairs:
            total[key] = total.get(key, 0) + 1
            if a == b: agree[key] = agree.get(key, 0) + 1
            else: diffs.append(f"{name}: {key}: feedparser={a!r} herold={b!r}")

print("field           agree/total")
for key in total:
    print(f"{key:16s}{agree.get(key, 0):4d}/{total[key]:<4d} {100.0 * agree.get(key, 0) / total[key]:5.1f}%")
all_agree, all_total = sum(agree.values()), sum(total.values())
print(f"{'ALL':16s}{all_agree:4d}/{all_total:<4d} {100.0 * all_agree / all_total:5.1f}%")
print(f"\nsummary filled from content by feedparser (documented difference, not counted): {len(filled_from_content)}")
for f in filled_from_content: print("  " + f)
print("\nDisagreements:")
for d in diffs: print("  " + d)

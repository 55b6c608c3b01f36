#!/usr/bin/env python3
"""Crash-consistency check of Herold's archive (issue 5).

Serves a generated ministry-like site on 127.0.0.1 (an RSS feed with full text plus a listing
page, both leading to the same article pages), then runs `herold fetch` again and again and
kills it with SIGKILL at random instants. Between runs the site changes: new press releases
appear and some are edited, so every run has files to write. After every kill it checks:

  * no torn or partial file: every meta.json parses, every revision it lists has its .txt,
    .html and .fragment.html, and the SHA-256 of the normalized .txt equals the recorded hash;
  * no duplicate story: no content hash and no identity key belongs to two stories;
  * no story lost: every story a completed run had written is still there;

and after every completed run (every --complete-every kills) also that the index agrees with
the files (herold.sqlite's stories == the meta.json files, no dirty marker left).

Usage: scripts/crash_consistency.py --herold .build/release/herold [--kills 120] [--seed 1]
Exit status 0 when no invariant was ever violated.
"""

import argparse
import hashlib
import http.server
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata

WORDS = ("Landesregierung Ministerium Finanzamt Kommune Verwaltung Digitalisierung Haushalt "
         "Förderprogramm Bürgeramt Schule Straße Brücke Wasser Energie Klima Wald Landwirtschaft "
         "Polizei Justiz Gesundheit Pflege Krankenhaus Forschung Hochschule Kultur Verkehr Bahn "
         "Radweg Wohnung Steuer Grundsteuer Rechnung Portal Antrag Gesetz Landtag Bericht Studie "
         "Konferenz Millionen Euro Jahr heute erstmals bereits").split()


def normalize(text):
    text = unicodedata.normalize("NFC", text)
    for ch in "\u00ad\u200b\u200c\u200d\u2060\ufeff":
        text = text.replace(ch, "")
    return " ".join(text.split())


def content_hash(text):
    return hashlib.sha256(normalize(text).encode("utf-8")).hexdigest()


class Site:
    """The generated site: article n has a title, a date and a body; edits bump its version."""

    def __init__(self, rng):
        self.rng = rng
        self.articles = {}  # n -> (version, published day)
        self.lock = threading.Lock()
        for _ in range(30):
            self.add()

    def add(self):
        n = len(self.articles) + 1
        self.articles[n] = (1, 1 + (n % 28))

    def evolve(self):
        with self.lock:
            for _ in range(self.rng.randint(1, 4)):
                self.add()
            for n in self.rng.sample(sorted(self.articles), k=min(3, len(self.articles))):
                version, day = self.articles[n]
                self.articles[n] = (version + 1, day)

    def body(self, n, version):
        r = random.Random(n * 7919)
        paragraphs = []
        for p in range(4):
            paragraphs.append(" ".join(r.choice(WORDS) for _ in range(40)) + f" (Meldung {n}, Absatz {p + 1}).")
        if version > 1:
            paragraphs.append(f"Aktualisierung {version}: " + " ".join(r.choice(WORDS) for _ in range(20)) + ".")
        return paragraphs

    def page(self, path):
        with self.lock:
            if path == "/feed.xml":
                items = []
                for n in sorted(self.articles, reverse=True)[:40]:
                    version, day = self.articles[n]
                    items.append(
                        f"<item><title>Meldung {n}</title><link>http://{{host}}/presse/{n}.html</link>"
                        f"<guid isPermaLink=\"false\">news-{n}</guid>"
                        f"<pubDate>{day:02d} Sep 2025 10:00:00 +0200</pubDate>"
                        f"<description>Kurzfassung der Meldung {n}.</description></item>")
                return ("application/rss+xml; charset=utf-8",
                        "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel>"
                        "<title>Crash-Test</title><link>http://{host}/</link>" + "".join(items) + "</channel></rss>")
            if path == "/presse/":
                links = "".join(
                    f"<li class=\"news-item\"><h3><a href=\"/presse/{n}.html\">Meldung {n}</a></h3>"
                    f"<p>Kurzfassung der Meldung {n} mit einigen Worten.</p></li>"
                    for n in sorted(self.articles, reverse=True)[:20])
                return ("text/html; charset=utf-8",
                        "<!DOCTYPE html><html lang=\"de\"><head><title>Presse</title></head><body>"
                        f"<nav><a href=\"/\">Start</a></nav><main><h1>Pressemitteilungen</h1><ul class=\"news-list\">{links}</ul></main>"
                        "<footer>Impressum</footer></body></html>")
            if path.startswith("/presse/") and path.endswith(".html"):
                try:
                    n = int(path[len("/presse/"):-len(".html")])
                except ValueError:
                    return None
                if n not in self.articles:
                    return None
                version, day = self.articles[n]
                paragraphs = "".join(f"<p>{p}</p>" for p in self.body(n, version))
                return ("text/html; charset=utf-8",
                        "<!DOCTYPE html><html lang=\"de\"><head><title>Meldung {n} – Ministerium</title>"
                        f"<link rel=\"canonical\" href=\"http://{{host}}/presse/{n}.html\"></head><body>"
                        "<header><nav><a href=\"/\">Start</a> <a href=\"/presse/\">Presse</a></nav></header>"
                        f"<main><article><h1>Meldung {n}</h1><p class=\"date\">{day:02d}.09.2025</p>{paragraphs}</article></main>"
                        "<footer><p>Impressum · Datenschutz · Kontakt</p></footer></body></html>")
        return None


def serve(site):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            found = site.page(self.path)
            if found is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            ctype, text = found
            body = text.replace("{host}", self.headers["Host"]).encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    class Server(http.server.ThreadingHTTPServer):
        request_queue_size = 1024
        daemon_threads = True

        def handle_error(self, request, client_address):
            pass  # a client killed mid-request resets its connection: expected here

    server = Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def check_files(archive, errors):
    """Checks every story folder; returns {id: record}."""
    records = {}
    hashes = {}
    identities = {}
    temporaries = 0
    items = os.path.join(archive, "items")
    for dirpath, dirnames, filenames in os.walk(items):
        temporaries += sum(1 for f in filenames if f.startswith(".") and f.endswith(".tmp"))
        if "meta.json" not in filenames:
            continue
        path = os.path.join(dirpath, "meta.json")
        try:
            with open(path, encoding="utf-8") as f:
                record = json.load(f)
        except Exception as e:  # a torn meta.json
            errors.append(f"torn meta.json {path}: {e}")
            continue
        records[record["id"]] = record
        for revision in record["revisions"]:
            n = revision["number"]
            for suffix in ("txt", "html", "fragment.html"):
                if not os.path.exists(os.path.join(dirpath, f"{n}.{suffix}")):
                    errors.append(f"{record['id']}: revision {n} lacks {n}.{suffix}")
            try:
                with open(os.path.join(dirpath, f"{n}.txt"), encoding="utf-8") as f:
                    text = f.read()
                if content_hash(text) != revision["hash"]:
                    errors.append(f"{record['id']}: {n}.txt does not match its hash (torn or partial)")
            except FileNotFoundError:
                pass
            other = hashes.setdefault(revision["hash"], record["id"])
            if other != record["id"]:
                errors.append(f"duplicate story: hash {revision['hash'][:12]} in {other} and {record['id']}")
        for key in record["identities"]:
            other = identities.setdefault(key, record["id"])
            if other != record["id"]:
                errors.append(f"duplicate story: identity {key} in {other} and {record['id']}")
    return records, temporaries


def check_index(archive, records, errors):
    if os.path.exists(os.path.join(archive, ".index-dirty")):
        errors.append("the dirty marker survived a completed run")
    db = sqlite3.connect(os.path.join(archive, "herold.sqlite"))
    try:
        ids = {row[0] for row in db.execute("SELECT id FROM stories")}
        revisions = {row[0]: len(json.loads(row[1])["revisions"]) for row in db.execute("SELECT id, record FROM stories")}
    finally:
        db.close()
    if ids != set(records):
        errors.append(f"index disagrees with the files: {len(ids - set(records))} extra, {len(set(records) - ids)} missing")
    for story, count in revisions.items():
        if story in records and len(records[story]["revisions"]) != count:
            errors.append(f"index disagrees on the revisions of {story}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--herold", required=True, help="the herold binary")
    parser.add_argument("--kills", type=int, default=120)
    parser.add_argument("--complete-every", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    site = Site(rng)
    server = serve(site)
    port = server.server_address[1]
    work = tempfile.mkdtemp(prefix="herold-crash-")
    config = os.path.join(work, "feeds.yml")
    with open(config, "w") as f:
        f.write(f"""archive: archive
feed:
  id: "tag:herold.test,2026:crash"
defaults:
  host_delay: 0s
  host_connections: 4
sources:
  - id: rss
    url: "http://127.0.0.1:{port}/feed.xml"
    full_text: true
  - id: list
    url: "http://127.0.0.1:{port}/presse/"
    kind: page
""")
    archive = os.path.join(work, "archive")

    def run(kill_after=None):
        nonlocal duration
        began = time.monotonic()
        proc = subprocess.Popen([args.herold, "fetch", "--config", config], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        if kill_after is None:
            code = proc.wait(timeout=300)
            duration = time.monotonic() - began
            return code
        time.sleep(kill_after)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            return "killed"
        return proc.returncode

    duration = 0.0
    if run() != 0:
        print("the first complete run failed", file=sys.stderr)
        return 2
    first_duration = duration
    errors = []
    committed, _ = check_files(archive, errors)
    check_index(archive, committed, errors)
    committed = set(committed)
    kills = completed = finished_early = max_temporaries = 0
    i = -1
    while kills < args.kills:
        i += 1
        site.evolve()
        # Kill somewhere within the time a run with this much work takes (measured by timing a
        # complete run of a copy of the same state is not possible, so use the last complete run).
        outcome = run(kill_after=rng.uniform(0, max(duration, 0.05)))
        if outcome == "killed":
            kills += 1
        else:
            finished_early += 1
        records, temporaries = check_files(archive, errors)
        max_temporaries = max(max_temporaries, temporaries)
        lost = committed - set(records)
        if lost:
            errors.append(f"after kill {i + 1}: {len(lost)} committed stories lost")
        if outcome == "killed" and kills % args.complete_every == 0:
            if run() != 0:
                errors.append(f"complete run after kill {i + 1} failed")
            records, _ = check_files(archive, errors)
            check_index(archive, records, errors)
            committed |= set(records)
            completed += 1
        if errors:
            break
    records, _ = check_files(archive, errors)
    revisions = sum(len(r["revisions"]) for r in records.values())
    server.shutdown()
    print(f"killed runs: {kills} (another {finished_early} finished before their kill instant); "
          f"completed runs checked against the index: {completed + 1}")
    print(f"archive: {len(records)} stories, {revisions} revisions; the first run took {first_duration:.2f} s, the last complete one {duration:.2f} s; "
          f"at most {max_temporaries} leftover temporary files seen after a kill (removed by the next open)")
    if errors:
        print("VIOLATIONS:")
        for e in errors[:20]:
            print("  " + e)
        return 1
    print("no violations: no torn or partial file, no duplicate story, no lost story, index == files")
    return 0


if __name__ == "__main__":
    sys.exit(main())

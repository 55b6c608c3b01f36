#!/usr/bin/env python3
"""Seeded mutants of feed files, for output-equality checks between two builds.

    python3 scripts/feedparsing/make_mutants.py OUTDIR [--seed N] [--per-file K] [--big-per-file K] FILE...

Each input gets K mutants (K_big for files over 1 MB, whose mutants are as large), each with
1-3 mutations chosen from: truncation, byte flips, a removed '>' or '<', an inserted '&' (bare
or starting a reference-like run), bad UTF-8 (lone continuation, cut sequence, overlong,
surrogate, 0xFF), an inserted CR / control byte / ']]>' / '&#150;' / '&#x0;'. The same seed and
inputs always give the same files (OUTDIR/mut-NNNN.xml, plus OUTDIR/index.txt: source and
mutations of each). Used to check that a speed change keeps `herold parse FILE --json` (with and
without --url) and the warnings byte-identical, including on broken input.
"""
import argparse
import os
import random

BAD_UTF8 = [b"\x80", b"\xc3", b"\xe2\x82", b"\xc0\xaf", b"\xed\xa0\x80", b"\xff", b"\xf4\x90\x80\x80"]
INSERTS = [b"&", b"& ", b"&amp", b"&auml;", b"&nosuch;", b"&#", b"&#150;", b"&#x0;", b"&#xD800;", b"\r",
           b"\r\n", b"\x01", b"\x0b", b"]]>", b"<![CDATA[", b"<!--", b"<", b">", b"\xef\xbf\xbe", b"&#10;"]


def mutate(data: bytes, rng: random.Random, log: list) -> bytes:
    b = bytearray(data)
    if not b:
        return bytes(b)
    kind = rng.choice(["truncate", "flip", "drop_gt", "drop_lt", "amp", "bad_utf8", "insert"])
    if kind == "truncate":
        cut = rng.randrange(len(b))
        log.append(f"truncate@{cut}")
        del b[cut:]
    elif kind == "flip":
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(b))
            b[at] ^= 1 << rng.randrange(8)
            log.append(f"flip@{at}")
    elif kind in ("drop_gt", "drop_lt"):
        char = ord(">") if kind == "drop_gt" else ord("<")
        positions = [i for i, x in enumerate(b) if x == char] if len(b) < 2_000_000 else None
        if positions is None:  # large file: look near a random place
            start = rng.randrange(len(b))
            at = b.find(bytes([char]), start)
            positions = [at] if at >= 0 else []
        if positions:
            at = rng.choice(positions)
            log.append(f"{kind}@{at}")
            del b[at]
    elif kind == "amp":
        at = rng.randrange(len(b) + 1)
        piece = rng.choice([b"&", b"& ", b"&x", b"&#", b"&amp", b"&#228", b"&szlig;"])
        log.append(f"amp@{at}:{piece!r}")
        b[at:at] = piece
    elif kind == "bad_utf8":
        at = rng.randrange(len(b) + 1)
        piece = rng.choice(BAD_UTF8)
        log.append(f"bad_utf8@{at}:{piece!r}")
        b[at:at] = piece
    else:
        at = rng.randrange(len(b) + 1)
        piece = rng.choice(INSERTS)
        log.append(f"insert@{at}:{piece!r}")
        b[at:at] = piece
    return bytes(b)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("outdir")
    parser.add_argument("files", nargs="+")
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--per-file", type=int, default=6)
    parser.add_argument("--big-per-file", type=int, default=3)
    args = parser.parse_args()
    os.makedirs(args.outdir, exist_ok=True)
    rng = random.Random(args.seed)
    number = 0
    with open(os.path.join(args.outdir, "index.txt"), "w") as index:
        for path in sorted(args.files):
            with open(path, "rb") as f:
                data = f.read()
            count = args.big_per_file if len(data) > 1_000_000 else args.per_file
            for _ in range(count):
                log: list = []
                out = data
                for _ in range(rng.randint(1, 3)):
                    out = mutate(out, rng, log)
                name = f"mut-{number:04d}.xml"
                with open(os.path.join(args.outdir, name), "wb") as f:
                    f.write(out)
                index.write(f"{name} {path} {' '.join(log)}\n")
                number += 1
    print(f"{number} mutants in {args.outdir}")


if __name__ == "__main__":
    main()

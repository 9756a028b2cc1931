#!/usr/bin/env python
"""Benchmark of the press-release reader: documents per second per core on 2 KB releases.

    .venv/bin/python scripts/bench_newsread.py [--docs 2000] [--size 2048] [--repeat 3]

Builds DOCS releases of about SIZE bytes (UTF-8) from the development set
(investledger/newsread/devset/docs: English and Chinese, Simplified and Traditional), each cut at a
sentence end, and times `propose()` on every one in this single process, pinned to one core,
after the modules and OpenCC's dictionaries are loaded (load is timed apart). Prints the best of
REPEAT runs in documents per CPU second of this process (documents per second per core, whatever
else the machine runs) and per wall-clock second, with the load time and the mix of languages.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def releases(count: int, size: int) -> list[bytes]:
    """`count` documents of about `size` bytes, each made of whole development-set releases."""
    docs = sorted((ROOT / "investledger" / "newsread" / "devset" / "docs").glob("*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in docs]
    out = []
    i = 0
    while len(out) < count:
        parts: list[str] = []
        while len("\n\n".join(parts).encode()) < size:
            parts.append(texts[i % len(texts)])
            i += 1
        data = "\n\n".join(parts).encode()
        cut = data[:size].decode("utf-8", errors="ignore")
        end = max(cut.rfind("."), cut.rfind("。"))
        out.append(cut[: end + 1].encode() if end > 0 else cut.encode())
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--size", type=int, default=2048)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core
    t0 = time.perf_counter()
    from investledger.newsread import propose

    propose("warm-up: Tencent signed an agreement to invest RMB 5 billion. 腾讯科技有限公司投资50亿元。")
    load = time.perf_counter() - t0
    docs = releases(args.docs, args.size)
    mean = sum(len(d) for d in docs) / len(docs)
    zh = sum(1 for d in docs if len(d.decode()) < len(d) * 0.7)
    best = best_wall = 0.0
    for _ in range(args.repeat):
        start, start_wall = time.process_time(), time.perf_counter()
        facts = 0
        for d in docs:
            p = propose(d)
            facts += len(p["deals"]) + len(p["aggregates"])
        best = max(best, len(docs) / (time.process_time() - start))
        best_wall = max(best_wall, len(docs) / (time.perf_counter() - start_wall))
    print(f"load (imports, OpenCC dictionaries): {load * 1000:.0f} ms")
    print(f"documents: {len(docs)}, mean {mean:.0f} bytes, {zh} mostly Chinese; {facts} facts proposed per run")
    print(f"documents per CPU second (per core): {best:.0f} (best of {args.repeat})")
    print(f"documents per wall-clock second: {best_wall:.0f} (lower when other processes share the core)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

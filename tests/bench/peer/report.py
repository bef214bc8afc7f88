"""Prints tests/bench/peer.sh's measurements as a markdown table, egov-rank's req/s over the
peer's for the same set, query and concurrency, then one `miss:` line per computed run that
misses one of issue 16's targets and the verdict line. A run without a peer figure (the peer
not measured, or no answer of it within the run) has its ratio left unjudged.

Usage: python3 report.py RESULTS COMMIT DURATION CORES LOAD
RESULTS holds lines `SET QUERY CONCURRENCY LABEL RESULT key=value...` (graphql-bodies.lua's
RESULT line), LABEL being `peer` or `ENGINE-MODE` (`sqlite-computed`, `postgres-kept`, ...).
"""
import sys

# Issue 16's targets for computed answers (EGOV_CACHE_ENTRIES=0).
RATIO = {"small": 5, "large": 50}
MIN_RPS_AT_64 = 3000
MAX_P99_MS = 50
NAMES = {"peer": "PostGraphile 4", "sqlite": "egov-rank SQLite", "postgres": "egov-rank PostgreSQL"}


def label(name):
    engine, _, mode = name.partition("-")
    return NAMES[engine] + (f", {mode}" if mode else "")


def main(path, commit, duration, cores, load):
    runs = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            set_, query, conc, who, _, *pairs = line.split()
            values = dict(pair.split("=") for pair in pairs)
            runs.append((set_, query, int(conc), who, values))
    peer = {(s, q, c): float(v["rps"]) for s, q, c, who, v in runs if who == "peer"}
    print(f"Peer benchmark at commit {commit}: wrk for {duration} per run, {cores} cores, "
          f"load average {load} at the end\n")
    print("| set | query | c | server | req/s | p50 | p99 | timeouts, socket errors | ours / peer |")
    print("|---|---|---|---|---|---|---|---|---|")
    misses, computed = [], 0
    for set_, query, conc, who, v in runs:
        rps = float(v["rps"])
        answered = int(v["requests"]) > 0
        p99 = float(v["p99_ms"]) if answered else float("inf")
        base = peer.get((set_, query, conc))
        if who == "peer" or base is None:
            ratio = ""
        else:
            ratio = f"{rps / base:.2f}x" if base else "peer: none"
        figure = f"{rps:,.0f}".replace(",", " ") if rps >= 10 else f"{rps:.1f}"
        p50_p99 = f"{v['p50_ms']} ms | {v['p99_ms']} ms" if answered else f"none in {duration} | none in {duration}"
        print(f"| {set_} | {query} | {conc} | {label(who)} | {figure} | {p50_p99} "
              f"| {v['socket_errors']} | {ratio} |")
        if not who.endswith("-computed"):
            continue
        computed += 1
        problems = []
        if base and rps < RATIO[set_] * base:  # no peer figure: the ratio is not judged
            problems.append(f"{ratio} < {RATIO[set_]}x the peer")
        if conc == 64 and rps < MIN_RPS_AT_64:
            problems.append(f"{rps:.0f} req/s < {MIN_RPS_AT_64}")
        if p99 >= MAX_P99_MS:
            problems.append(f"p99 {p99:g} ms >= {MAX_P99_MS} ms" if p99 < float("inf") else "no answer in the run")
        if problems:
            misses.append(f"{set_} {who} {query} c={conc}: " + "; ".join(problems))
    print()
    for miss in misses:
        print(f"miss: {miss}")
    targets = (f"computed answers: >= {RATIO['small']}x the peer on the small set, >= {RATIO['large']}x "
               f"on the large set, >= {MIN_RPS_AT_64} req/s at c=64, p99 < {MAX_P99_MS} ms")
    if computed == 0:
        print(f"verdict: not judged (no computed run; targets are for {targets})")
    elif misses:
        print(f"verdict: targets NOT met in {len(misses)} of {computed} computed runs ({targets})")
    else:
        print(f"verdict: targets met in all {computed} computed runs ({targets})")


if __name__ == "__main__":
    main(*sys.argv[1:])

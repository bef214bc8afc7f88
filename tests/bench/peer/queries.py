"""The three queries of tests/bench/peer.sh, as egov-rank and as the peer (PostGraphile 4 over
the views of views.sql) ask them, and the check that both give the same ranks.

Usage:
  python3 queries.py bodies DIR FIRST_YEAR-LAST_YEAR CODES
      writes DIR/{ours,peer}-{ranking,compare,series}.jsonl: one request body a line, one line
      per year (ranking), per pair of consecutive years (compare) or per agency code of the file
      CODES (series); the wrk script graphql-bodies.lua sends one of them at random.
  python3 queries.py check OURS_URL PEER_URL FIRST_YEAR-LAST_YEAR CODES
      asks both servers and exits 1, saying what differs, unless for every year the ranking
      page (50 communes), for the last two years the movements page, and for a sample of the
      agencies their series give every agency the peer's rank, and the pages hold the same
      ranks (ties at a page's end may list different agencies, never different ranks).
"""
import json
import sys
import urllib.request

JURISDICTION = "bench"
PAGE = 50

# ranking: one year's communes, 50 rows; compare: movements from the year before, 50 rows;
# series: one agency's rank in every year. The same fields on both sides.
OURS = {
    "ranking": "query($y: Int!) { ranking(year: $y, tier: COMMUNE, first: %d, jurisdiction: \"%s\") "
    "{ totalCount nodes { rank agency { code name } ratePercent convertedScore level { code } } } }"
    % (PAGE, JURISDICTION),
    "compare": "query($f: Int!, $t: Int!) { compareYears(from: $f, to: $t, tier: COMMUNE, first: %d, "
    "jurisdiction: \"%s\") { totalCount nodes { agency { code name } rankChange ratePercentChange "
    "from { rank } to { rank } } } }" % (PAGE, JURISDICTION),
    "series": "query($c: String!) { agency(code: $c, jurisdiction: \"%s\") { name results "
    "{ year rank ratePercent convertedScore level { code } } } }" % JURISDICTION,
}
PEER = {
    "ranking": "query($y: Int!) { allRankings(condition: {year: $y, tier: \"commune\"}, "
    "orderBy: [RANK_ASC, SORT_KEY_ASC], first: %d) { totalCount nodes { rank agencyCode agencyName "
    "ratePercent convertedScore levelCode } } }" % PAGE,
    "compare": "query($t: Int!) { allMovements(condition: {year: $t, tier: \"commune\"}, "
    "orderBy: [RANK_ASC, SORT_KEY_ASC], first: %d) { totalCount nodes { agencyCode agencyName rank "
    "previousRank rankChange rateChange } } }" % PAGE,
    "series": "query($c: String!) { allRankings(condition: {agencyCode: $c}, orderBy: YEAR_ASC) "
    "{ nodes { year rank agencyName ratePercent convertedScore levelCode } } }",
}
# The peer's whole ranking and movements of a year, to look every agency of a page up in.
PEER_ALL = {
    "ranking": "query($y: Int!) { allRankings(condition: {year: $y, tier: \"commune\"}) "
    "{ nodes { agencyCode rank } } }",
    "compare": "query($t: Int!) { allMovements(condition: {year: $t, tier: \"commune\"}) "
    "{ nodes { agencyCode rank previousRank } } }",
}


def years(span):
    first, last = (int(y) for y in span.split("-"))
    return list(range(first, last + 1))


def variables(side, name, year=None, code=None):
    if name == "ranking":
        return {"y": year}
    if name == "compare":
        return {"f": year - 1, "t": year} if side == "ours" else {"t": year}
    return {"c": code}


def body(side, name, **kwargs):
    query = (OURS if side == "ours" else PEER)[name]
    return json.dumps({"query": query, "variables": variables(side, name, **kwargs)}, ensure_ascii=False)


def write_bodies(folder, span, codes_file):
    all_years = years(span)
    codes = read_codes(codes_file)
    for side in ("ours", "peer"):
        lines = {
            "ranking": [body(side, "ranking", year=y) for y in all_years],
            "compare": [body(side, "compare", year=y) for y in all_years[1:]],
            "series": [body(side, "series", code=c) for c in codes],
        }
        for name, bodies in lines.items():
            with open(f"{folder}/{side}-{name}.jsonl", "w", encoding="utf-8") as f:
                f.write("\n".join(bodies) + "\n")


def read_codes(path):
    with open(path, encoding="utf-8") as f:
        return [line.strip() for line in f if line.strip()]


def ask(url, query, variables_):
    payload = json.dumps({"query": query, "variables": variables_}).encode()
    request = urllib.request.Request(url, payload, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=300) as answer:
        reply = json.load(answer)
    if reply.get("errors") or not reply.get("data"):
        raise SystemExit(f"check: {url} answered with errors: {json.dumps(reply)[:500]}")
    return reply["data"]


def compare_page(what, ours, peer_page, peer_all):
    """ours, peer_page: [(code, ranks)] as listed; peer_all: {code: ranks}. Returns problems."""
    problems = []
    for code, ranks in ours:
        if peer_all.get(code) != ranks:
            problems.append(f"{what}: {code} is {ranks} for egov-rank, {peer_all.get(code)} for the peer")
    if sorted(r for _, r in ours) != sorted(r for _, r in peer_page):
        problems.append(f"{what}: the pages hold different ranks: egov-rank {[r for _, r in ours]}, "
                        f"the peer {[r for _, r in peer_page]}")
    return problems


def check(ours_url, peer_url, span, codes_file):
    all_years = years(span)
    problems = []
    for year in all_years:
        mine = ask(ours_url, OURS["ranking"], variables("ours", "ranking", year=year))["ranking"]
        theirs = ask(peer_url, PEER["ranking"], variables("peer", "ranking", year=year))["allRankings"]
        everyone = ask(peer_url, PEER_ALL["ranking"], {"y": year})["allRankings"]["nodes"]
        if mine["totalCount"] != theirs["totalCount"]:
            problems.append(f"ranking {year}: {mine['totalCount']} communes, the peer {theirs['totalCount']}")
        problems += compare_page(
            f"ranking {year}",
            [(n["agency"]["code"], n["rank"]) for n in mine["nodes"]],
            [(n["agencyCode"], n["rank"]) for n in theirs["nodes"]],
            {n["agencyCode"]: n["rank"] for n in everyone})
    year = all_years[-1]
    mine = ask(ours_url, OURS["compare"], variables("ours", "compare", year=year))["compareYears"]
    theirs = ask(peer_url, PEER["compare"], variables("peer", "compare", year=year))["allMovements"]
    everyone = ask(peer_url, PEER_ALL["compare"], {"t": year})["allMovements"]["nodes"]
    problems += compare_page(
        f"compare {year - 1}-{year}",
        [(n["agency"]["code"], ((n["from"] or {}).get("rank"), n["to"]["rank"])) for n in mine["nodes"]],
        [(n["agencyCode"], (n["previousRank"], n["rank"])) for n in theirs["nodes"]],
        {n["agencyCode"]: (n["previousRank"], n["rank"]) for n in everyone})
    codes = read_codes(codes_file)
    for code in codes[:: max(1, len(codes) // 7)]:
        mine = ask(ours_url, OURS["series"], {"c": code})["agency"]
        theirs = ask(peer_url, PEER["series"], {"c": code})["allRankings"]["nodes"]
        mine = [(r["year"], r["rank"]) for r in (mine or {}).get("results", [])]
        theirs = [(r["year"], r["rank"]) for r in theirs]
        if mine != theirs or len(mine) != len(all_years):
            problems.append(f"series of {code}: egov-rank {mine}, the peer {theirs}")
    if problems:
        print(f"check FAILED: {ours_url} and the peer disagree:", *problems[:20], sep="\n  ", file=sys.stderr)
        raise SystemExit(1)
    print(f"check: {ours_url} gives the peer's ranks ({len(all_years)} rankings, 1 comparison, "
          f"{len(codes[:: max(1, len(codes) // 7)])} series)", file=sys.stderr)


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    {"bodies": write_bodies, "check": check}[command](*args)

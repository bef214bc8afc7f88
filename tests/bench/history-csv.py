"""Writes a normalized CSV history: the national shape in one jurisdiction, for import benchmarks.

Usage: python3 history-csv.py PATH [PROVINCES] [FIRST_YEAR-LAST_YEAR]

Per "province" 20 departments, 10 districts and 100 communes (names prefixed by the province's
number, so every name is distinct), each scored every year: points out of 100 with 2 decimals,
published columns empty. 63 provinces over 2016-2025 give 81 900 rows and 8 190 agencies. A
fixed seed makes every run write the same file.
"""
import random
import sys

path = sys.argv[1]
provinces = int(sys.argv[2]) if len(sys.argv) > 2 else 63
first, last = (int(y) for y in (sys.argv[3] if len(sys.argv) > 3 else "2016-2025").split("-"))
random.seed(2016)
tiers = [("provincial", "Sở", 20), ("district", "UBND huyện", 10), ("commune", "UBND xã", 100)]
with open(path, "w", encoding="utf-8") as f:
    f.write("year,tier,published_rank,agency,max_points,excluded_points,required_points,"
            "achieved_points,published_rate_percent,published_converted_score,published_level\n")
    for year in range(first, last + 1):
        for province in range(1, provinces + 1):
            for tier, kind, count in tiers:
                for n in range(1, count + 1):
                    achieved = random.randint(5000, 10000) / 100
                    f.write(f"{year},{tier},,{kind} {n:03d} tỉnh {province:02d},100,0,100,{achieved:.2f},,,\n")

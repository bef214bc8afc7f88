"""Writes a normalized CSV of ROWS commune results for 2021, for the import scripts.

Usage: python3 commune-csv.py PATH ROWS NAME_PREFIX

Agencies `NAME_PREFIX 00001`..., max 100, excluded 0, required 100, achieved random 0-100 with
2 decimals (fixed seed, so every run imports the same file), published columns empty.
"""
import random
import sys

path, rows, prefix = sys.argv[1], int(sys.argv[2]), sys.argv[3]
random.seed(2021)
with open(path, "w", encoding="utf-8") as f:
    f.write("year,tier,published_rank,agency,max_points,excluded_points,required_points,"
            "achieved_points,published_rate_percent,published_converted_score,published_level\n")
    for i in range(1, rows + 1):
        f.write(f"2021,commune,,{prefix} {i:05d},100,0,100,{random.randint(0, 10000) / 100:.2f},,,\n")

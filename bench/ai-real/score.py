#!/usr/bin/env python3
"""Scores a run of the AI checks against the reviewed verdicts.
precision: reviewed findings whose rule is the expected one / reviewed findings.
recall: sampled call sites (origin=sample) expecting a rule that are reported with it / those sites.
Usage: score.py VERDICTS REPOS OUT_DIR"""
import json, os, sys
from collections import defaultdict

verdicts_path, repos_path, out_dir = sys.argv[1:4]
verdicts = {}
sample = []  # (key, expected, origin)
for i, line in enumerate(open(verdicts_path)):
    if i == 0 or not line.strip():
        continue
    repo, commit, path, lineno, expected, origin, reason = line.rstrip("\n").split("\t")
    key = (repo.replace("/", "+"), path, int(lineno))
    verdicts.setdefault(key, expected)
    if origin.startswith("sample"):
        sample.append((key, expected, origin))

findings = defaultdict(set)
ran = set()
for i, line in enumerate(open(repos_path)):
    if i == 0 or not line.strip():
        continue
    name = line.split("\t")[0].replace("/", "+")
    path = os.path.join(out_dir, name + ".json")
    if not os.path.exists(path):
        continue
    ran.add(name)
    for f in json.load(open(path)).get("findings", []):
        if f["rule"].startswith("ai-"):
            findings[(name, f["file"], f["line"])].add(f["rule"])

per_repo = defaultdict(lambda: [0, 0, 0, 0, 0])  # right, wrong, unreviewed, sample hits, sample positives
unreviewed = []
for key, rules in sorted(findings.items()):
    for rule in sorted(rules):
        expected = verdicts.get(key)
        if expected is None:
            per_repo[key[0]][2] += 1
            unreviewed.append((key, rule))
        elif expected == rule:
            per_repo[key[0]][0] += 1
        else:
            per_repo[key[0]][1] += 1
by_origin = defaultdict(lambda: [0, 0])
for key, expected, origin in sample:
    if key[0] not in ran or expected == "none":
        continue
    per_repo[key[0]][4] += 1
    by_origin[origin][1] += 1
    if expected in findings.get(key, set()):
        per_repo[key[0]][3] += 1
        by_origin[origin][0] += 1

print(f"{'repository':40} {'right':>5} {'wrong':>5} {'unrev':>5}  {'sample hit/pos':>14}")
totals = [0] * 5
for name in sorted(per_repo):
    r = per_repo[name]
    totals = [a + b for a, b in zip(totals, r)]
    print(f"{name:40} {r[0]:5} {r[1]:5} {r[2]:5}  {r[3]:>7}/{r[4]:<6}")
right, wrong, unrev, hits, positives = totals
print(f"{'total':40} {right:5} {wrong:5} {unrev:5}  {hits:>7}/{positives:<6}")
if right + wrong:
    print(f"precision {right}/{right + wrong} = {100 * right / (right + wrong):.1f}%")
if positives:
    print(f"recall    {hits}/{positives} = {100 * hits / positives:.1f}% (sampled call sites)")
    for origin, (h, p) in sorted(by_origin.items()):
        print(f"  {origin:15} {h}/{p} = {100 * h / p:.1f}%")
for key, expected, origin in sample:
    if key[0] in ran and expected != "none" and expected not in findings.get(key, set()):
        print(f"missed   {key[0]} {key[1]}:{key[2]} expected {expected}")
for (key, expected) in [(k, v) for k, v in verdicts.items()]:
    for rule in findings.get(key, set()):
        if expected != rule:
            print(f"wrong    {key[0]} {key[1]}:{key[2]} {rule} (expected {expected})")
for key, rule in unreviewed:
    print(f"unreviewed {key[0]} {key[1]}:{key[2]} {rule}")

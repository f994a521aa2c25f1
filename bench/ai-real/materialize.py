#!/usr/bin/env python3
"""Writes the Python sources, notebooks and dependency files of one commit of a fetched mirror
into a directory, skipping blobs the mirror does not hold (large files are often absent).
Usage: materialize.py GIT_DIR COMMIT OUT_DIR"""
import os, re, subprocess, sys

WANTED = re.compile(r"(\.py|\.pyw|\.ipynb|requirements[^/]*\.txt|pyproject\.toml|uv\.lock|poetry\.lock|"
                    r"Pipfile\.lock|setup\.cfg)$")

def main():
    git_dir, commit, out = sys.argv[1:4]
    listing = subprocess.run(["git", "--git-dir", git_dir, "ls-tree", "-r", "-z", commit],
                             capture_output=True, check=True).stdout.split(b"\0")
    wanted = []
    for entry in listing:
        if not entry:
            continue
        meta, path = entry.split(b"\t", 1)
        mode, kind, sha = meta.split()
        if kind == b"blob" and mode != b"120000" and WANTED.search(path.decode("utf-8", "replace")):
            wanted.append((sha, path))
    batch = subprocess.Popen(["git", "--git-dir", git_dir, "cat-file", "--batch"],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    written = 0
    for sha, path in wanted:
        batch.stdin.write(sha + b"\n")
        batch.stdin.flush()
        header = batch.stdout.readline().split()
        if len(header) < 3 or header[1] == b"missing":
            continue
        size = int(header[2])
        data = batch.stdout.read(size)
        batch.stdout.read(1)
        target = os.path.join(out.encode(), path)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as f:
            f.write(data)
        written += 1
    batch.stdin.close()
    batch.wait()
    print(f"{written} of {len(wanted)} files", file=sys.stderr)

main()

#!/usr/bin/env python3
"""leakguard benchmark: throughput, memory, start-up, and planted-secret recall.

Builds nothing itself (scripts/bench does). Generates a deterministic corpus of code-like text
(or scans a directory you name), plants fake secrets from the rules' own examples at known
places, runs the release binary and prints the figures.
"""
import json, os, random, resource, shutil, statistics, subprocess, sys, time

BIN = os.environ.get("LEAKGUARD", ".build/release/leakguard")

# Identifiers with roughly the mix of real Python: the words the secret rules key on (token, key,
# secret, password, auth, api) occur about as often per MB as in site-packages (~1,000 keyword
# hits per MB), so the prefilter and the rules see a realistic load.
NEUTRAL = ("self request response client config value result data items index count name path "
           "offset buffer stream reader writer parser options context manager factory service "
           "cache timeout retry limit page query params headers payload model engine node tree "
           "graph edge vertex matrix vector array table column row record field schema view "
           "state event handler callback future task queue worker thread lock pool batch chunk "
           "size length width height depth level scale factor ratio weight bias score label "
           "target source origin parent child sibling root leaf prefix suffix pattern format "
           "encoding decoder encoder message error warning status code reason detail summary "
           "start stop begin end first last next prev current default initial final total "
           "user group role owner member account profile session cookie header body content "
           "text line word char byte bit flag mode kind type style theme color font image "
           "frame widget window screen layout panel button input output file folder dir "
           "archive package module plugin extension loader builder runner helper util tools "
           "logger metric counter gauge timer clock date time zone locale region country city").split()
SECRETISH = "token key secret password auth api".split()

def word(rng):
    return rng.choice(SECRETISH) if rng.random() < 0.012 else rng.choice(NEUTRAL)

TEMPLATES = [
    "def {a}_{b}(self, {c}, {d}=None):",
    "    {a} = self.{b}.get('{c}', {d})",
    "    if {a} is None or not {b}:",
    "        raise ValueError(f\"invalid {a}: {{{b}!r}}\")",
    "    for {a} in {b}.{c}():",
    "        {a}[{b}] = {c}({d}, timeout={n})",
    "    return {a}.{b}({c}={d})",
    "# {a} the {b} before {c} so the {d} stays consistent",
    "const {a} = await {b}.{c}({{ {d}: {n} }});",
    "  {a}.{b} = os.environ.get(\"{c}_{d}\".upper())",
    "    log.debug(\"{a} %s {b} %d\", {c}, {n})",
    "{a}_{b}_TIMEOUT = {n}",
    "func {a}{b}(_ {c}: Int) -> {d} {{ return {c} }}",
    "",
]
RARE_TEMPLATES = [
    "    headers[\"Authorization\"] = f\"Bearer {{{a}.{b}}}\"",
    "    password_hash = hashlib.sha256({a}.encode()).hexdigest()",
]

def gen_corpus(root, total_mb, seed=1):
    rng = random.Random(seed)
    os.makedirs(root, exist_ok=True)
    target = total_mb * 1024 * 1024
    written, files = 0, []
    i = 0
    while written < target:
        lines = []
        size = rng.randint(4_000, 60_000)
        n = 0
        while n < size:
            t = rng.choice(RARE_TEMPLATES) if rng.random() < 0.002 else rng.choice(TEMPLATES)
            line = t.format(a=word(rng), b=word(rng), c=word(rng), d=word(rng), n=rng.randint(0, 9999))
            lines.append(line)
            n += len(line) + 1
        sub = os.path.join(root, f"pkg{i % 97:02d}")
        os.makedirs(sub, exist_ok=True)
        path = os.path.join(sub, f"module_{i:05d}.py")
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        files.append(path)
        written += n
        i += 1
    return files

def plant(root, files, seed=7):
    """Puts one expanded example of every rule into a corpus file at a known line."""
    out = subprocess.run([BIN, "rules", "examples", "--seed", f"bench{seed}"], capture_output=True, text=True, check=True)
    rng = random.Random(seed)
    planted = []
    first = {}
    for line in out.stdout.splitlines():
        ex = json.loads(line)
        first.setdefault(ex["rule"], ex)
    for rule, ex in sorted(first.items()):
        path = rng.choice(files)
        with open(path) as f:
            lines = f.read().split("\n")
        at = rng.randint(0, max(0, len(lines) - 2))
        lines.insert(at, ex["text"])
        with open(path, "w") as f:
            f.write("\n".join(lines))
        rel = os.path.relpath(path, root)
        # Lines shift when two plants share a file; track by (rule, file) only.
        planted.append((rule, rel))
    return planted

def run_scan(root, extra=()):
    start = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    extra = list(extra) + os.environ.get("BENCH_SCAN_ARGS", "").split()
    p = subprocess.run([BIN, "scan", "--format", "json", *extra, root], capture_output=True, text=True)
    wall = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if p.returncode == 2:
        sys.exit("scan failed: " + p.stderr)
    return json.loads(p.stdout), wall, max(peak_kib, before)

def startup():
    """Median wall time of a scan of an empty directory: process start, rules, nothing to read."""
    empty = "/tmp/leakguard-bench-empty"
    os.makedirs(empty, exist_ok=True)
    times = []
    for _ in range(30):
        t = time.perf_counter()
        subprocess.run([BIN, "scan", empty], capture_output=True, check=True)
        times.append((time.perf_counter() - t) * 1000)
    print(f"startup (rules compiled, nothing scanned): median {statistics.median(times):.1f} ms, p90 {sorted(times)[26]:.1f} ms")

def main():
    # Start-up first, while this process is small (forking a large parent costs time too).
    startup()
    corpus = sys.argv[1] if len(sys.argv) > 1 else None
    mb = int(os.environ.get("BENCH_MB", "256"))
    generated = corpus is None
    planted = []
    if generated:
        # Outside any repository, so no .gitignore hides it.
        corpus = os.environ.get("BENCH_DIR", "/tmp/leakguard-bench-corpus")
        shutil.rmtree(corpus, ignore_errors=True)
        t = time.perf_counter()
        files = gen_corpus(corpus, mb)
        planted = plant(corpus, files)
        print(f"corpus: {len(files)} files, {mb} MB generated in {time.perf_counter() - t:.1f}s, {len(planted)} planted secrets")
    # Warm the page cache so we measure leakguard, not the disk.
    run_scan(corpus)
    runs = []
    for _ in range(3):
        doc, wall, peak = run_scan(corpus)
        runs.append((wall, doc, peak))
    wall, doc, peak = sorted(runs, key=lambda r: r[0])[1]
    s = doc["summary"]
    mbs = s["bytes"] / 1048576 / wall
    print(f"scan: {s['files']} files, {s['bytes'] / 1048576:.1f} MiB, {s['findings']} findings, median wall {wall * 1000:.0f} ms")
    print(f"throughput: {mbs:.0f} MB/s, {s['files'] / wall:.0f} files/s")
    print(f"peak memory: {peak / 1024:.1f} MiB")
    if planted:
        found = {(f["rule"], f["file"]) for f in doc["findings"]}
        missing = [p for p in planted if p not in found]
        print(f"planted secrets found: {len(planted) - len(missing)}/{len(planted)}" + ("" if not missing else f"; missing: {missing}"))
        shutil.rmtree(corpus, ignore_errors=True)
        if missing:
            sys.exit(1)

if __name__ == "__main__":
    main()

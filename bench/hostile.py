#!/usr/bin/env python3
"""Hostile-input benchmark: inputs built to make a scanner slow, each timed through the release
binary. Every case must run at 50 MB/s or better (issue 8: every input is linear).

Usage: bench/hostile.py [--mb N] [--binary PATH] [--runs N]
Runs each case --runs times (default 3) and prints one line per case: size, the fastest run's
seconds, MB/s, CPU seconds, MB/s per CPU second and peak RSS, and the median run's MB/s. Exits 1 if
any case's fastest run is below the bar (wall clock).

Why the fastest run: a case is linear or it is not, and its fastest run shows which. The others
add what the machine did meanwhile; on a virtual machine above all, the first touch of fresh
memory can cost more than the scan (the python-calls case builds about 140 MB of syntax tree and
index for its 8 MB, and its system time varies from 20 to 190 ms between runs). The median is
printed beside it so that spread stays visible.
"""
import argparse, os, random, shutil, string, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def keywords(binary):
    """Every keyword of the built-in pack (from `rules list --format json` when it exists)."""
    out = subprocess.run([binary, "rules", "list", "--format", "json"], capture_output=True, text=True)
    words = []
    if out.returncode == 0:
        import json
        try:
            for rule in json.loads(out.stdout):
                words += rule.get("keywords", [])
        except ValueError:
            pass
    return sorted(set(w for w in words if w)) or ["token", "secret", "key", "password", "sk-proj-", "ghp_", "AKIA"]


def cases(mb, binary):
    n = mb * 1024 * 1024
    rnd = random.Random(8)
    kws = keywords(binary)
    b64 = string.ascii_letters + string.digits + "+/"
    yield "token-word", "a.txt", ("token" * (n // 5)) + "\n"
    yield "keyword-soup", "a.txt", "".join(rnd.choice(kws) for _ in range(n // 8))[:n] + "\n"
    yield "keyword-soup-lines", "a.txt", "\n".join(" ".join(rnd.choice(kws) + "=" + rnd.choice(kws) for _ in range(8)) for _ in range(n // 160))
    yield "long-word", "a.txt", "".join(rnd.choice(string.ascii_lowercase + string.digits) for _ in range(n)) + "\n"
    yield "separators", "a.txt", ("=" * (n // 2)) + (":" * (n // 4)) + ("-" * (n // 4)) + "\n"
    yield "assignments-one-line", "a.txt", ("secret_token=" * (n // 13)) + "\n"
    yield "base64-blob", "a.txt", "".join(rnd.choice(b64) for _ in range(n)) + "\n"
    yield "base64-lines", "a.txt", "\n".join("".join(rnd.choice(b64) for _ in range(76)) for _ in range(n // 77)) + "\n"
    yield "quotes", "a.txt", ("'\"" * (n // 2)) + "\n"
    yield "pem-headers", "a.txt", ("-----BEGIN RSA PRIVATE KEY-----\n" * (n // 32))
    nest = n // 4
    yield "python-nesting", "a.py", "import openai\nx = " + "(" * nest + ")" * nest + "\nopenai.OpenAI().chat.completions.create(model='m', messages=[])\n"
    yield "python-brackets-mixed", "a.py", "import openai\nx = " + "[{(" * (nest // 3) + ")}]" * (nest // 3) + "\n"
    yield "python-calls", "a.py", "import openai\n" + "openai.OpenAI().chat.completions.create(model='m', messages=[])\n" * (n // 64)
    yield "python-long-string", "a.py", "import openai\ns = '" + "x" * (n - 30) + "'\n"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=int, default=8)
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build/release/leakguard"))
    parser.add_argument("--floor", type=float, default=50.0, help="MB/s every case must reach")
    parser.add_argument("--runs", type=int, default=3, help="runs per case; the fastest counts")
    args = parser.parse_args()
    if not os.path.exists(args.binary):
        sys.exit(f"no binary at {args.binary}: run scripts/bench-hostile (it builds one)")
    slow, spread = [], []
    print(f"{'case':24} {'MB':>6} {'seconds':>8} {'MB/s':>8} {'cpu s':>7} {'cpu MB/s':>9} {'peak MiB':>9} {'median MB/s':>12}")
    for name, filename, text in cases(args.mb, args.binary):
        d = tempfile.mkdtemp(prefix="lg-hostile-")
        try:
            path = os.path.join(d, filename)
            with open(path, "w") as f:
                f.write(text)
            size = os.path.getsize(path)
            runs, failed = [], None
            for _ in range(max(1, args.runs)):
                start = time.perf_counter()
                proc = subprocess.run(["/usr/bin/time", "-f", "peak-kb=%M cpu=%U %S", args.binary, "scan", "--no-gitignore",
                                       "--max-file-size", "1G", "--format", "json", "--report-path", os.devnull, d],
                                      capture_output=True, text=True, timeout=600)
                seconds = time.perf_counter() - start
                if proc.returncode not in (0, 1):
                    failed = f"{name}: exit {proc.returncode}: {proc.stderr[-300:]}"
                    break
                timing = next((l for l in proc.stderr.splitlines() if l.startswith("peak-kb=")), "peak-kb=0 cpu=0 0").split()
                runs.append((seconds, float(timing[1][4:]) + float(timing[2]), int(timing[0][8:]) / 1024))
            if failed:
                print(failed)
                slow.append(name)
                continue
            seconds, cpu, peak = min(runs)
            median = sorted(r[0] for r in runs)[len(runs) // 2]
            rate = size / 1048576 / seconds
            cpu_rate = size / 1048576 / cpu if cpu > 0 else float("inf")
            median_rate = size / 1048576 / median
            print(f"{name:24} {size / 1048576:6.1f} {seconds:8.3f} {rate:8.1f} {cpu:7.2f} {cpu_rate:9.1f} {peak:9.1f} {median_rate:12.1f}")
            if rate < args.floor:
                slow.append(name)
            elif median_rate < args.floor:
                spread.append(name)
        finally:
            shutil.rmtree(d, ignore_errors=True)
    if spread:
        print(f"fastest run at or above {args.floor} MB/s, median below: {', '.join(spread)}")
    if slow:
        print(f"below {args.floor} MB/s: {', '.join(slow)}")
        sys.exit(1)
    print(f"all cases at or above {args.floor} MB/s")


if __name__ == "__main__":
    main()

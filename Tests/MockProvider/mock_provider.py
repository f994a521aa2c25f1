#!/usr/bin/env python3
"""A stand-in for every provider that `leakguard scan --validate` asks, for the tests only.

Listens on 127.0.0.1 on a free port, prints "PORT PID" and detaches (the parent exits at once, so
a test harness that reaps children one at a time is not held up; the test stops the server by its
pid), logs each request as a JSON line to --log, and answers from --scenario, a JSON object:

  {"answers": [ANSWER, ...]}   answers for the 1st, 2nd, ... request of each distinct request
                               (same method, path, query, headers and body); the last repeats.
  "byHost": {HOST: [ANSWER, ...]}  instead, for requests whose X-Leakguard-Test-Host is HOST.
  ANSWER = {"status": 200, "headers": {...}, "body": "...", "delay": seconds}
         | {"raw": "bytes that are not HTTP"}   (then the connection is closed)

It stops by itself after --lifetime seconds (default 120) so a failed test leaves nothing behind.
"""
import argparse, json, os, signal, sys, threading, time

# Started from a test thread whose signal mask may block SIGTERM: take it back, so stop() works.
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})

# The test process starts this server while other tests run the binary through pipes; holding an
# inherited copy of their write ends would keep their reads waiting until this server exits.
os.closerange(3, 4096)
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

parser = argparse.ArgumentParser()
parser.add_argument("--scenario", required=True)
parser.add_argument("--log", required=True)
parser.add_argument("--lifetime", type=float, default=120)
args = parser.parse_args()
scenario = json.loads(args.scenario)
default_answers = scenario.get("answers", [{"status": 404}])
by_host = scenario.get("byHost", {})
seen = {}
lock = threading.Lock()
log = open(args.log, "a", buffering=1)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        # A retry is the same request; a SigV4 signature and its date change with the clock.
        identity = json.dumps([self.command, self.path, sorted((k, v) for k, v in headers.items() if k not in ("x-amz-date", "authorization")),
                               headers.get("authorization", "").split(" Signature=")[0].rsplit("/", 4)[0], body.decode("latin-1")])
        with lock:
            n = seen.get(identity, 0)
            seen[identity] = n + 1
            log.write(json.dumps({"t": time.time(), "method": self.command, "path": self.path, "headers": headers,
                                  "body": body.decode("utf-8", "replace"), "n": n}) + "\n")
        answers = by_host.get(headers.get("x-leakguard-test-host", ""), default_answers)
        answer = answers[min(n, len(answers) - 1)]
        if answer.get("delay"):
            time.sleep(answer["delay"])
        if "raw" in answer:
            self.wfile.write(answer["raw"].encode())
            self.wfile.flush()
            self.close_connection = True
            return
        payload = answer.get("body", "").encode()
        self.send_response(answer.get("status", 200))
        for k, v in answer.get("headers", {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = handle_any


ThreadingHTTPServer.request_queue_size = 128
server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
pid = os.fork()
if pid:
    print(server.server_address[1], pid, flush=True)
    os._exit(0)
os.setsid()
devnull = os.open(os.devnull, os.O_RDWR)
for fd in (0, 1, 2):
    os.dup2(devnull, fd)
threading.Timer(args.lifetime, server.shutdown).start()
server.serve_forever()

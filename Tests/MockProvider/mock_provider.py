#!/usr/bin/env python3
"""A stand-in for every provider that `leakguard scan --validate` asks, for the tests only.

Listens on 127.0.0.1 (a free port, printed on the first line of stdout), logs each request as a
JSON line to --log, and answers from --scenario, a JSON object:

  {"answers": [ANSWER, ...]}   answers for the 1st, 2nd, ... request of each distinct request
                               (same method, path, query, headers and body); the last repeats.
  ANSWER = {"status": 200, "headers": {...}, "body": "...", "delay": seconds}
         | {"raw": "bytes that are not HTTP"}   (then the connection is closed)

It stops by itself after --lifetime seconds (default 120) so a failed test leaves nothing behind.
"""
import argparse, json, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

parser = argparse.ArgumentParser()
parser.add_argument("--scenario", required=True)
parser.add_argument("--log", required=True)
parser.add_argument("--lifetime", type=float, default=120)
args = parser.parse_args()
answers = json.loads(args.scenario)["answers"]
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
        identity = json.dumps([self.command, self.path, sorted((k, v) for k, v in headers.items() if k not in ("x-amz-date", "authorization") or "AWS4" not in v), body.decode("latin-1")])
        with lock:
            n = seen.get(identity, 0)
            seen[identity] = n + 1
            log.write(json.dumps({"t": time.time(), "method": self.command, "path": self.path, "headers": headers,
                                  "body": body.decode("utf-8", "replace"), "n": n}) + "\n")
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


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
print(server.server_address[1], flush=True)
threading.Timer(args.lifetime, server.shutdown).start()
server.serve_forever()

#!/usr/bin/env python3
"""stub_server — an OpenAI-compatible chat completions server for simsa's
tests and benchmarks (Python standard library only).

Listens on 127.0.0.1 at a free port, prints that port on one line, and
answers POST .../chat/completions. What it does is chosen by the request's
model name:

  echo (or anything else)  200: "답변: <prompt>" (and the system text)
  slow-<N>ms               the same after N milliseconds
  flaky-500                500 the first time a prompt is asked, then echo
  always-500               500 every time
  ratelimit                429 with Retry-After: 1 the first time, then echo
  ratelimit-date           the same with an HTTP date one second ahead
  ratelimit-garbage        the same with a Retry-After that means nothing
  ratelimit-huge           the same with Retry-After: 99999
  garbage                  200 with a body that is not JSON
  bad-utf8                 200 with invalid UTF-8 inside the JSON
  nochoices                200 {"choices": []}
  empty                    200 with an empty message
  length                   echo, stopped with finish_reason "length"
  huge                     200 with an endless body
  drop                     closes the connection without answering
  stall                    sends a few bytes of the body, then nothing
  unauthorized             401 whose message quotes the Authorization header
  notfound                 404
  redirect                 302 to another path

With --log FILE every request is appended to FILE as one JSON line: path,
headers (names in lower case), body, model, and how many requests for that
model were in progress when it arrived. --tls CERT KEY serves HTTPS.
The server ends by itself after --max-seconds (default 900).
"""
import argparse
import email.utils
import json
import os
import re
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()
SEEN = {}       # (model, prompt) -> times asked
INFLIGHT = {}   # model -> requests in progress
LOG = None


def record(entry):
    if LOG is None:
        return
    with LOCK:
        LOG.write(json.dumps(entry, ensure_ascii=False) + "\n")
        LOG.flush()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # headers and body go out in separate writes; with Nagle on, the body
    # waits for the client's delayed ACK (40 ms). Real servers turn it off.
    disable_nagle_algorithm = True

    def log_message(self, fmt, *args):  # quiet
        pass

    def send_json(self, status, doc, headers=()):
        body = json.dumps(doc, ensure_ascii=False).encode()
        self.send_raw(status, body, headers)

    def release(self):
        """The request is no longer in flight: called before the first
        byte of the answer goes out (a client may send its next request as
        soon as it has read this one's answer, before a later decrement)
        and once more, harmlessly, when the handler ends."""
        model = getattr(self, "inflight_model", None)
        if model is not None:
            self.inflight_model = None
            with LOCK:
                INFLIGHT[model] -= 1

    def send_raw(self, status, body, headers=()):
        self.release()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self.send_json(404, {"error": {"message": "only POST .../chat/completions"}})

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n)
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        model = body.get("model", "") if isinstance(body, dict) else ""
        with LOCK:
            INFLIGHT[model] = INFLIGHT.get(model, 0) + 1
            inflight = INFLIGHT[model]
        self.inflight_model = model
        record({"path": self.path, "model": model, "inflight": inflight, "t": time.time(),
                "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body})
        try:
            if not self.path.endswith("/chat/completions") or not isinstance(body, dict):
                self.send_json(404, {"error": {"message": "not found"}})
            else:
                self.answer(model, body)
        finally:
            self.release()

    def answer(self, model, body):
        msgs = body.get("messages") or []
        prompt = next((m.get("content", "") for m in msgs if m.get("role") == "user"), "")
        system = next((m.get("content") for m in msgs if m.get("role") == "system"), None)
        with LOCK:
            key = (model, prompt)
            SEEN[key] = SEEN.get(key, 0) + 1
            first = SEEN[key] == 1
        text = "답변: " + prompt + (" [시스템: %s]" % system if system else "")
        finish = "stop"
        m = re.fullmatch(r"slow-(\d+)ms", model)
        if m:
            time.sleep(int(m.group(1)) / 1000.0)
        elif model == "flaky-500" and first or model == "always-500":
            return self.send_json(500, {"error": {"message": "temporarily overloaded"}})
        elif model.startswith("ratelimit") and first:
            after = {"ratelimit": "1",
                     "ratelimit-date": email.utils.formatdate(time.time() + 1.5, usegmt=True),
                     "ratelimit-garbage": "soon, maybe",
                     "ratelimit-huge": "99999"}.get(model, "1")
            return self.send_json(429, {"error": {"message": "slow down"}},
                                  [("Retry-After", after)])
        elif model == "garbage":
            return self.send_raw(200, b'{"choices": [{"message": oops')
        elif model == "bad-utf8":
            return self.send_raw(200, b'{"choices": [{"message": {"content": "\xed\x95"}}]}')
        elif model == "nochoices":
            return self.send_json(200, {"id": "x", "choices": []})
        elif model == "empty":
            text = ""
        elif model == "length":
            finish = "length"
        elif model == "huge":
            return self.endless()
        elif model == "drop":
            self.close_connection = True
            return None
        elif model == "stall":
            return self.stall()
        elif model == "unauthorized":
            return self.send_json(401, {"error": {"message": "invalid API key: %s"
                                                  % self.headers.get("Authorization")}})
        elif model == "notfound":
            return self.send_json(404, {"error": {"message": "no such model"}})
        elif model == "redirect":
            return self.send_raw(302, b"{}", [("Location", "/elsewhere/chat/completions")])
        self.send_json(200, {
            "id": "chatcmpl-stub", "object": "chat.completion", "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                         "finish_reason": finish}],
            "usage": {"prompt_tokens": len(prompt), "completion_tokens": len(text),
                      "total_tokens": len(prompt) + len(text)}})
        return None

    def endless(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        chunk = b'{"choices": [{"message": {"content": "' + b"x" * 65536
        try:
            for _ in range(1 << 14):  # at most 1 GiB, should the client never stop
                self.wfile.write(chunk)
                chunk = b"x" * 65536
        except OSError:
            pass

    def stall(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "1000")
        self.end_headers()
        self.close_connection = True
        try:
            self.wfile.write(b'{"choices": ')
            self.wfile.flush()
            time.sleep(10)
        except OSError:
            pass


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256


def main():
    global LOG
    ap = argparse.ArgumentParser(description="OpenAI-compatible stub for simsa's tests")
    ap.add_argument("--log", help="append each request to this file (JSON Lines)")
    ap.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"), help="serve HTTPS")
    ap.add_argument("--max-seconds", type=float, default=900)
    args = ap.parse_args()
    if args.log:
        LOG = open(args.log, "a", encoding="utf-8")
    server = Server(("127.0.0.1", 0), Handler)
    if args.tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.tls[0], args.tls[1])
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
    timer = threading.Timer(args.max_seconds, lambda: os._exit(0))
    timer.daemon = True
    timer.start()
    print(server.server_address[1], flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    sys.exit(0)


if __name__ == "__main__":
    main()

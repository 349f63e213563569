#!/usr/bin/env python3
"""A misbehaving Kubernetes API server for the KubeClient bad-input tests.

Binds 127.0.0.1 on a free port, writes the port to --port-file, and exits when its stdin closes.
The first path segment picks the misbehaviour; the rest is the Kubernetes path the client asked for,
so a client configured with server http://127.0.0.1:PORT/<mode> exercises that mode:
  ok          lists: an empty ConfigMapList at resourceVersion 5; watches: one ADDED event, then the
              stream stays open until the client leaves
  garbage     200 application/json whose body is not JSON (lists and watches)
  truncated   lists: Content-Length larger than the body, then close; watches: half an event, then
              close without the terminating chunk
  hugeline    lists: one 10 MB line holding a valid list (a ConfigMap with 10 MB of data);
              watches: 10 MB of bytes with no newline, then close
  hugeevent   watches: one valid 10 MB ADDED event line, then open until the client leaves
  silent      reads the request and never answers
GET /stats returns {"<mode>": requests...} counting every request per mode.
"""
import argparse
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

COUNTS = {}
LOCK = threading.Lock()
HUGE = 10 * 1024 * 1024


def config_map(name, rv, size=1):
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": name, "namespace": "default", "resourceVersion": str(rv)},
            "data": {"key": "x" * size}}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, format, *args):
        pass

    def _head(self, status=200, length=None):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        if length is None:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(length))
        self.end_headers()

    def _chunk(self, data):
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def _whole(self, body):
        self._head(200, len(body))
        self.wfile.write(body)

    def _hold_open(self):
        # Keeps the stream open with no more data; the thread ends with the server process.
        time.sleep(3600)

    def do_GET(self):
        if self.path == "/stats":
            with LOCK:
                body = json.dumps(COUNTS).encode()
            self._whole(body)
            return
        parts = self.path.split("/", 2)
        mode = parts[1] if len(parts) > 1 else ""
        watch = "watch=1" in self.path or "watch=true" in self.path
        with LOCK:
            COUNTS[mode] = COUNTS.get(mode, 0) + 1
        try:
            self._serve(mode, watch)
        except OSError:
            pass
        self.close_connection = True

    def _serve(self, mode, watch):
        if mode == "silent":
            time.sleep(3600)
        elif mode == "garbage":
            self._whole(b"<html>this is not JSON {{{\x00\xff")
        elif mode == "truncated":
            if watch:
                self._head()
                self._chunk(b'{"type":"ADDED","object":{"apiVersion":"v1","kind":"ConfigMap","meta')
            else:
                self._head(200, 1000)
                self.wfile.write(b'{"kind":"ConfigMapList","apiVersion":"v1","items":[{"metadata"')
            self.wfile.flush()
        elif mode == "hugeline":
            if watch:
                self._head()
                block = b"x" * (1 << 20)
                for _ in range(HUGE // len(block)):
                    self._chunk(block)
            else:
                body = json.dumps({"kind": "ConfigMapList", "apiVersion": "v1",
                                   "metadata": {"resourceVersion": "5"},
                                   "items": [config_map("big", 5, HUGE)]}).encode()
                self._whole(body)
        elif mode == "hugeevent" and watch:
            self._head()
            line = json.dumps({"type": "ADDED", "object": config_map("big", 6, HUGE)}).encode() + b"\n"
            self._chunk(line)
            self._hold_open()
        else:  # ok, and lists of hugeevent
            if watch:
                self._head()
                line = json.dumps({"type": "ADDED", "object": config_map("a", 6)}).encode() + b"\n"
                self._chunk(line)
                self._hold_open()
            else:
                self._whole(json.dumps({"kind": "ConfigMapList", "apiVersion": "v1",
                                        "metadata": {"resourceVersion": "5"}, "items": []}).encode())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port-file", required=True)
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    with open(args.port_file + ".tmp", "w") as handle:
        handle.write(str(server.server_address[1]))
    os.rename(args.port_file + ".tmp", args.port_file)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdin.read()  # the test closes our stdin (or dies): exit
    os._exit(0)


if __name__ == "__main__":
    main()

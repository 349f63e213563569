#!/usr/bin/env python3
"""Loopback test server for the HTTPClient tests.

Binds 127.0.0.1 on a free port and writes the port number to --port-file once listening.
Modes:
  http    HTTP/1.1 server with the endpoints below (optionally TLS with --cert/--key, and
          --client-ca to require a client certificate)
  silent  accepts TCP connections and never answers
Endpoints (http mode):
  /echo                 JSON {method, path, headers: [[name, value]...], body} of the request
  /status/<code>        that status, body "status <code>"
  /lines?count=N        chunked NDJSON lines {"n": i, "pad": ...}, split across chunk boundaries
  /large?bytes=N        N bytes in 64 KiB chunked writes, as fast as the socket takes them
  /stall?bytes=N        N bytes, then silence with the connection open
  /gzip                 a repetitive body, gzip-encoded when the request accepts gzip
  /truncated            chunked: half a line, then the connection is closed without the last chunk
  /unterminated         Content-Length body whose last line has no newline
  /garbage              bytes that are not HTTP, then close
  /redirect             302 to /echo
"""
import argparse
import gzip
import json
import os
import socket
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse, parse_qs


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):
        pass

    def _query(self):
        parsed = urlparse(self.path)
        return parsed.path, {k: v[0] for k, v in parse_qs(parsed.query).items()}

    def _send(self, status, body, content_type="text/plain", extra=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in extra:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _chunk(self, data):
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))

    def _handle(self):
        path, query = self._query()
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if path == "/echo":
            payload = {
                "method": self.command,
                "path": self.path,
                "headers": [[k, v] for k, v in self.headers.items()],
                "body": body.decode("latin-1"),
            }
            self._send(200, json.dumps(payload).encode(), "application/json",
                       extra=[("X-Multi", "one"), ("x-multi", "two")])
        elif path.startswith("/status/"):
            code = int(path.rsplit("/", 1)[1])
            self._send(code, b"status %d" % code)
        elif path == "/lines":
            count = int(query.get("count", "10"))
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            data = b"".join(json.dumps({"n": i, "pad": "x" * (i % 7)}).encode() + b"\n" for i in range(count))
            # Odd chunk sizes so lines straddle chunk boundaries.
            sizes = [1, 5, 17, 3, 64, 2]
            offset = 0
            index = 0
            while offset < len(data):
                size = sizes[index % len(sizes)]
                self._chunk(data[offset:offset + size])
                self.wfile.flush()
                offset += size
                index += 1
            self.wfile.write(b"0\r\n\r\n")
        elif path == "/large":
            total = int(query.get("bytes", "1048576"))
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            block = bytes(range(256)) * 256
            sent = 0
            while sent < total:
                part = block[: min(len(block), total - sent)]
                self._chunk(part)
                sent += len(part)
            self.wfile.write(b"0\r\n\r\n")
        elif path == "/stall":
            total = int(query.get("bytes", "10"))
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self._chunk(b"a" * total)
            self.wfile.flush()
            time.sleep(120)
        elif path == "/gzip":
            plain = b"vigil compresses well. " * 2000
            if "gzip" in (self.headers.get("Accept-Encoding") or ""):
                self._send(200, gzip.compress(plain), extra=[("Content-Encoding", "gzip")])
            else:
                self._send(200, plain)
        elif path == "/truncated":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self._chunk(b'{"type":"ADDED"}\n{"type":"MOD')
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
        elif path == "/unterminated":
            self._send(200, b'{"a":1}\n{"b":', "application/json")
        elif path == "/garbage":
            self.wfile.write(b"\x00\x01garbage that is not HTTP at all\r\n\r\nmore garbage\r\n")
            self.wfile.flush()
            self.close_connection = True
        elif path == "/redirect":
            self._send(302, b"moved", extra=[("Location", "/echo")])
        else:
            self._send(404, b"not found")

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _handle


def serve_silent(listener):
    held = []
    while True:
        connection, _ = listener.accept()
        held.append(connection)  # never read, never answer, never close


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", default="http", choices=["http", "silent"])
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--client-ca")
    args = parser.parse_args()

    if args.mode == "silent":
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        port = listener.getsockname()[1]
        write_port(args.port_file, port)
        serve_silent(listener)
        return

    ThreadingHTTPServer.daemon_threads = True
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    if args.cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.cert, args.key)
        if args.client_ca:
            context.verify_mode = ssl.CERT_REQUIRED
            context.load_verify_locations(args.client_ca)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    write_port(args.port_file, server.server_address[1])
    server.serve_forever()


def write_port(path, port):
    temporary = path + ".tmp"
    with open(temporary, "w") as handle:
        handle.write(str(port))
    os.rename(temporary, path)


if __name__ == "__main__":
    main()

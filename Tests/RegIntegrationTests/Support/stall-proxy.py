#!/usr/bin/env python3
"""A registry proxy that stalls blob downloads: for the interrupted-scrape test.

Forwards every GET and HEAD to the upstream registry unchanged, except a blob GET larger than
--stall-after bytes: its headers and its first --stall-after bytes are sent, then nothing more,
until the client goes away. The client is then mid-blob for as long as the test needs, so it can
be killed there without any race. Writes its port to --port-file once it listens.
"""
import argparse
import http.client
import http.server
import os
import threading
import time
import urllib.parse


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--upstream", required=True, help="host:port of a plain-HTTP registry")
    parser.add_argument("--stall-after", type=int, required=True)
    parser.add_argument("--port-file", required=True)
    args = parser.parse_args()

    class Proxy(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_):
            pass

        def forward(self, body):
            upstream = http.client.HTTPConnection(args.upstream, timeout=60)
            headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
            upstream.request(self.command, self.path, headers=headers)
            reply = upstream.getresponse()
            length = int(reply.getheader("Content-Length") or 0)
            stall = body and "/blobs/sha256:" in urllib.parse.urlparse(self.path).path and length > args.stall_after
            self.send_response(reply.status)
            for name, value in reply.getheaders():
                if name.lower() not in ("connection", "transfer-encoding"):
                    self.send_header(name, value)
            self.end_headers()
            if not body:
                return
            if stall:
                self.wfile.write(reply.read(args.stall_after))
                self.wfile.flush()
                while True:
                    time.sleep(3600)
            self.wfile.write(reply.read())

        def do_GET(self):
            self.forward(True)

        def do_HEAD(self):
            self.forward(False)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
    server.daemon_threads = True
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(args.port_file + ".tmp", args.port_file)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()

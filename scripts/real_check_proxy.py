"""A reverse proxy on 127.0.0.1 in front of a real server, for the real-server checks
(medusa_real_check.sh, stripe_localstripe_check.sh): what a deployment puts between
mercato-int and the provider.

    python3 scripts/real_check_proxy.py PORT UPSTREAM [--prefix /medusa] [--delay S] [--status N]

--prefix  serve the upstream under a path prefix (stripped before forwarding), as a reverse
          proxy mounting the server at https://host/medusa does; other paths answer 404
--delay   wait S seconds before forwarding (a slow server, for --timeout)
--status  answer every request with N and an HTML page, as nginx does when its upstream
          fails (502/503/504), without forwarding

Stdlib only; one thread per request; prints nothing but errors.
"""

from __future__ import annotations

import argparse
import contextlib
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("upstream")
    parser.add_argument("--prefix", default="")
    parser.add_argument("--delay", type=float, default=0.0)
    parser.add_argument("--status", type=int, default=0)
    args = parser.parse_args()
    upstream = args.upstream.rstrip("/")
    prefix = args.prefix.rstrip("/")

    class Handler(BaseHTTPRequestHandler):
        def _reply(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
            self.send_response(status)
            for name, value in headers:
                if name.lower() not in HOP:
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)  # unless the client gave up first (its timeout)

        def _serve(self) -> None:
            if args.delay:
                time.sleep(args.delay)
            if args.status:
                page = f"<html><body><h1>{args.status}</h1>nginx</body></html>\n".encode()
                self._reply(args.status, [("Content-Type", "text/html")], page)
                return
            path = self.path
            if prefix:
                if path != prefix and not path.startswith(prefix + "/"):
                    self._reply(404, [("Content-Type", "text/html")], b"<h1>404</h1>\n")
                    return
                path = path[len(prefix) :] or "/"
            length = int(self.headers.get("Content-Length") or 0)
            data = self.rfile.read(length) if length else None
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP}
            request = urllib.request.Request(
                upstream + path, data=data, headers=headers, method=self.command
            )
            try:
                with urllib.request.urlopen(request, timeout=60) as answer:
                    self._reply(answer.status, list(answer.headers.items()), answer.read())
            except urllib.error.HTTPError as error:
                self._reply(error.code, list(error.headers.items()), error.read())

        do_GET = do_POST = _serve

        def log_message(self, *_: object) -> None:
            pass

    ThreadingHTTPServer.daemon_threads = True
    ThreadingHTTPServer(("127.0.0.1", args.port), Handler).serve_forever()


if __name__ == "__main__":
    main()

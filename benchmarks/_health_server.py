"""A small keep-alive HTTP/1.1 server answering the bundled providers' health URLs, for
benchmarks/health_fleet.py. Run in its own process so that its CPU is not the client's:

    python benchmarks/_health_server.py   # prints the port, then serves until killed

Routes (any query string): GET /v1/balance (Stripe), POST /parcel/de/shipping/v2/orders (DHL),
GET /health and GET /admin/stores (Medusa) answer 200 with a small JSON body; GET /__stats
answers {"connections": N, "requests": N} (TCP connections accepted, requests answered).
"""

from __future__ import annotations

import asyncio
import json
import sys

BODIES = {
    "/v1/balance": b'{"object":"balance","livemode":false}',
    "/parcel/de/shipping/v2/orders": b'{"status":{"title":"OK","status":200},"items":[{}]}',
    "/health": b"{}",
    "/admin/stores": b'{"stores":[{"id":"store_1"}]}',
}
stats = {"connections": 0, "requests": 0}


async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    stats["connections"] += 1
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, target, _ = lines[0].split(" ", 2)
            length = 0
            close = False
            for line in lines[1:]:
                name, _, value = line.partition(":")
                name = name.strip().lower()
                if name == "content-length":
                    length = int(value.strip())
                elif name == "connection" and value.strip().lower() == "close":
                    close = True
            if length:
                await reader.readexactly(length)
            path = target.split("?", 1)[0].removeprefix("/medusa")
            stats["requests"] += 1
            if path == "/__stats":
                body, status = json.dumps(stats).encode(), "200 OK"
            elif path in BODIES:
                body, status = BODIES[path], "200 OK"
            else:
                body, status = b'{"error":"not found"}', "404 Not Found"
            writer.write(
                f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n".encode()
                + body
            )
            await writer.drain()
            if close or method == "QUIT":
                break
    except (asyncio.IncompleteReadError, ConnectionError, ValueError):
        pass
    finally:
        writer.close()


async def main() -> None:
    server = await asyncio.start_server(serve, "127.0.0.1", 0, backlog=1024)
    port = server.sockets[0].getsockname()[1]
    print(port, flush=True)
    sys.stdout.close()
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())

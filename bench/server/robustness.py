#!/usr/bin/env python3
"""Robustness check for a running time server: 10,000 idle connections, slowloris clients,
malformed HTTP and oversized heads and bodies. Prints the server's RSS (given its pid) before
and after each phase and whether /time still answers.

Usage: python3 bench/server/robustness.py HOST PORT PID [IDLE_CONNECTIONS]
(`bash bench/server/robustness.sh` starts a release server and runs this against it.)
"""
import resource
import socket
import sys
import time

host, port, pid = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
idle_n = int(sys.argv[4]) if len(sys.argv) > 4 else 10_000
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def rss_mib():
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return -1.0


def time_ok():
    with socket.create_connection((host, port), timeout=5) as s:
        s.sendall(b"GET /time HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = b""
        while chunk := s.recv(4096):
            data += chunk
        return data.startswith(b"HTTP/1.1 200")


def report(phase):
    print(f"{phase:<40} rss {rss_mib():7.1f} MiB   /time ok: {time_ok()}", flush=True)


report("start")
idle = []
for _ in range(idle_n):
    idle.append(socket.create_connection((host, port), timeout=5))
time.sleep(1)
report(f"{idle_n} idle connections open")
for s in idle:
    s.close()
idle.clear()
time.sleep(1)
report("idle connections closed")

slow = []
for _ in range(2000):
    s = socket.create_connection((host, port), timeout=5)
    s.sendall(b"GET /time HTTP/1.1\r\nHost: x\r\n")
    slow.append(s)
for _ in range(3):
    for s in slow:
        try:
            s.sendall(b"X-a: b\r\n")
        except OSError:
            pass
    time.sleep(1)
report("2000 slowloris clients trickling")
for s in slow:
    s.close()

for payload in [
    b"\x16\x03\x01\x02\x00garbage\r\n\r\n",
    b"GET /time HTTP/9.9\r\n\r\n",
    b"GET /time HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
    b"GET /time HTTP/1.1\r\nX-Big: " + b"a" * 1_000_000 + b"\r\n\r\n",
    b"POST /admin/transport HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
    + b"ffff\r\n" + b"a" * 65535 + b"\r\n" * 20,
]:
    with socket.create_connection((host, port), timeout=5) as s:
        try:
            s.sendall(payload)
            s.recv(100)
        except OSError:
            pass
report("malformed and oversized requests sent")

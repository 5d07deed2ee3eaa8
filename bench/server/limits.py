#!/usr/bin/env python3
"""The time server's connection limits, measured against a running server:

1. How long the server keeps a connection that does nothing: idle (never sends), half-sent
   (a request head without its end), trickling (one header line a second, never ending)
   and kept alive after a full response. Each is timed from connecting (or from the
   response) to the server's close, CLIENTS of each at once.
2. PIPELINERS clients that each send REQUESTS pipelined `GET /time` requests as fast as
   the server takes them and never read a reply: the server's peak RSS while they run (and
   what it was before), and when it closes each of them (a reset or end of stream, seen
   without reading), from their start and from the last reply that reached each.

Prints one line per figure. Bounded: every wait stops after 40 s.

Usage: python3 bench/server/limits.py HOST PORT PID [PIPELINERS] [REQUESTS] [CLIENTS]
(`bash bench/server/limits.sh` starts a release server and runs this against it.)
"""
import array
import fcntl
import resource
import select
import socket
import statistics
import sys
import termios
import threading
import time

host, port, pid = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
pipeliners = int(sys.argv[4]) if len(sys.argv) > 4 else 200
requests = int(sys.argv[5]) if len(sys.argv) > 5 else 40_000
clients = int(sys.argv[6]) if len(sys.argv) > 6 else 5
LIMIT = 40.0
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
REQUEST = b"GET /time HTTP/1.1\r\nHost: x\r\n\r\n"


def status_kib(key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return -1


def wait_closed(s, since):
    """Seconds from `since` until the peer closes `s` (reading and dropping what comes)."""
    s.settimeout(0.2)
    while time.monotonic() - since < LIMIT:
        try:
            if not s.recv(65536):
                return time.monotonic() - since
        except socket.timeout:
            continue
        except OSError:
            return time.monotonic() - since
    return None


def idle(out):
    s = socket.create_connection((host, port))
    out.append(wait_closed(s, time.monotonic()))
    s.close()


def half_sent(out):
    s = socket.create_connection((host, port))
    t = time.monotonic()
    s.sendall(b"GET /time HTTP/1.1\r\nHost: x\r\n")
    out.append(wait_closed(s, t))
    s.close()


def trickling(out):
    s = socket.create_connection((host, port))
    t = time.monotonic()
    s.sendall(b"GET /time HTTP/1.1\r\nHost: x\r\n")
    s.settimeout(1.0)
    i = 0
    while time.monotonic() - t < LIMIT:
        try:
            s.sendall(b"X-%d: y\r\n" % i)
            i += 1
            if not s.recv(65536):
                break
        except socket.timeout:
            continue
        except OSError:
            break
    else:
        out.append(None)
        return
    out.append(time.monotonic() - t)
    s.close()


def after_response(out):
    s = socket.create_connection((host, port))
    s.sendall(REQUEST)
    data = b""
    while b"\r\n\r\n" not in data:
        data += s.recv(4096)
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    while len(body) < length:
        body += s.recv(4096)
    out.append(wait_closed(s, time.monotonic()))
    s.close()


def fmt(times):
    done = [t for t in times if t is not None]
    if not done:
        return "never (within %.0f s)" % LIMIT
    left = len(times) - len(done)
    text = "%.1f–%.1f s (median %.1f s)" % (min(done), max(done), statistics.median(done))
    return text + ("; %d not closed within %.0f s" % (left, LIMIT) if left else "")


print(f"server pid {pid}: RSS {status_kib('VmRSS') / 1024:.1f} MiB at the start", flush=True)
kinds = [
    ("idle (connected, nothing sent)", idle),
    ("half-sent request head", half_sent),
    ("trickling (a header line a second)", trickling),
    ("kept alive after a response", after_response),
]
results = {name: [] for name, _ in kinds}
threads = [
    threading.Thread(target=fn, args=(results[name],))
    for name, fn in kinds
    for _ in range(clients)
]
for t in threads:
    t.start()
for t in threads:
    t.join()
for name, _ in kinds:
    print(f"{name:<36} closed after {fmt(results[name])} ({clients} clients)", flush=True)

# Pipelining clients that never read.
before = status_kib("VmRSS")
burst = REQUEST * 1000
socks = []
for _ in range(pipeliners):
    s = socket.create_connection((host, port))
    s.setblocking(False)
    socks.append(s)
start = time.monotonic()
sent = {s.fileno(): 0 for s in socks}
last_write = {s.fileno(): 0.0 for s in socks}
# Replies waiting unread in each client's socket, and when that last grew.
unread = {s.fileno(): 0 for s in socks}
last_reply = {s.fileno(): 0.0 for s in socks}


def pending(fd):
    buf = array.array("i", [0])
    fcntl.ioctl(fd, termios.FIONREAD, buf)
    return buf[0]


total = len(REQUEST) * requests
closed = {}
poll = select.poll()
for s in socks:
    poll.register(s, select.POLLOUT | select.POLLRDHUP | select.POLLERR | select.POLLHUP)
by_fd = {s.fileno(): s for s in socks}
peak = before
while len(closed) < len(socks) and time.monotonic() - start < LIMIT:
    for fd, ev in poll.poll(100):
        s = by_fd[fd]
        if ev & (select.POLLRDHUP | select.POLLERR | select.POLLHUP):
            closed[fd] = time.monotonic() - start
            poll.unregister(fd)
            continue
        if ev & select.POLLOUT:
            left = total - sent[fd]
            if left <= 0:
                poll.modify(fd, select.POLLRDHUP | select.POLLERR | select.POLLHUP)
                continue
            try:
                sent[fd] += s.send(burst[: min(len(burst), left)])
                last_write[fd] = time.monotonic() - start
            except BlockingIOError:
                pass
            except OSError:
                closed[fd] = time.monotonic() - start
                poll.unregister(fd)
    now = time.monotonic() - start
    for fd in by_fd:
        if fd not in closed:
            n = pending(fd)
            if n > unread[fd]:
                unread[fd], last_reply[fd] = n, now
    peak = max(peak, status_kib("VmRSS"))
taken = sum(sent.values()) // len(REQUEST)
print(
    f"{pipeliners} non-reading pipelining clients ({requests} requests each, "
    f"{taken} taken in all): server RSS {before / 1024:.1f} MiB before, "
    f"peak {peak / 1024:.1f} MiB while they ran",
    flush=True,
)
print(
    f"  closed by the server {fmt(list(closed.values()) + [None] * (len(socks) - len(closed)))} "
    f"after they started",
    flush=True,
)
print(
    f"  replies stopped reaching them {max(last_reply.values()):.1f} s after the start "
    f"({sum(unread.values()) // len(socks) // 1024} KiB unread in each on average), their "
    f"requests {max(last_write.values()):.1f} s after; closed "
    f"{fmt([closed[fd] - last_reply[fd] for fd in closed])} after the last reply to each",
    flush=True,
)
for s in socks:
    s.close()
time.sleep(1)
print(f"server RSS {status_kib('VmRSS') / 1024:.1f} MiB after they closed, peak of the "
      f"process (VmHWM) {status_kib('VmHWM') / 1024:.1f} MiB", flush=True)

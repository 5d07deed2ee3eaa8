#!/usr/bin/env python3
"""Binds a listening socket on 127.0.0.1 port 0, writes the port to PORT_FILE, and runs
COMMAND with the socket inherited; `{fd}` in COMMAND becomes its descriptor number.

No free-port guess: the port is the one the kernel gave this socket, held from bind to use.
Usage: listen_fd.py PORT_FILE COMMAND...
"""
import os
import socket
import sys

port_file, command = sys.argv[1], sys.argv[2:]
sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
sock.bind(("127.0.0.1", 0))
sock.listen(1024)
fd = sock.fileno()
os.set_inheritable(fd, True)
tmp = port_file + ".tmp"
with open(tmp, "w") as f:
    f.write(str(sock.getsockname()[1]))
os.rename(tmp, port_file)
os.execvp(command[0], [a.replace("{fd}", str(fd)) for a in command])

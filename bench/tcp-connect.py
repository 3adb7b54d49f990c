#!/usr/bin/python3
# bench/tcp-connect.py IP PORT LIMIT: a new non-blocking TCP connect to
# IP:PORT every 10 ms (each given up after 3 s) until one is established;
# prints the time of day then, in ms.  Exits 1 after LIMIT seconds.  For
# bench/bench-swarm.sh and bench/bench-ovn.sh.
import select
import socket
import sys
import time

ip, port, limit = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
end = time.time() + limit
pending = {}
nxt = time.time()
while time.time() < end:
    now = time.time()
    if now >= nxt:
        s = socket.socket()
        s.setblocking(False)
        if s.connect_ex((ip, port)) in (0, 115):
            pending[s] = now
        else:
            s.close()
        nxt += 0.01
    for s, t in list(pending.items()):
        if now - t > 3:
            s.close()
            del pending[s]
    _, w, _ = select.select([], list(pending), [], max(0, nxt - time.time()))
    for s in w:
        if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0:
            print(int(time.time() * 1000))
            sys.exit(0)
        s.close()
        del pending[s]
sys.exit(1)

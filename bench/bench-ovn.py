#!/usr/bin/python3
# bench/bench-ovn.py: the Python side of bench/bench-ovn.sh.  Run with the
# system's python3 (it needs Debian's python3-openvswitch, and python3-flask
# for "driver").
#
#   driver RUN_DIR [OPTION...]
#       runs Debian's ovn-docker-overlay-driver (/usr/bin, package
#       ovn-docker) with the output of its commands decoded (as shipped it
#       fails at start under Python 3: see cmd_driver) and its Docker
#       plugin spec file in
#       RUN_DIR instead of /etc/docker/plugins (it writes one there when it
#       starts): nothing outside the benchmark's temp dir is written.  It
#       listens on 0.0.0.0:5000 of the namespace it runs in, and reads
#       ovs-vsctl's database from OVS_RUNDIR and the Northbound remotes
#       from the Open_vSwitch table's external_ids:ovn-nb.  OPTIONs are its
#       own (--log-file=..., -v...).
#   call PLUGIN PATH [BODY]
#       one call as Docker makes it; prints the reply; exit status 1 if it
#       failed (non-200 status or an "Err").
#   attach PLUGIN DB NETWORK CYCLES ADDR_PREFIX KEY
#       CYCLES times: CreateEndpoint (address ADDR_PREFIX.N/24) + Join,
#       timed until the endpoint's Interface in the Open vSwitch database
#       DB has external_ids:ovn-installed=true (watched through an OVSDB
#       IDL, in this process: no fork in the measurement); then Leave +
#       DeleteEndpoint, timed too.  Prints KEY.attach.p50, .p99, .n,
#       KEY.create_endpoint.p50, KEY.join.p50, KEY.installed.p50 (after the
#       Join), KEY.detach.p50, .p99 (ms).  With BENCH_OVN_TRACE=FILE,
#       appends to FILE a line per cycle: ENDPOINT and the times of day (ms)
#       when CreateEndpoint went, when it answered, when Join answered and
#       when ovn-installed was seen.
#   phases TRACE NB SB IFACES KEY
#       where the time of an attach goes, from TRACE (above) and three
#       "ovsdb-client --timestamp --format=csv monitor" outputs: NB of
#       Logical_Switch_Port name, SB of Port_Binding logical_port,chassis,
#       IFACES of the host's Interface name,external_ids.  Prints (p50, ms)
#       KEY.phase.nb_lsp (CreateEndpoint sent until the LSP is in the
#       Northbound database), .sb_bound (until its Port_Binding names a
#       chassis), .installed (until ovn-installed on the Interface) and
#       .reply (until CreateEndpoint answered; negative: before installed).
#       ovsdb-client's times are in ms, truncated.
#
# PLUGIN is unix:PATH (ovsnetd's socket) or tcp:IP:PORT (the Python
# driver).  Requests are those of Docker 20.10-27: POST /NetworkDriver.X,
# Host plugin.moby.localhost, Accept application/vnd.docker.plugins.v1.2+json,
# no Content-Type, the JSON body and a newline.

import http.client
import json
import os
import re
import socket
import sys
import time


class UnixConnection(http.client.HTTPConnection):
    def __init__(self, path, timeout):
        super().__init__("plugin.moby.localhost", timeout=timeout)
        self.unix_path = path

    def connect(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(self.timeout)
        s.connect(self.unix_path)
        self.sock = s


class Plugin:
    def __init__(self, spec, timeout=60):
        if spec.startswith("unix:"):
            self.conn = UnixConnection(spec[5:], timeout)
        elif spec.startswith("tcp:"):
            host, port = spec[4:].rsplit(":", 1)
            self.conn = http.client.HTTPConnection(host, int(port),
                                                   timeout=timeout)
        else:
            sys.exit("bench-ovn.py: PLUGIN is unix:PATH or tcp:IP:PORT, "
                     "not '%s'" % spec)

    def call(self, path, body=None):
        """Returns (ok, reply object or text)."""
        data = b"" if body is None else json.dumps(body).encode() + b"\n"
        headers = {"Host": "plugin.moby.localhost",
                   "Accept": "application/vnd.docker.plugins.v1.2+json",
                   "Content-Length": str(len(data))}
        try:
            self.conn.request("POST", "/" + path, data, headers)
            resp = self.conn.getresponse()
            text = resp.read().decode(errors="replace")
        except (OSError, http.client.HTTPException):
            # A connection the server closed: once more on a new one.
            self.conn.close()
            self.conn.request("POST", "/" + path, data, headers)
            resp = self.conn.getresponse()
            text = resp.read().decode(errors="replace")
        if resp.will_close:
            self.conn.close()
        try:
            reply = json.loads(text)
        except ValueError:
            return False, text
        ok = resp.status == 200 and not (isinstance(reply, dict)
                                         and reply.get("Err"))
        return ok, reply

    def must(self, path, body):
        ok, reply = self.call(path, body)
        if not ok:
            sys.exit("bench-ovn.py: %s failed: %s" % (path, reply))
        return reply


def cmd_driver(args):
    import importlib.machinery
    import importlib.util
    run_dir = args[0]
    sys.argv = ["ovn-docker-overlay-driver"] + args[1:]
    path = "/usr/bin/ovn-docker-overlay-driver"
    loader = importlib.machinery.SourceFileLoader("ovn_docker_driver", path)
    spec = importlib.util.spec_from_loader(loader.name, loader)
    driver = importlib.util.module_from_spec(spec)
    loader.exec_module(driver)
    # As shipped, it cannot start under Python 3: its call_popen() returns
    # the output of ovs-vsctl and ovn-nbctl as bytes, which the callers
    # treat as str (TypeError in ovn_init_overlay()).  The one change made
    # to it: that output decoded.
    popen = driver.call_popen

    def call_popen(cmd):
        out = popen(cmd)
        return out.decode() if isinstance(out, bytes) else out
    driver.call_popen = call_popen
    driver.PLUGIN_DIR = run_dir
    driver.PLUGIN_FILE = os.path.join(run_dir, "openvswitch.spec")
    # What its "if __name__ == '__main__'" does.
    driver.prepare()
    driver.app.run(host="0.0.0.0")


def cmd_call(args):
    body = json.loads(args[2]) if len(args) > 2 and args[2] else None
    ok, reply = Plugin(args[0]).call(args[1], body)
    print(json.dumps(reply) if not isinstance(reply, str) else reply)
    return 0 if ok else 1


class InstalledWatch:
    """Interfaces of an Open vSwitch database, through an IDL."""

    def __init__(self, remote):
        import ovs.db.idl
        schema = "/usr/share/openvswitch/vswitch.ovsschema"
        helper = ovs.db.idl.SchemaHelper(location=schema)
        helper.register_columns("Interface", ["name", "external_ids"])
        self.idl = ovs.db.idl.Idl(remote, helper)
        self.wait(lambda: self.idl.has_ever_connected(), 30, "the database")

    def installed(self, iface_id):
        for row in self.idl.tables["Interface"].rows.values():
            ids = row.external_ids
            if (ids.get("iface-id") == iface_id
                    and ids.get("ovn-installed") == "true"):
                return True
        return False

    def wait(self, cond, limit, what):
        import ovs.poller
        deadline = time.monotonic() + limit
        while True:
            self.idl.run()
            if cond():
                return
            left = deadline - time.monotonic()
            if left <= 0:
                sys.exit("bench-ovn.py: timed out after %ds waiting for %s"
                         % (limit, what))
            poller = ovs.poller.Poller()
            self.idl.wait(poller)
            poller.timer_wait(int(left * 1000) + 1)
            poller.block()


def percentile(values, p):
    """Nearest rank, as bench-attach."""
    v = sorted(values)
    r = max(1, int(p * len(v) + 0.999999))
    return v[r - 1]


def cmd_attach(args):
    plugin = Plugin(args[0])
    watch = InstalledWatch(args[1])
    net, cycles, prefix, key = args[2], int(args[3]), args[4], args[5]
    t = {k: [] for k in ("attach", "create_endpoint", "join", "installed",
                         "detach")}
    trace = os.environ.get("BENCH_OVN_TRACE")
    trace = open(trace, "a") if trace else None
    for i in range(cycles):
        ep = os.urandom(32).hex()
        ids = {"NetworkID": net, "EndpointID": ep}
        t0 = time.monotonic()
        plugin.must("NetworkDriver.CreateEndpoint", dict(ids, Interface={
            "Address": "%s.%d/24" % (prefix, 20 + i % 200),
            "AddressIPv6": "", "MacAddress": ""}, Options={}))
        t1 = time.monotonic()
        plugin.must("NetworkDriver.Join", dict(
            ids, SandboxKey="/var/run/docker/netns/" + ep[:12], Options={}))
        t2 = time.monotonic()
        watch.wait(lambda: watch.installed(ep), 60,
                   "ovn-installed on endpoint %s" % ep[:12])
        t3 = time.monotonic()
        plugin.must("NetworkDriver.Leave", ids)
        plugin.must("NetworkDriver.DeleteEndpoint", ids)
        t4 = time.monotonic()
        if trace:
            # The times of day, back from the monotonic ones.
            off = time.time() - time.monotonic()
            trace.write("%s %s\n" % (ep, " ".join(
                "%.3f" % ((x + off) * 1000) for x in (t0, t1, t2, t3))))
        t["attach"].append(t3 - t0)
        t["create_endpoint"].append(t1 - t0)
        t["join"].append(t2 - t1)
        t["installed"].append(t3 - t2)
        t["detach"].append(t4 - t3)
    for k, v in t.items():
        print("%s.%s.p50 %.3f" % (key, k, percentile(v, 0.5) * 1000))
        print("%s.%s.p99 %.3f" % (key, k, percentile(v, 0.99) * 1000))
    print("%s.attach.n %d" % (key, cycles))
    return 0


def monitor_rows(path):
    """(time of day in ms, row as a dict) of each row of an
    "ovsdb-client --timestamp --format=csv monitor" output."""
    import calendar
    import csv
    now, header = None, None
    with open(path, newline="") as f:
        for rec in csv.reader(f):
            if not rec:
                continue
            if len(rec) == 1 and re.match(r"^\d{4}-\d\d-\d\d ", rec[0]):
                date, clock = rec[0].split(" ")
                secs = calendar.timegm(time.strptime(
                    date + " " + clock.split(".")[0], "%Y-%m-%d %H:%M:%S"))
                now = secs * 1000 + int(clock.split(".")[1])
                header = None
            elif header is None:
                header = rec
            elif now is not None:
                yield now, dict(zip(header, rec))


def cmd_phases(args):
    trace, nb, sb, ifaces, key = args
    first = {"nb": {}, "sb": {}, "installed": {}}
    for now, row in monitor_rows(nb):
        if row.get("action") in ("insert", "new") and row.get("name"):
            first["nb"].setdefault(row["name"], now)
    for now, row in monitor_rows(sb):
        if (row.get("action") in ("insert", "new")
                and re.match(r"^[0-9a-f]{8}-", row.get("chassis", ""))):
            first["sb"].setdefault(row["logical_port"], now)
    for now, row in monitor_rows(ifaces):
        ids = row.get("external_ids", "")
        m = re.search(r"iface-id=([0-9a-f]+)", ids)
        if m and 'ovn-installed="true"' in ids:
            first["installed"].setdefault(m.group(1), now)
    phases = {"nb_lsp": [], "sb_bound": [], "installed": [], "reply": []}
    for line in open(trace):
        ep, t0, t1, _, _ = line.split()
        t0, t1 = float(t0), float(t1)
        if not all(ep in first[k] for k in first):
            continue
        phases["nb_lsp"].append(first["nb"][ep] - t0)
        phases["sb_bound"].append(first["sb"][ep] - t0)
        phases["installed"].append(first["installed"][ep] - t0)
        phases["reply"].append(t1 - first["installed"][ep])
    for k, v in phases.items():
        if v:
            print("%s.phase.%s.p50 %.1f" % (key, k, percentile(v, 0.5)))
    return 0


def main():
    cmds = {"driver": (cmd_driver, 1), "call": (cmd_call, 2),
            "attach": (cmd_attach, 6), "phases": (cmd_phases, 5)}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds \
            or len(sys.argv) - 2 < cmds[sys.argv[1]][1]:
        sys.exit("usage: bench-ovn.py driver|call|attach|phases ARGS... "
                 "(see its header)")
    f, _ = cmds[sys.argv[1]]
    return f(sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())

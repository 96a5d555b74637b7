"""CPU of running processes from /proc, for the bench's CPU-per-request scripts: the processes listening
on a port (a server, a postmaster), a process's children (PostgreSQL backends) and their CPU ticks."""
import os, re, subprocess

TCK = os.sysconf('SC_CLK_TCK')


def pids_on(p):
    out = subprocess.run(['ss', '-ltnpH', f'sport = :{p}'], capture_output=True, text=True).stdout
    return {int(m) for m in re.findall(r'pid=(\d+)', out)}


def children(pid):
    try:
        return [int(c) for c in open(f'/proc/{pid}/task/{pid}/children').read().split()]
    except OSError:
        return []


def ticks(pids):
    t = 0
    for p in pids:
        try:
            f = open(f'/proc/{p}/stat').read().rsplit(')', 1)[1].split()
            t += int(f[11]) + int(f[12])
        except OSError:
            pass
    return t

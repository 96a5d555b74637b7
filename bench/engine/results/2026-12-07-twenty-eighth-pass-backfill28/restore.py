#!/usr/bin/env python3
# restore.py SRC DST: makes DST a byte-identical copy of SRC again, copying only files whose size or mtime differ
# (a run changes a few table segments, the WAL and state files) and deleting files SRC does not have.
import os, shutil, sys
src, dst = sys.argv[1].rstrip('/'), sys.argv[2].rstrip('/')
copied = 0
seen = set()
for root, dirs, files in os.walk(src):
    rel = os.path.relpath(root, src)
    droot = os.path.join(dst, rel) if rel != '.' else dst
    if not os.path.isdir(droot):
        os.makedirs(droot)
        shutil.copystat(root, droot)
    seen.add(os.path.normpath(droot))
    for f in files:
        s, d = os.path.join(root, f), os.path.join(droot, f)
        seen.add(os.path.normpath(d))
        ss = os.lstat(s)
        try:
            ds = os.lstat(d)
            if ds.st_size == ss.st_size and int(ds.st_mtime) == int(ss.st_mtime):
                continue
        except FileNotFoundError:
            pass
        shutil.copy2(s, d)
        os.chown(d, ss.st_uid, ss.st_gid)
        copied += ss.st_size
for root, dirs, files in os.walk(dst, topdown=False):
    for f in files:
        p = os.path.normpath(os.path.join(root, f))
        if p not in seen:
            os.remove(p)
    for dd in dirs:
        p = os.path.normpath(os.path.join(root, dd))
        if p not in seen:
            shutil.rmtree(p)
print('copied_mb=%d' % (copied >> 20))

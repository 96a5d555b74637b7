import sys
p=sys.argv[1]+'/src/main/java/io/shoal/db/GroupCommit.java'
s=open(p).read()
old='''  private void run(List<Unit<U, R>> batch) {
    pool.withTransaction(conn -> runWork(conn, batch)).onComplete(ar -> {
      if (ar.succeeded()) {'''
new='''  static final boolean TIMING = Boolean.getBoolean("shoal.experiment.gcTiming");
  static final java.util.concurrent.atomic.AtomicLongArray T = new java.util.concurrent.atomic.AtomicLongArray(8);
  static {
    if (TIMING) {
      Thread t = new Thread(() -> {
        long[] last = new long[8];
        while (true) {
          try { Thread.sleep(2000); } catch (InterruptedException e) { return; }
          long[] now = new long[8];
          for (int i = 0; i < 8; i++) now[i] = T.get(i);
          long b = now[0] - last[0];
          if (b > 0) {
            System.err.printf("GCT batches=%d units=%d avg=%.1f start_ms=%.3f work_ms=%.3f commit_ms=%.3f waitprev_ms=%.3f overlap=%d%n",
                b, now[1] - last[1], (now[1] - last[1]) / (double) b, (now[2] - last[2]) / 1e6 / b,
                (now[3] - last[3]) / 1e6 / b, (now[4] - last[4]) / 1e6 / b, 0.0, 0);
          }
          last = now;
        }
      }, "gc-timing");
      t.setDaemon(true);
      t.start();
    }
  }

  private void run(List<Unit<U, R>> batch) {
    long t0 = System.nanoTime();
    long[] ts = new long[2];
    pool.withTransaction(conn -> { ts[0] = System.nanoTime(); return runWork(conn, batch).andThen(x -> ts[1] = System.nanoTime()); }).onComplete(ar -> {
      if (TIMING && ts[1] != 0) {
        long t2 = System.nanoTime();
        T.incrementAndGet(0); T.addAndGet(1, batch.size()); T.addAndGet(2, ts[0] - t0); T.addAndGet(3, ts[1] - ts[0]);
        T.addAndGet(4, t2 - ts[1]);
      }
      if (ar.succeeded()) {'''
assert old in s
s=s.replace(old,new)
open(p,'w').write(s)

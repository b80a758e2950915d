package land.echo.scheduler;

/**
 * The platform thread of one {@link Worker}; lets a submission recognise that it comes from a
 * worker of a given scheduler with one type check.
 *
 * <p>Thread-safe: both fields are final.
 */
final class WorkerThread extends Thread {
  final EchoScheduler pool;
  final Worker worker;

  WorkerThread(EchoScheduler pool, Worker worker, String name) {
    super(null, worker, name);
    this.pool = pool;
    this.worker = worker;
    setDaemon(true);
    worker.attach(this);
  }
}

// Comment heartbeats for a long SSE response, so idle proxies and load
// balancers keep it open, sent only while it is idle: a stream that sent
// something since the last beat skips it. At 5,000 open streams with a frame
// every 500 ms, unconditional beats were one socket write in thirty.
export class IdleHeartbeat {
  private sentSinceBeat = false;
  private readonly timer: NodeJS.Timeout;

  constructor(
    intervalMs: number,
    private readonly beat: () => void,
  ) {
    // A shared function given this as its argument: no closure per open stream.
    this.timer = setInterval(beatIfIdle, intervalMs, this);
    this.timer.unref();
  }

  /** Called by the timer. */
  tick(): void {
    if (this.sentSinceBeat) this.sentSinceBeat = false;
    else this.beat();
  }

  /** Something went out: the stream is not idle. */
  sent(): void {
    this.sentSinceBeat = true;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

function beatIfIdle(heartbeat: IdleHeartbeat): void {
  heartbeat.tick();
}

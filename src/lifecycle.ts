// Graceful shutdown of in-flight work: chat streams register here; on SIGTERM
// they get until the deadline to finish, then are ended with an error event
// (their partial answers are stored), so a deploy loses nothing accepted.
import { setMaxListeners } from "node:events";

export class ServerShuttingDownError extends Error {
  constructor() {
    super("the server is shutting down");
    this.name = "ServerShuttingDownError";
  }
}

export class Lifecycle {
  private readonly controller = new AbortController();
  private active = 0;
  private idle: Array<() => void> = [];

  constructor() {
    // Open chats listen through services/abort-fanout.ts (one listener for all
    // of them); other listeners may still add up with the load, not as a leak.
    setMaxListeners(0, this.controller.signal);
  }

  /** Aborts when in-flight work must stop now. */
  get stopSignal(): AbortSignal {
    return this.controller.signal;
  }

  get inFlight(): number {
    return this.active;
  }

  /** Counts `work` as in flight until it settles. */
  async track<T>(work: () => Promise<T>): Promise<T> {
    this.active++;
    try {
      return await work();
    } finally {
      this.active--;
      if (this.active === 0) for (const resolve of this.idle.splice(0)) resolve();
    }
  }

  private whenIdle(): Promise<void> {
    return this.active === 0 ? Promise.resolve() : new Promise((resolve) => this.idle.push(resolve));
  }

  /** Waits up to deadlineMs for in-flight work, then stops the rest and waits for it to wind up. */
  async drain(deadlineMs: number): Promise<{ stopped: number }> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<"deadline">((resolve) => (timer = setTimeout(() => resolve("deadline"), deadlineMs)));
    const outcome = await Promise.race([this.whenIdle().then(() => "idle" as const), deadline]);
    clearTimeout(timer);
    if (outcome === "idle") return { stopped: 0 };
    const stopped = this.active;
    this.controller.abort(new ServerShuttingDownError());
    await this.whenIdle();
    return { stopped };
  }
}

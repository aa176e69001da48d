// Politeness per host: at most `perHost` requests at once to one host, and at least `delayMs`
// between the starts of two requests to it. Hosts are independent, so a slow site does not hold
// back the others.

interface HostState {
  active: number;
  nextStart: number;
  waiting: Array<() => void>;
}

export class HostScheduler {
  private readonly hosts = new Map<string, HostState>();
  constructor(private readonly perHost: number) {}

  async run<T>(host: string, delayMs: number, task: () => Promise<T>): Promise<T> {
    const state = this.state(host);
    while (state.active >= this.perHost) {
      await new Promise<void>((resolve) => state.waiting.push(resolve));
    }
    state.active += 1;
    try {
      const wait = state.nextStart - Date.now();
      state.nextStart = Math.max(Date.now(), state.nextStart) + delayMs;
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      return await task();
    } finally {
      state.active -= 1;
      state.waiting.shift()?.();
    }
  }

  private state(host: string): HostState {
    let state = this.hosts.get(host);
    if (state === undefined) {
      state = { active: 0, nextStart: 0, waiting: [] };
      this.hosts.set(host, state);
    }
    return state;
  }
}

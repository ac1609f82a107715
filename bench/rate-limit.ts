// Benchmark 5, the rate-limit check alone: RateLimiter.consume (the production
// check, timeout guard included) on Redis and on the in-process store, fixed
// window and sliding window, one check at a time. The fixed window is measured
// two ways: a user new to this hour (one lease claim per check, what a user at
// a human pace pays: a Redis round trip) and busy users whose checks come out
// of leases already claimed. The baseline is a bare Redis PING on its own
// connection, alternating rounds with the claiming check: the floor any Redis
// round trip pays on this machine. Also reports checks per second with 64 in
// flight (ioredis pipelines them).
//   npm run bench:ratelimit -- [--checks=5000] [--rounds=4]
import { Redis } from "ioredis";
import { createLogger } from "../src/logger.ts";
import { RateLimiter, type LimitedUser } from "../src/services/rate-limiter.ts";
import { MemoryStore } from "../src/store/memory-store.ts";
import { RedisStore } from "../src/store/redis-store.ts";
import type { Store } from "../src/store/store.ts";
import { deleteRedisKeys } from "../src/testing/redis-keys.ts";
import { TEST_REDIS_URL, uniqueSuffix } from "../src/testing/test-services.ts";
import { flags, isMain, writeResult } from "./lib/results.ts";
import { compare, promptlabFirst, summarize, target } from "./lib/stats.ts";

export interface RateLimitOptions {
  checks: number;
  rounds: number;
  concurrent: number;
}

export const RATE_LIMIT_DEFAULTS: RateLimitOptions = { checks: 5_000, rounds: 4, concurrent: 64 };

const LIMIT = 1_000_000_000;

async function timeEach(count: number, work: (index: number) => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await work(i);
    times.push(performance.now() - started);
  }
  return times;
}

async function perSecond(count: number, inFlight: number, work: (index: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < count) await work(next++);
    }),
  );
  return Math.round(count / ((performance.now() - started) / 1000));
}

export async function runRateLimitBench(options: RateLimitOptions) {
  const prefix = `promptlab_bench:${uniqueSuffix()}:`;
  const log = createLogger({ level: "warn", pretty: false });
  const redisStore: Store = RedisStore.connect(TEST_REDIS_URL, prefix);
  let claims = 0;
  const claimUpTo = redisStore.claimUpTo.bind(redisStore);
  redisStore.claimUpTo = (...args) => {
    claims++;
    return claimUpTo(...args);
  };
  const memoryStore: Store = new MemoryStore();
  const ping = new Redis(TEST_REDIS_URL);
  const limiters = {
    redis: new RateLimiter(redisStore, LIMIT, "fallback", log),
    memory: new RateLimiter(memoryStore, LIMIT, "fallback", log),
  };
  const users: LimitedUser[] = Array.from({ length: 100 }, (_, i) => ({ id: `bench-user-${i}`, rateLimitPerHour: LIMIT, rateLimitAlgorithm: "fixed_window" }));
  const sliding = users.map((user) => ({ ...user, rateLimitAlgorithm: "sliding_window" as const }));
  const userAt = (list: LimitedUser[]) => (i: number) => list[i % list.length]!;
  try {
    // Warm connections and JIT.
    for (const limiter of Object.values(limiters)) await timeEach(500, (i) => limiter.consume(userAt(users)(i)));
    await timeEach(500, () => ping.ping());

    const samples = {
      redis: [] as number[],
      ping: [] as number[],
      leased: [] as number[],
      memory: [] as number[],
      redisSliding: [] as number[],
      memorySliding: [] as number[],
    };
    const rounds = [];
    let leasedChecks = 0;
    let leasedClaims = 0;
    for (let round = 0; round < options.rounds; round++) {
      const redisFirst = promptlabFirst(round);
      const newUser = (i: number): LimitedUser => ({ id: `bench-new-${round}-${i}`, rateLimitPerHour: LIMIT, rateLimitAlgorithm: "fixed_window" });
      const check = () => timeEach(options.checks, (i) => limiters.redis.consume(newUser(i)));
      const floor = () => timeEach(options.checks, () => ping.ping());
      const [first, second] = redisFirst ? [await check(), await floor()] : [await floor(), await check()];
      const redisTimes = redisFirst ? first : second;
      const pingTimes = redisFirst ? second : first;
      samples.redis.push(...redisTimes);
      samples.ping.push(...pingTimes);
      const claimsBefore = claims;
      samples.leased.push(...(await timeEach(options.checks, (i) => limiters.redis.consume(userAt(users)(i)))));
      leasedClaims += claims - claimsBefore;
      leasedChecks += options.checks;
      samples.memory.push(...(await timeEach(options.checks, (i) => limiters.memory.consume(userAt(users)(i)))));
      samples.redisSliding.push(...(await timeEach(options.checks / 5, (i) => limiters.redis.consume(userAt(sliding)(i)))));
      samples.memorySliding.push(...(await timeEach(options.checks / 5, (i) => limiters.memory.consume(userAt(sliding)(i)))));
      rounds.push({ round, redis_first: redisFirst, redis_p50_ms: summarize(redisTimes).p50, ping_p50_ms: summarize(pingTimes).p50 });
    }
    const concurrent = {
      redis_checks_per_s: await perSecond(options.checks * 2, options.concurrent, (i) =>
        limiters.redis.consume({ id: `bench-new-concurrent-${i}`, rateLimitPerHour: LIMIT, rateLimitAlgorithm: "fixed_window" }),
      ),
      leased_checks_per_s: await perSecond(options.checks * 2, options.concurrent, (i) => limiters.redis.consume(userAt(users)(i))),
      redis_pings_per_s: await perSecond(options.checks * 2, options.concurrent, () => ping.ping()),
      memory_checks_per_s: await perSecond(options.checks * 2, options.concurrent, (i) => limiters.memory.consume(userAt(users)(i))),
      in_flight: options.concurrent,
    };
    const redisVsPing = compare(samples.redis, samples.ping);
    return {
      options,
      method:
        "RateLimiter.consume awaited one at a time in this process (the server's code, timeout guard included). Fixed window on Redis: a user new to the hour per check (one lease claim each, against a bare Redis PING on its own ioredis connection in alternating ABBA rounds), and 100 busy users in turn (checks served from leases)",
      fixed_window_ms: {
        redis_vs_ping: redisVsPing,
        leased: { ...summarize(samples.leased), claims_per_1000_checks: Math.round((leasedClaims / leasedChecks) * 10_000) / 10 },
        memory: summarize(samples.memory),
      },
      sliding_window_ms: { redis: summarize(samples.redisSliding), memory: summarize(samples.memorySliding) },
      concurrent,
      rounds,
      targets: [target("rate-limit check p99 on Redis, claiming every check (ms)", redisVsPing.promptlab.p99, 0.5, "max")],
    };
  } finally {
    await Promise.all([limiters.redis.close(), limiters.memory.close()]);
    await redisStore.close();
    await memoryStore.close();
    ping.disconnect();
    await deleteRedisKeys(TEST_REDIS_URL, prefix);
  }
}

if (isMain(import.meta.url)) {
  const f = flags();
  const result = await runRateLimitBench({
    checks: Number(f.checks ?? RATE_LIMIT_DEFAULTS.checks),
    rounds: Number(f.rounds ?? RATE_LIMIT_DEFAULTS.rounds),
    concurrent: Number(f.concurrent ?? RATE_LIMIT_DEFAULTS.concurrent),
  });
  const file = await writeResult("ratelimit", result);
  process.stdout.write(`${JSON.stringify({ fixed_window_ms: result.fixed_window_ms, targets: result.targets, file }, null, 2)}\n`);
}

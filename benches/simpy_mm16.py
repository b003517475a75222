#!/usr/bin/env python3
"""SimPy baseline for stratosim's `mmc/m_m_16` and `three_tier/alb_ec2_db` benches.

The same systems as in benches/engine.rs, written the usual SimPy way (one
process per request, a `simpy.Resource` per pool of servers):

- mm16 (default): Poisson arrivals at 144/s, 16 FIFO servers, exponential
  service with mean 100 ms (rho = 0.9); 2 h of simulated time, about 1.04 M
  requests. `--rate 200 --service 0.070 --duration 10000` is the M/M/16 of
  issue 15 and of benches/mm16-2m.toml (2 M requests).
- three-tier: Poisson arrivals at 500/s; a load balancer adds 1 ms and sends
  requests round robin to 8 instances of 16 workers each (one FIFO queue per
  instance); the work is lognormal (median 20 ms, p99 120 ms), then, still
  holding the worker, one database call (64 connections, FIFO, lognormal
  median 4 ms, p99 30 ms); 40 min, about 1.2 M requests.

Each request's wait and response go into running sums, so memory stays flat.
Prints simulated requests (arrivals within the horizon) per second of wall
time, and for mm16 the mean wait against Erlang C.

    pip install simpy
    python3 benches/simpy_mm16.py                       # mm16, 2 h
    python3 benches/simpy_mm16.py --duration 1800       # a shorter horizon
    python3 benches/simpy_mm16.py --model three-tier
    python3 benches/simpy_mm16.py --rate 200 --service 0.070 --duration 10000
"""

import argparse
import math
import random
import time

import simpy

Z99 = 2.3263478740408408  # standard normal 0.99 quantile


class Stats:
    def __init__(self):
        self.arrivals = 0
        self.completed = 0
        self.started = 0
        self.wait_sum = 0.0
        self.response_sum = 0.0


def erlang_c(c, a):
    """Probability of waiting in M/M/c with offered load a (Erlangs)."""
    term = 1.0
    total = 1.0
    for k in range(1, c):
        term *= a / k
        total += term
    last = term * a / c * c / (c - a)
    return last / (total + last)


def mm16(env, stats, rng, rate, mean_service, servers):
    pool = simpy.Resource(env, capacity=servers)

    def request(env):
        arrived = env.now
        with pool.request() as req:
            yield req
            stats.wait_sum += env.now - arrived
            stats.started += 1
            yield env.timeout(rng.expovariate(1.0 / mean_service))
        stats.completed += 1
        stats.response_sum += env.now - arrived

    def source(env):
        while True:
            yield env.timeout(rng.expovariate(rate))
            stats.arrivals += 1
            env.process(request(env))

    env.process(source(env))


def lognormal(rng, median, p99):
    mu = math.log(median)
    sigma = math.log(p99 / median) / Z99
    return lambda: rng.lognormvariate(mu, sigma)


def three_tier(env, stats, rng, rate=500.0):
    instances = [simpy.Resource(env, capacity=16) for _ in range(8)]
    db = simpy.Resource(env, capacity=64)
    app_time = lognormal(rng, 0.020, 0.120)
    db_time = lognormal(rng, 0.004, 0.030)
    next_target = [0]

    def request(env):
        arrived = env.now
        yield env.timeout(0.001)  # load balancer latency
        target = instances[next_target[0]]
        next_target[0] = (next_target[0] + 1) % len(instances)
        with target.request() as worker:
            queued = env.now
            yield worker
            stats.wait_sum += env.now - queued
            stats.started += 1
            yield env.timeout(app_time())
            with db.request() as conn:
                yield conn
                yield env.timeout(db_time())
        stats.completed += 1
        stats.response_sum += env.now - arrived

    def source(env):
        while True:
            yield env.timeout(rng.expovariate(rate))
            stats.arrivals += 1
            env.process(request(env))

    env.process(source(env))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--model", choices=["mm16", "three-tier"], default="mm16")
    p.add_argument("--duration", type=float, help="simulated seconds (default: 7200 for mm16, 2400 for three-tier)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--rate", type=float, default=144.0, help="mm16 arrival rate [1/s] (default: 144)")
    p.add_argument("--service", type=float, default=0.100, help="mm16 mean service time [s] (default: 0.100)")
    args = p.parse_args()

    rng = random.Random(args.seed)
    env = simpy.Environment()
    stats = Stats()
    if args.model == "mm16":
        duration = args.duration or 7200.0
        rate, mean_service, servers = args.rate, args.service, 16
        mm16(env, stats, rng, rate, mean_service, servers)
    else:
        duration = args.duration or 2400.0
        three_tier(env, stats, rng)

    start = time.perf_counter()
    env.run(until=duration)
    wall = time.perf_counter() - start

    print(f"model              {args.model} (simpy {simpy.__version__})")
    print(f"simulated          {duration:g} s")
    print(f"requests           {stats.arrivals} arrived, {stats.completed} completed")
    print(f"wall time          {wall:.2f} s")
    print(f"requests/s (wall)  {stats.arrivals / wall:,.0f}")
    print(f"ns per request     {wall / stats.arrivals * 1e9:,.0f}")
    print(f"mean wait          {1000 * stats.wait_sum / stats.started:.3f} ms (requests that began service)")
    print(f"mean response      {1000 * stats.response_sum / stats.completed:.3f} ms")
    if args.model == "mm16":
        a = rate * mean_service
        pw = erlang_c(servers, a)
        wq = pw / (servers / mean_service - rate)
        print(f"Erlang C           P(wait) = {pw:.4f}, mean wait = {1000 * wq:.3f} ms, "
              f"mean response = {1000 * (wq + mean_service):.3f} ms (c={servers}, a={a:g})")


if __name__ == "__main__":
    main()

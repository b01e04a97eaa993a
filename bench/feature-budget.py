#!/usr/bin/env python3
"""What the gateway's features cost a request, beside the stack's floor (docs/PERFORMANCE.md, "What the
features cost").

Reads two async-profiler CPU profiles in collapsed form, taken with the `threads` option under the same `wrk`
load (bench/run's Path A body against the gateway, the plain body against bench/StackFloor), and prints µs of
sampled CPU a request on the event loops (and, for the gateway, the database client's thread, where the request
log's COPY is encoded and sent):
  - for each feature, the stacks that run under one of its frames (the first feature matched from the list
    below wins, so a stack counts once);
  - the rest of the gateway (server, upstream client, Reactor, Netty, the kernel), which is what the floor does
    too, beside the floor's whole figure.

    java -cp <async-profiler Java API or jattach> ... start,event=cpu,interval=500us,threads
    wrk ... ; ... stop,file=gateway.collapsed,collapsed
    python3 bench/feature-budget.py gateway.collapsed <requests> floor.collapsed <requests> [interval_us=500]

Sampled figures are inflated by the profiler alike for both; read the features against the rest, and the
rest against the floor.
"""
import collections
import sys

# (feature, frames that mark it): a stack belongs to the first feature one of whose frames it contains
FEATURES = [
    ("request log: COPY encoded and sent (database client thread)", None),
    ("request log: the row and its two JSON documents", ("RequestLogRecorder",)),
    ("metrics: the gateway's timers and counters", ("GatewayMetrics", "ServerRequestTimers.record",
                                                    "ServerRequestTimers.ended")),
    ("usage ledger, live feed, client limits, alerts", ("UsageLedger", "LiveFeed", "ClientLimits.ended",
                                                        "AlertMonitor")),
    ("log context (MDC) around an attempt's outcome", ("LogContext",)),
    ("client key: credentials, lookup, salted hash", ("SecurityFilter.asClient", "ClientDirectory", "ClientKeys",
                                                      "Credentials", "AccessRules")),
    ("reading the request: JSON tree and chat command", ("JsonBodies", "OpenAiRequestReader", "ChatCommand")),
    ("reading the answer: usage, finish reason, content", ("OpenAiAnswerReader", "OpenAiClient.toCompletion")),
    ("routing: plan, key health, daily limits, circuit, paces", ("DefaultModelPlan", "CandidateGate", "Paces",
                                                                 "DailyLimits", "KeyHealth", "ProviderGuards",
                                                                 "KeySelector")),
    ("model splice and routing headers", ("ModelSplice", "RoutingHeaders", "RequestIds")),
]
REST = "everything else: server, upstream client, Reactor, Netty, kernel"


def budget(path, requests, interval_us):
    samples = collections.Counter()
    for line in open(path):
        stack, count = line.rsplit(" ", 1)
        frames = stack.split(";")
        thread = frames[0]
        database = "reactor-tcp" in thread
        if "reactor-http" not in thread and not database:
            continue
        for name, marks in FEATURES:
            if (marks is None and database) or (marks is not None and not database
                                                and any(m in f for f in frames for m in marks)):
                samples[name] += int(count)
                break
        else:
            samples[REST] += int(count)
    return {name: count * interval_us / requests for name, count in samples.items()}


def main(argv):
    if len(argv) < 5:
        sys.exit(__doc__)
    interval = float(argv[5]) if len(argv) > 5 else 500.0
    gateway = budget(argv[1], int(argv[2]), interval)
    floor = budget(argv[3], int(argv[4]), interval)
    features = 0.0
    for name, _ in FEATURES:
        features += gateway.get(name, 0.0)
        print(f"{gateway.get(name, 0.0):7.2f}  {name}")
    print(f"{features:7.2f}  the features together")
    print(f"{gateway.get(REST, 0.0):7.2f}  {REST}")
    print(f"{sum(floor.values()):7.2f}  the floor, all of it")
    print(f"{sum(gateway.values()):7.2f}  the gateway, all of it "
          f"({sum(gateway.values()) / sum(floor.values()):.2f} of the floor; without the features "
          f"{gateway.get(REST, 0.0) / sum(floor.values()):.2f})")


if __name__ == "__main__":
    main(sys.argv)

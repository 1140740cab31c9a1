#!/usr/bin/env python3
"""Login flood against a running gateway: bursts of parallel POST /v1/auth/login with unknown
usernames (each costs one argon2 verification), while /health is probed every 20 ms. Prints the
gateway's resident memory (from /proc/PID/status) before, at its peak and after each burst, and the
/health latency percentiles during the bursts.

    scripts/measure-login-flood.py --base http://127.0.0.1:8080 --pid $(pgrep -f 'pbx-gateway serve') \
        --parallel 200 --bursts 3
"""
import argparse, http.client, json, random, string, threading, time, urllib.parse
from concurrent.futures import ThreadPoolExecutor


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def request(base, method, path, body=None):
    url = urllib.parse.urlparse(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=120)
    headers = {"content-type": "application/json"} if body is not None else {}
    started = time.perf_counter()
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    status = conn.getresponse().status
    conn.close()
    return status, time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8080")
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--parallel", type=int, default=200)
    parser.add_argument("--bursts", type=int, default=3)
    args = parser.parse_args()

    stop = threading.Event()
    peak = [rss_kib(args.pid)]
    health = []

    def watch():
        while not stop.is_set():
            peak[0] = max(peak[0], rss_kib(args.pid))
            time.sleep(0.01)

    def probe():
        while not stop.is_set():
            health.append(request(args.base, "GET", "/health")[1])
            time.sleep(0.02)

    print(f"rss before: {rss_kib(args.pid) / 1024:.1f} MiB")
    threads = [threading.Thread(target=watch), threading.Thread(target=probe)]
    for thread in threads:
        thread.start()
    statuses = {}
    for burst in range(args.bursts):
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.parallel) as pool:
            logins = [
                pool.submit(request, args.base, "POST", "/v1/auth/login",
                            {"username": "flood" + "".join(random.choices(string.ascii_lowercase, k=12)),
                             "password": "wrong-password"})
                for _ in range(args.parallel)
            ]
            for login in logins:
                status = login.result()[0]
                statuses[status] = statuses.get(status, 0) + 1
        print(f"burst {burst + 1}: {args.parallel} logins in {time.perf_counter() - started:.1f} s, "
              f"rss now {rss_kib(args.pid) / 1024:.1f} MiB, peak {peak[0] / 1024:.1f} MiB")
    stop.set()
    for thread in threads:
        thread.join()
    time.sleep(2)
    print(f"rss 2 s after: {rss_kib(args.pid) / 1024:.1f} MiB; login statuses {statuses}")
    health.sort()
    if health:
        pick = lambda q: health[min(len(health) - 1, int(q * len(health)))] * 1000
        print(f"/health during the bursts: n={len(health)} p50={pick(0.5):.1f} ms p99={pick(0.99):.1f} ms "
              f"max={health[-1] * 1000:.1f} ms")


if __name__ == "__main__":
    main()

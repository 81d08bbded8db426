#!/usr/bin/env python3
"""Closed-loop check of `ie serve`: at each concurrency C, C clients each send N streamed completions
(token-id prompt of P tokens, G output tokens with ignore_eos) back to back. Prints per level: requests,
wall time, output tok/s, mean and p50/max client TTFT, and the server's ie_batch_size seen.
Standard library only; a quick check, not the project's load client.

usage: scripts/serve-check.py URL [--conc 1,2,4,8] [--prompt 128] [--gen 32] [--per-client 2]
"""
import argparse, http.client, json, statistics, threading, time, urllib.parse


def one(url, model, prompt, gen):
    u = urllib.parse.urlparse(url)
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=600)
    body = json.dumps({"model": model, "prompt": list(range(10, 10 + prompt)), "max_tokens": gen,
                       "ignore_eos": True, "stream": True, "stream_options": {"include_usage": True}})
    t0 = time.perf_counter()
    c.request("POST", "/v1/completions", body, {"content-type": "application/json"})
    r = c.getresponse()
    assert r.status == 200, r.read()
    ttft, tokens, batches, usage = None, 0, [], None
    for raw in r:
        line = raw.decode().strip()
        if not line.startswith("data: ") or line == "data: [DONE]":
            continue
        d = json.loads(line[6:])
        if "ie_token_id" in d:
            tokens += 1
            batches.append(d["ie_batch_size"])
            if ttft is None:
                ttft = time.perf_counter() - t0
        if d.get("usage"):
            usage = d["usage"]
    c.close()
    assert tokens == gen and usage["completion_tokens"] == gen and usage["prompt_tokens"] == prompt, (tokens, usage)
    return ttft, tokens, max(batches)


def main():
    a = argparse.ArgumentParser()
    a.add_argument("url")
    a.add_argument("--conc", default="1,2,4,8")
    a.add_argument("--prompt", type=int, default=128)
    a.add_argument("--gen", type=int, default=32)
    a.add_argument("--per-client", type=int, default=2)
    o = a.parse_args()
    u = urllib.parse.urlparse(o.url)
    c = http.client.HTTPConnection(u.hostname, u.port)
    c.request("GET", "/v1/models")
    m = json.loads(c.getresponse().read())["data"][0]
    print(f"model {m['id']}, policy {m['ie_batching_policy']['name']} max_batch {m['ie_batching_policy']['max_batch']} "
          f"window {m['ie_batching_policy']['window_ms']} ms; prompt {o.prompt}, gen {o.gen}")
    print("| C | requests | wall s | out tok/s | TTFT mean ms | TTFT p50 ms | TTFT max ms | max batch |")
    print("|---|---|---|---|---|---|---|---|")
    for conc in [int(x) for x in o.conc.split(",")]:
        results, lock = [], threading.Lock()

        def client():
            for _ in range(o.per_client):
                res = one(o.url, m["id"], o.prompt, o.gen)
                with lock:
                    results.append(res)

        threads = [threading.Thread(target=client) for _ in range(conc)]
        t0 = time.perf_counter()
        for t in threads: t.start()
        for t in threads: t.join()
        wall = time.perf_counter() - t0
        ttfts = [r[0] * 1000 for r in results]
        print(f"| {conc} | {len(results)} | {wall:.2f} | {sum(r[1] for r in results) / wall:.1f} | {statistics.mean(ttfts):.1f} | "
              f"{statistics.median(ttfts):.1f} | {max(ttfts):.1f} | {max(r[2] for r in results)} |")
    c.request("GET", "/ie/stats")
    print("server steps by batch size:", json.loads(c.getresponse().read())["steps_by_batch_size"])


if __name__ == "__main__":
    main()

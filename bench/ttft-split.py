#!/usr/bin/env python3
"""Takes a proxy's time to first content apart on the wire.

Usage, while LoadClient streams through the proxy on PROXY_PORT to the simulator on 9100 (root, tcpdump from apt;
a snap length that holds a whole first write, since the gateway's headers and first chunk can share one):

    tcpdump -i lo -nn -s 1500 -w cap.pcap "tcp port PROXY_PORT or tcp port 9100" &
    ... LoadClient stream ... ; kill %1
    tcpdump -r cap.pcap -nn -tt -A > cap.txt
    bench/ttft-split.py cap.txt PROXY_PORT

For each stream, the client's request arriving at the proxy, the proxy's request arriving at the simulator, the
simulator's first content and the proxy's first content (a data chunk with a non-empty "content"). Client and
upstream streams are paired in the order of their requests (a few percent are paired wrongly under a burst). All
times are read on loopback, so they include neither the load client's own send nor its reading.
"""
import re
import statistics
import sys

HEADER = re.compile(r'^(\d+\.\d+) IP 127\.0\.0\.1\.(\d+) > 127\.0\.0\.1\.(\d+):')
CONTENT = re.compile(r'"content":"[^"]')


def packets(path):
    out, current = [], None
    for line in open(path, errors='replace'):
        match = HEADER.match(line)
        if match:
            current = [float(match.group(1)), match.group(2), match.group(3), []]
            out.append(current)
        elif current:
            current[3].append(line)
    return out


def streams(all_packets, server):
    """[request time, first content time] of each stream served on the server port, in request order."""
    out, open_streams = [], {}
    for time, source, target, body in all_packets:
        text = ''.join(body)
        if target == server and 'POST ' in text:
            open_streams[source] = [time, None]
            out.append(open_streams[source])
        elif source == server and target in open_streams and open_streams[target][1] is None and CONTENT.search(text):
            open_streams[target][1] = time
    return sorted(s for s in out if s[1])


def p50(values):
    return '%.2f' % (statistics.median(values) * 1e3)


def main():
    all_packets = packets(sys.argv[1])
    client, upstream = streams(all_packets, sys.argv[2]), streams(all_packets, '9100')
    paired = min(len(client), len(upstream))
    if paired == 0:
        sys.exit('no stream with a first content on port %s and 9100: was the snap length too short (-s 1500)?'
                 % sys.argv[2])
    print('streams client=%d upstream=%d' % (len(client), len(upstream)))
    print('p50 ms: at_proxy=%s upstream=%s setup=%s first_content_relay=%s' % (
        p50([b - a for a, b in client]), p50([b - a for a, b in upstream]),
        p50([upstream[i][0] - client[i][0] for i in range(paired)]),
        p50([client[i][1] - upstream[i][1] for i in range(paired)])))


if __name__ == '__main__':
    main()

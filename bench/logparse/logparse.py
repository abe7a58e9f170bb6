# logparse (peer of logparse.guji): parse a web-server log on stdin with one
# regex with named groups and report the requests and malformed lines, the
# requests per method and per status class (2xx, 3xx, ...), the total
# bytes, the mean latency (2 decimals) and the 5 most requested paths,
# numeric ids replaced by `:id` (by count descending, then path).
import re
import sys
from collections import Counter


def main():
    line_re = re.compile(r"^(?P<ts>\S+) (?P<method>[A-Z]+) (?P<path>\S+) (?P<status>\d{3}) (?P<bytes>\d+) (?P<ms>\d+)ms$")
    id_re = re.compile(r"/\d+")
    methods, classes, paths = Counter(), Counter(), Counter()
    requests = malformed = total_bytes = total_ms = 0
    for line in sys.stdin:
        m = line_re.match(line.rstrip("\n"))
        if m:
            requests += 1
            methods[m["method"]] += 1
            classes[m["status"][0] + "xx"] += 1
            paths[id_re.sub("/:id", m["path"])] += 1
            total_bytes += int(m["bytes"])
            total_ms += int(m["ms"])
        else:
            malformed += 1
    out = ["requests %d" % requests, "malformed %d" % malformed]
    out += ["method %s %d" % kv for kv in sorted(methods.items())]
    out += ["status %s %d" % kv for kv in sorted(classes.items())]
    out.append("bytes %d" % total_bytes)
    out.append("latency %.2fms" % (total_ms / requests))
    top = sorted(paths.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
    out += ["path %s %d" % kv for kv in top]
    print("\n".join(out))


main()

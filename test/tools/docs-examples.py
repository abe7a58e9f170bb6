#!/usr/bin/env python3
"""docs-examples.py DOC ROOT — runs the shell examples of a manual.

A fenced block whose lines start with `$ ` is an example: each `$ CMD`
runs with bash in ROOT (the tools first on PATH, as lit sets it), and the
lines after it, up to the next `$ ` or the block's end, must be its
output (stdout and stderr together), exactly. A block that names a
`.guji` file the repository does not have (`prog.guji`: a placeholder
for the reader's program; after `cd DIR &&` names are DIR's) is shown,
not run. Prints what ran; exits 1 on
the first difference.
"""
import os
import re
import subprocess
import sys


def blocks(text):
    inside, cur = False, []
    for line in text.splitlines():
        if line.startswith("```"):
            if inside:
                yield cur
            inside, cur = not inside, []
        elif inside:
            cur.append(line)


def main():
    doc, root = sys.argv[1], sys.argv[2]
    ran = 0
    for b in blocks(open(doc, encoding="utf-8").read()):
        if not b or not b[0].startswith("$ "):
            continue
        cmds = [l[2:] for l in b if l.startswith("$ ")]
        missing = False
        for c in cmds:
            d = re.match(r"cd (\S+) && ", c)  # `cd DIR && …`: files in DIR
            here = os.path.join(root, d.group(1)) if d else root
            missing |= any(not os.path.exists(os.path.join(here, f))
                           for f in re.findall(r"[\w./-]+\.guji", c))
        if missing:
            print("shown, not run (placeholder file): " + cmds[0])
            continue
        i = 0
        while i < len(b):
            cmd = b[i][2:]
            j = i + 1
            while j < len(b) and not b[j].startswith("$ "):
                j += 1
            want = "\n".join(b[i + 1:j])
            r = subprocess.run(["bash", "-c", cmd], cwd=root, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            got = r.stdout.rstrip("\n")
            if got != want:
                print("%s: example `%s` printed:\n%s\n--- the manual says:\n%s"
                      % (doc, cmd, got, want))
                return 1
            print("ok: " + cmd)
            ran += 1
            i = j
    print("%d examples run" % ran)
    return 0 if ran > 0 else 1


if __name__ == "__main__":
    sys.exit(main())

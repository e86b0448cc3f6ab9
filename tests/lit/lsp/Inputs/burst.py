"""Sends a burst of rapid didChange edits to tessera-lsp (not waiting for
anything in between), then checks that the diagnostics published last are
those of the final text, that they come for its version, that nothing older
is published after them, that the burst was not checked edit by edit, and
that a request sees the final text. Ends with shutdown and exit (status 0).

  burst.py SERVER [--edits N]
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lsp_client import Client, is_diagnostics  # noqa: E402

URI = "test:///burst.tsr"


def text(version):
    """Each version has its own unknown name (`y<version>`, line 2) and its
    own shape (`z`'s, line 1)."""
    return ("entry f(x: f32[4]) -> f32[4] {\n"
            "  let z = zeros([%d])\n"
            "  return x + y%d\n"
            "}\n" % (version, version))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("server")
    ap.add_argument("--edits", type=int, default=1000)
    args = ap.parse_args()

    client = Client([args.server, "--log=error"], stderr=None)
    client.initialize()
    client.open(URI, text(1), version=1)
    start = time.monotonic()
    final = args.edits + 1
    for version in range(2, final + 1):
        client.change(URI, text(version), version)
    sent = time.monotonic() - start

    index, (when, message) = client.wait_notification(
        is_diagnostics(URI, final), timeout=60)
    # Nothing may follow the final version's diagnostics.
    time.sleep(0.5)
    published = [m["params"]["version"] for _, m in client.notifications
                 if is_diagnostics(URI)(m)]
    if published[-1] != final:
        sys.exit("published after the final version: %s" % published[-5:])
    if published != sorted(published):
        sys.exit("diagnostics published out of order: %s" % published)
    if len(published) >= final:
        sys.exit("every edit was checked: no debouncing")

    want = [{
        "message": "unknown name 'y%d'" % final,
        "range": {"start": {"line": 2, "character": 13},
                  "end": {"line": 2, "character": 13 + len("y%d" % final)}},
        "severity": 1,
        "source": "tessera",
    }, {
        "message": "unused let 'z'",
        "range": {"start": {"line": 1, "character": 6},
                  "end": {"line": 1, "character": 7}},
        "severity": 2,
        "source": "tessera",
    }]
    got = message["params"]["diagnostics"]
    if got != want:
        sys.exit("final diagnostics %s, expected %s" % (got, want))
    print("final diagnostics are those of version %d" % final)

    hover = client.request("textDocument/hover", {
        "textDocument": {"uri": URI},
        "position": {"line": 1, "character": 6}})["result"]
    print("hover on z: %s" % hover["contents"]["value"].split("\n")[1])

    sys.stderr.write("%d edits sent in %.0f ms; diagnostics published %d "
                     "times; the last %.0f ms after the last edit was sent\n"
                     % (args.edits, sent * 1e3, len(published),
                        (when - start - sent) * 1e3))
    status = client.shutdown()
    print("exit status %d" % status)
    sys.exit(0 if status == 0 else 1)


if __name__ == "__main__":
    main()

"""A document imports a module on disk; the module changes on disk and the
client says so (workspace/didChangeWatchedFiles): the document is checked
again and its diagnostics now show the module's error.

  watched_files.py SERVER DIR    (DIR: a scratch folder)
"""
import os
import pathlib
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lsp_client import Client, is_diagnostics  # noqa: E402


def main():
    server, folder = sys.argv[1], pathlib.Path(sys.argv[2]).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    util = folder / "util.tsr"
    util.write_text("op two(x: f32) -> f32 {\n  return x * 2.0\n}\n")
    uri = (folder / "main.tsr").as_uri()
    client = Client([server, "--log=error"], stderr=None)
    client.initialize()
    client.open(uri, "import util\nentry e(a: f32) -> f32 {\n"
                     "  return util.two(a)\n}\n")
    index, (_, message) = client.wait_notification(is_diagnostics(uri, 1))
    print("before: %d diagnostics" % len(message["params"]["diagnostics"]))

    util.write_text("op two(x: f32) -> f32 {\n  return y\n}\n")
    client.notify("workspace/didChangeWatchedFiles",
                  {"changes": [{"uri": util.as_uri(), "type": 2}]})
    index, (_, message) = client.wait_notification(is_diagnostics(uri, 1),
                                                   start=index + 1)
    for d in message["params"]["diagnostics"]:
        print("after: line %d: %s" % (d["range"]["start"]["line"],
                                      d["message"].replace(str(folder), "DIR")))
    status = client.shutdown()
    print("exit status %d" % status)
    sys.exit(0 if status == 0 else 1)


if __name__ == "__main__":
    main()

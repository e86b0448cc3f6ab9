"""Opens every file under the given folders (and generated pathological
sources) as a document in tessera-lsp, waits for its diagnostics, then asks
for hover at three places and for every other feature once; every request
must be answered. Ends with shutdown and exit, which must give exit status 0.

  robustness.py SERVER DIR...
"""
import os
import pathlib
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lsp_client import Client, ServerDied, is_diagnostics  # noqa: E402


def generated():
    """Malformed input at scale, as tests/lit/frontend/malformed/limits.test
    feeds the compiler."""
    head = "entry f(a: f32) -> f32 { return "
    yield "parens-open", head + "(" * 10000
    yield "parens-balanced", head + "(" * 10000 + "a" + ")" * 10000 + " }"
    yield "brackets-open", "entry f(a: f32" + "[" * 10000
    yield "braces-open", "entry f(a: f32) -> f32 " + "{" * 10000
    yield "operators", head + "a + " * 5000 + "a }"
    yield "operators-at-limit", head + "a + " * 4000 + "a }"
    yield "nesting-at-limit", head + "(" * 250 + "a" + ")" * 250 + " }"
    yield "unary-chain", head + "-" * 100000 + "a }"
    yield "long-line", "// " + "x" * (1 << 20) + "\n" + head + "a }"
    yield "long-name", head + "a" * (1 << 20) + " }"
    yield "many-errors", "\n".join("entry f%d(a: f32) -> f32 { return b }" % i
                                   for i in range(2000))
    yield "unterminated-comment", "/* " + "é😀 " * 1000
    yield "unterminated-string", head + '"' + "é" * 1000
    yield "noise", "".join(chr(33 + (i * 7919) % 94) for i in range(1 << 20))
    yield "empty", ""
    yield "newlines", "\n" * 100000
    yield "crlf", "entry f(a: f32) -> f32 {\r\n  return a\r\n}\r\n"


def positions(text):
    """The start, a middle and the end of the text, as LSP positions."""
    lines = text.split("\n")
    mid = len(lines) // 2
    return [(0, 0), (mid, len(lines[mid]) // 2),
            (len(lines) - 1, len(lines[-1]) + 5)]


def exercise(client, uri, text):
    doc = {"textDocument": {"uri": uri}}

    def at(line, character):
        return dict(doc, position={"line": line, "character": character})

    requests = [("textDocument/hover", at(*p)) for p in positions(text)]
    mid = at(*positions(text)[1])
    requests += [
        ("textDocument/definition", mid),
        ("textDocument/references", dict(mid, context={
            "includeDeclaration": True})),
        ("textDocument/completion", mid),
        ("textDocument/signatureHelp", mid),
        ("textDocument/documentSymbol", doc),
        ("textDocument/semanticTokens/full", doc),
        ("textDocument/inlayHint", dict(doc, range={
            "start": {"line": 0, "character": 0},
            "end": {"line": 1 << 20, "character": 0}})),
        ("textDocument/formatting", dict(doc, options={
            "tabSize": 2, "insertSpaces": True})),
    ]
    for method, params in requests:
        response = client.request(method, params, timeout=120)
        if "result" not in response:
            sys.exit("%s on %s: no result: %s" % (method, uri, response))


def main():
    server, dirs = sys.argv[1], sys.argv[2:]
    client = Client([server, "--log=error"], stderr=None)
    client.initialize()
    documents = []
    for d in dirs:
        for path in sorted(pathlib.Path(d).rglob("*")):
            if path.is_file():
                # Bytes that are not UTF-8 cannot be sent as they are: the
                # protocol's text is Unicode. They arrive as U+FFFD.
                text = path.read_bytes().decode("utf-8", "surrogateescape")
                documents.append((path.resolve().as_uri(), text))
    for name, text in generated():
        documents.append(("test:///generated/%s.tsr" % name, text))
    try:
        seen = 0
        for uri, text in documents:
            client.open(uri, text)
            # Its diagnostics come: the document was received and checked.
            seen, _ = client.wait_notification(is_diagnostics(uri, 1),
                                               timeout=120, start=seen)
            exercise(client, uri, text)
            client.notify("textDocument/didClose",
                          {"textDocument": {"uri": uri}})
        status = client.shutdown(timeout=120)
    except ServerDied as e:
        sys.exit("the server stopped answering: %s (exit status %s)" %
                 (e, client.proc.poll()))
    print("opened %d documents; every request answered" % len(documents))
    print("exit status %d" % status)
    sys.exit(0 if status == 0 else 1)


if __name__ == "__main__":
    main()

"""A minimal Language Server Protocol client over a server's stdin/stdout,
for the tessera-lsp tests and benchmark: Content-Length framing, requests
with ids, and a reader thread that collects every message the server sends
(responses by id, notifications in order of arrival)."""
import json
import subprocess
import threading
import time


class ServerDied(Exception):
    pass


class Client:
    def __init__(self, argv, stderr=subprocess.DEVNULL):
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=stderr)
        self._next_id = 0
        self._lock = threading.Condition()
        self._responses = {}
        self.notifications = []  # (arrival time, message)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    # --- sending ----------------------------------------------------------

    def _send(self, message):
        body = json.dumps(message).encode("utf-8")
        try:
            self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body))
            self.proc.stdin.write(body)
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError) as e:
            raise ServerDied("cannot write to the server: %s" % e)

    def notify(self, method, params=None):
        self._send({"jsonrpc": "2.0", "method": method,
                    "params": params if params is not None else {}})

    def request_async(self, method, params=None):
        with self._lock:
            self._next_id += 1
            rid = self._next_id
        message = {"jsonrpc": "2.0", "id": rid, "method": method}
        if params is not None:
            message["params"] = params
        self._send(message)
        return rid

    def wait_response(self, rid, timeout=30):
        deadline = time.monotonic() + timeout
        with self._lock:
            while rid not in self._responses:
                left = deadline - time.monotonic()
                if left <= 0 or self._eof:
                    raise ServerDied("no response to request %d" % rid)
                self._lock.wait(left)
            return self._responses.pop(rid)

    def request(self, method, params=None, timeout=30):
        return self.wait_response(self.request_async(method, params), timeout)

    # --- receiving --------------------------------------------------------

    _eof = False

    def _read(self):
        out = self.proc.stdout
        try:
            while True:
                length = None
                while True:
                    line = out.readline()
                    if not line:
                        return
                    line = line.strip()
                    if not line:
                        break
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                if length is None:
                    continue
                body = out.read(length)
                message = json.loads(body)
                with self._lock:
                    if "id" in message and "method" not in message:
                        self._responses[message["id"]] = message
                    else:
                        self.notifications.append((time.monotonic(), message))
                    self._lock.notify_all()
        finally:
            with self._lock:
                self._eof = True
                self._lock.notify_all()

    def wait_notification(self, predicate, timeout=30, start=0):
        """The first notification from index `start` on that satisfies
        `predicate`, and its index."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                for i in range(start, len(self.notifications)):
                    if predicate(self.notifications[i][1]):
                        return i, self.notifications[i]
                left = deadline - time.monotonic()
                if left <= 0 or self._eof:
                    raise ServerDied("the awaited notification never came")
                self._lock.wait(left)

    # --- the usual sequence -------------------------------------------------

    def initialize(self):
        result = self.request("initialize", {"processId": None, "rootUri": None,
                                             "capabilities": {}})
        self.notify("initialized", {})
        return result

    def open(self, uri, text, version=1):
        self.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "tessera", "version": version,
            "text": text}})

    def change(self, uri, text, version):
        self.notify("textDocument/didChange", {
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"text": text}]})

    def shutdown(self, timeout=30):
        """shutdown, exit; the server's exit status."""
        self.request("shutdown", timeout=timeout)
        self.notify("exit")
        self.proc.stdin.close()
        return self.proc.wait(timeout)


def is_diagnostics(uri, version=None):
    def check(message):
        if message.get("method") != "textDocument/publishDiagnostics":
            return False
        params = message["params"]
        return params["uri"] == uri and (version is None or
                                         params.get("version") == version)
    return check

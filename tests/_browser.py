"""Open a page in a real headless Chromium and report what happened (tests only).

Drives Chromium through the Chrome DevTools Protocol over a websocket, with a minimal
RFC 6455 client written on the standard library (no extra test dependency). Collects
every network request, console message, JavaScript exception and log entry while the
page loads, evaluates a check script, and takes a screenshot.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import struct
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--mute-audio",
    "--hide-scrollbars",
    "--remote-debugging-port=0",
    "--remote-allow-origins=*",
]


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return None


class _WebSocket:
    """Just enough of a websocket client for CDP: text frames, client masking."""

    def __init__(self, url: str, timeout: float):
        u = urllib.parse.urlparse(url)
        self.sock = socket.create_connection((u.hostname, u.port), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        req = (
            f"GET {u.path} HTTP/1.1\r\nHost: {u.hostname}:{u.port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        )
        self.sock.sendall(req.encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError("websocket handshake: connection closed")
            head += chunk
        status = head.split(b"\r\n", 1)[0]
        if b" 101 " not in status:
            raise ConnectionError(f"websocket handshake failed: {status!r}")
        self.buf = head.split(b"\r\n\r\n", 1)[1]

    def _recv_exact(self, n: int) -> bytes:
        while len(self.buf) < n:
            chunk = self.sock.recv(max(65536, n - len(self.buf)))
            if not chunk:
                raise ConnectionError("websocket closed")
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def send(self, text: str) -> None:
        payload = text.encode()
        n = len(payload)
        header = bytearray([0x81])
        if n < 126:
            header.append(0x80 | n)
        elif n < 1 << 16:
            header += bytes([0x80 | 126]) + struct.pack(">H", n)
        else:
            header += bytes([0x80 | 127]) + struct.pack(">Q", n)
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(bytes(header) + mask + masked)

    def recv(self) -> str:
        parts = []
        while True:
            b0, b1 = self._recv_exact(2)
            opcode, fin = b0 & 0x0F, b0 & 0x80
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._recv_exact(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._recv_exact(8))[0]
            data = self._recv_exact(n)  # server frames are not masked
            if opcode == 8:
                raise ConnectionError("websocket closed by browser")
            if opcode in (9, 10):  # ping/pong: ignore
                continue
            parts.append(data)
            if fin:
                return b"".join(parts).decode()

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass


@dataclass
class PageLoad:
    requests: list = field(default_factory=list)  # URLs requested
    console: list = field(default_factory=list)  # (type, text)
    exceptions: list = field(default_factory=list)
    log_entries: list = field(default_factory=list)  # (level, source, text, url)
    check: object = None  # value of the check script
    screenshot: bytes = b""


def load_page(url: str, check_js: str, *, width: int = 1100, timeout: float = 60.0) -> PageLoad:
    """Load ``url`` in headless Chromium; return requests, console output, check value."""
    exe = find_chromium()
    if exe is None:
        raise FileNotFoundError("chromium is not installed")
    profile = tempfile.mkdtemp(prefix="infopix-chromium-")
    proc = subprocess.Popen(
        [
            exe,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            f"--window-size={width},900",
            "about:blank",
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    ws = None
    try:
        port_file = Path(profile) / "DevToolsActivePort"
        deadline = time.monotonic() + timeout
        while not (port_file.exists() and port_file.read_text().strip()):
            if proc.poll() is not None:
                raise RuntimeError(f"chromium exited early with status {proc.returncode}")
            if time.monotonic() > deadline:
                raise TimeoutError("chromium did not open its DevTools port")
            time.sleep(0.05)
        port = int(port_file.read_text().split()[0])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as r:
            targets = json.load(r)
        page = next(t for t in targets if t.get("type") == "page")
        ws = _WebSocket(page["webSocketDebuggerUrl"], timeout)
        result = PageLoad()
        ids = iter(range(1, 1_000_000))
        pending = {}

        def call(method, **params):
            i = next(ids)
            ws.send(json.dumps({"id": i, "method": method, "params": params}))
            while True:
                msg = json.loads(ws.recv())
                if msg.get("id") == i:
                    if "error" in msg:
                        raise RuntimeError(f"{method}: {msg['error']}")
                    return msg.get("result", {})
                handle(msg)

        def handle(msg):
            m, p = msg.get("method"), msg.get("params", {})
            if m == "Network.requestWillBeSent":
                result.requests.append(p["request"]["url"])
            elif m == "Runtime.consoleAPICalled":
                text = " ".join(
                    str(a.get("value", a.get("description", ""))) for a in p.get("args", [])
                )
                result.console.append((p.get("type"), text))
            elif m == "Runtime.exceptionThrown":
                result.exceptions.append(p.get("exceptionDetails", {}).get("text", "exception"))
            elif m == "Log.entryAdded":
                e = p.get("entry", {})
                result.log_entries.append(
                    (e.get("level"), e.get("source"), e.get("text"), e.get("url"))
                )
            elif m == "Page.loadEventFired":
                pending["loaded"] = True

        for domain in ("Network", "Runtime", "Log", "Page"):
            call(f"{domain}.enable")
        call("Page.navigate", url=url)
        while not pending.get("loaded"):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{url} did not finish loading")
            handle(json.loads(ws.recv()))
        # let late events (decode errors, console output) arrive
        call(
            "Runtime.evaluate", expression="new Promise(r => setTimeout(r, 300))", awaitPromise=True
        )
        value = call("Runtime.evaluate", expression=check_js, returnByValue=True, awaitPromise=True)
        result.check = value.get("result", {}).get("value")
        shot = call("Page.captureScreenshot", format="png", captureBeyondViewport=True)
        result.screenshot = base64.b64decode(shot["data"])
        return result
    finally:
        if ws is not None:
            ws.close()
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(profile, ignore_errors=True)

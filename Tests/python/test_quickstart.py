"""Runs the README's first command (`bash deploy/quickstart.sh`) non-interactively with a time limit.

It must set up, start the broker, the provider simulator and AssetForge, publish the sample events, print a
report whose URLs fetch real PNG images, copy JSON and an MP4 video, keep serving them, and on Ctrl-C (SIGINT to
its process group, as a terminal sends it) stop everything it started.

The ledger and the file store go to a temporary directory (ASSETFORGE_LEDGER_URL, ASSETFORGE_STORE_URL) so the
test leaves the checkout alone; ASSETFORGE_HTTP_PORT is a free port. Vendor credentials are removed from the
environment: the test must never call real providers.
"""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import socket
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TIME_LIMIT = 900  # seconds, including a build if the binary is not built yet
VENDOR_VARIABLES = (
    "DASHSCOPE_API_KEY", "KLING_ACCESS_KEY", "KLING_SECRET_KEY", "MINIMAX_API_KEY",
    "VOLCENGINE_ACCESS_KEY", "VOLCENGINE_SECRET_KEY",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (loopback URLs from our own report)
        assert response.status == 200, url
        return response.read()


def test_quickstart_serves_generated_images_copy_and_video(tmp_path: Path) -> None:
    http_port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in VENDOR_VARIABLES and not k.startswith("ASSETFORGE_")}
    env.update(
        ASSETFORGE_LEDGER_URL=f"sqlite://{tmp_path / 'assetforge.db'}",
        ASSETFORGE_STORE_URL=f"file://{tmp_path / 'assets'}",
        ASSETFORGE_HTTP_PORT=str(http_port),
    )
    process = subprocess.Popen(
        ["bash", str(ROOT / "deploy" / "quickstart.sh")], cwd=tmp_path, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line.rstrip("\n"))
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    output: list[str] = []
    deadline = time.monotonic() + TIME_LIMIT
    serving = False
    try:
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=5)
            except queue.Empty:
                continue
            if line is None:
                break
            output.append(line)
            if "serving the assets until Ctrl-C" in line:
                serving = True
                break
        transcript = "\n".join(output[-80:])
        assert serving, f"the quick start did not reach its report within {TIME_LIMIT} s:\n{transcript}"

        broker_ports = [int(m.group(1)) for m in map(re.compile(r"started tansu on 127\.0\.0\.1:(\d+)").search, output) if m]
        assert broker_ports, transcript
        report = [line for line in output if line.startswith("[demo]")]
        sections: dict[str, list[str]] = {}
        current = None
        for line in report:
            heading = re.match(r"\[demo\] (marketing-image|video|copy) \(\d+", line)
            if heading:
                current = heading.group(1)
                sections[current] = []
            elif current and line.startswith("[demo]   "):
                sections[current].append(line.split()[-1])
            else:
                current = None
        assert set(sections) == {"marketing-image", "copy", "video"}, transcript
        assert not any("failed:" in line for line in report), transcript

        for url in sections["marketing-image"]:
            assert url.startswith(f"http://127.0.0.1:{http_port}/assets/"), url
            assert fetch(url)[:8] == b"\x89PNG\r\n\x1a\n", url
        for url in sections["copy"]:
            copy = json.loads(fetch(url))
            assert copy["title"] and copy["description"] and len(copy["bullets"]) == 5, url
        for url in sections["video"]:
            assert fetch(url)[4:8] == b"ftyp", url

        # Ctrl-C: everything it started stops, and it exits.
        os.killpg(process.pid, signal.SIGINT)
        code = process.wait(timeout=120)
        assert code in (0, 130), f"exit status {code}:\n" + "\n".join(output[-40:])
        time.sleep(1)
        assert not port_open(http_port), "AssetForge's HTTP server still answers after Ctrl-C"
        assert not port_open(broker_ports[0]), "the quick start's broker still answers after Ctrl-C"
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)

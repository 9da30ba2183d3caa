#!/usr/bin/env python3
"""Small, standard-library-only helpers for the local Kafka broker scripts.

    kafka_probe.py wait --port P [--host H] [--timeout S] [--pid PID] [--topics]
        Sends a Kafka MetadataRequest (v1) until the broker answers with a response that lists
        at least one broker, or until the timeout. With --pid, gives up as soon as that process
        has exited. With --topics, prints one "NAME PARTITIONS" line per topic on stdout.
        Exit status: 0 answered, 2 no answer in time, 3 the process given by --pid exited.
    kafka_probe.py port-in-use --port P [--host H]
        Exit status 0 when something holds or listens on H:P, 1 when the port is free.
    kafka_probe.py free-port [--host H]
        Prints a TCP port that is free on H (default 127.0.0.1).

The wire format follows the Kafka protocol guide: every request and response is preceded by
an INT32 size; MetadataRequest v1 uses request header v1 (api_key, api_version, correlation_id,
client_id) and a nullable topics array (null = all topics).
"""

from __future__ import annotations

import argparse
import errno
import os
import socket
import struct
import sys
import time

METADATA_API_KEY = 3
METADATA_VERSION = 1
CLIENT_ID = b"assetforge-probe"


class ProtocolError(Exception):
    pass


class Reader:
    """Reads big-endian Kafka primitive types from a response body."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.offset = 0

    def _take(self, fmt: str):
        size = struct.calcsize(fmt)
        if self.offset + size > len(self.data):
            raise ProtocolError(f"response truncated at byte {self.offset} (wanted {size} more)")
        (value,) = struct.unpack_from(fmt, self.data, self.offset)
        self.offset += size
        return value

    def int8(self) -> int:
        return self._take(">b")

    def int16(self) -> int:
        return self._take(">h")

    def int32(self) -> int:
        return self._take(">i")

    def nullable_string(self) -> str | None:
        length = self.int16()
        if length < 0:
            return None
        if self.offset + length > len(self.data):
            raise ProtocolError("response truncated inside a string")
        value = self.data[self.offset : self.offset + length].decode("utf-8", "replace")
        self.offset += length
        return value

    def string(self) -> str:
        value = self.nullable_string()
        if value is None:
            raise ProtocolError("null where a string was expected")
        return value

    def array_length(self) -> int:
        length = self.int32()
        return max(length, 0)  # -1 is a null array


def metadata_request(correlation_id: int) -> bytes:
    header = struct.pack(">hhih", METADATA_API_KEY, METADATA_VERSION, correlation_id, len(CLIENT_ID))
    body = struct.pack(">i", -1)  # topics: null = all topics
    payload = header + CLIENT_ID + body
    return struct.pack(">i", len(payload)) + payload


def receive_exactly(sock: socket.socket, size: int) -> bytes:
    chunks = []
    remaining = size
    while remaining > 0:
        chunk = sock.recv(min(remaining, 1 << 16))
        if not chunk:
            raise ProtocolError("connection closed by the broker before a full response arrived")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def parse_metadata_v1(data: bytes, correlation_id: int) -> dict:
    r = Reader(data)
    got = r.int32()
    if got != correlation_id:
        raise ProtocolError(f"correlation id {got} in the response, expected {correlation_id}")
    brokers = []
    for _ in range(r.array_length()):
        node_id = r.int32()
        host = r.string()
        port = r.int32()
        r.nullable_string()  # rack
        brokers.append((node_id, host, port))
    controller_id = r.int32()
    topics = []
    for _ in range(r.array_length()):
        error_code = r.int16()
        name = r.string()
        r.int8()  # is_internal
        partitions = r.array_length()
        for _ in range(partitions):
            r.int16()  # error_code
            r.int32()  # partition_index
            r.int32()  # leader_id
            for _ in range(r.array_length()):  # replica_nodes
                r.int32()
            for _ in range(r.array_length()):  # isr_nodes
                r.int32()
        topics.append((name, partitions, error_code))
    return {"brokers": brokers, "controller_id": controller_id, "topics": topics}


def fetch_metadata(host: str, port: int, timeout: float, correlation_id: int) -> dict:
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.settimeout(timeout)
        sock.sendall(metadata_request(correlation_id))
        (size,) = struct.unpack(">i", receive_exactly(sock, 4))
        if size <= 0 or size > 64 << 20:
            raise ProtocolError(f"implausible response size {size}: is this a Kafka broker?")
        return parse_metadata_v1(receive_exactly(sock, size), correlation_id)


def process_alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            state = f.read().rsplit(b")", 1)[1].split()[0]
        return state not in (b"Z", b"X")
    except (OSError, IndexError):
        try:
            os.kill(pid, 0)
            return True
        except ProcessLookupError:
            return False
        except PermissionError:
            return True


def command_wait(args: argparse.Namespace) -> int:
    address = f"{args.host}:{args.port}"
    deadline = time.monotonic() + args.timeout
    attempt = 0
    last_error = "no attempt made"
    while True:
        attempt += 1
        if args.pid and not process_alive(args.pid):
            print(f"kafka_probe: the broker process {args.pid} exited before {address} answered",
                  file=sys.stderr)
            return 3
        remaining = deadline - time.monotonic()
        try:
            metadata = fetch_metadata(args.host, args.port, max(0.2, min(2.0, remaining)), attempt)
            if not metadata["brokers"]:
                raise ProtocolError("the Metadata response lists no brokers")
            brokers = ", ".join(f"node {n} at {h}:{p}" for n, h, p in metadata["brokers"])
            print(f"kafka_probe: {address} answered Metadata v{METADATA_VERSION}: {brokers}; "
                  f"controller {metadata['controller_id']}; {len(metadata['topics'])} topic(s)",
                  file=sys.stderr)
            if not any((h, p) == (args.host, args.port) for _, h, p in metadata["brokers"]):
                print(f"kafka_probe: warning: no broker is advertised as {address}; clients will "
                      "connect to the advertised addresses above", file=sys.stderr)
            if args.topics:
                for name, partitions, error_code in sorted(metadata["topics"]):
                    suffix = f" error={error_code}" if error_code else ""
                    print(f"{name} {partitions}{suffix}")
            return 0
        except (OSError, ProtocolError) as error:
            last_error = str(error) or type(error).__name__
        if time.monotonic() + 0.2 >= deadline:
            break
        time.sleep(0.2)
    print(f"kafka_probe: no Kafka Metadata answer from {address} within {args.timeout:g} s "
          f"({attempt} attempts; last error: {last_error})", file=sys.stderr)
    return 2


def command_port_in_use(args: argparse.Namespace) -> int:
    # Binding with SO_REUSEADDR fails on Linux only when a socket listens on (or is bound to)
    # the port, not because of connections in TIME_WAIT.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((args.host, args.port))
    except OSError as error:
        if error.errno in (errno.EADDRINUSE, errno.EACCES):
            return 0
        raise
    finally:
        sock.close()
    return 1


def command_free_port(args: argparse.Namespace) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((args.host, 0))
        print(sock.getsockname()[1])
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)

    wait = commands.add_parser("wait", help="wait until a Kafka broker answers a Metadata request")
    wait.add_argument("--host", default="127.0.0.1")
    wait.add_argument("--port", type=int, required=True)
    wait.add_argument("--timeout", type=float, default=30.0, help="seconds (default 30)")
    wait.add_argument("--pid", type=int, help="give up early when this process exits")
    wait.add_argument("--topics", action="store_true", help="print NAME PARTITIONS per topic")
    wait.set_defaults(run=command_wait)

    in_use = commands.add_parser("port-in-use", help="exit 0 when the port is taken, 1 when free")
    in_use.add_argument("--host", default="127.0.0.1")
    in_use.add_argument("--port", type=int, required=True)
    in_use.set_defaults(run=command_port_in_use)

    free = commands.add_parser("free-port", help="print a free TCP port")
    free.add_argument("--host", default="127.0.0.1")
    free.set_defaults(run=command_free_port)

    args = parser.parse_args()
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())

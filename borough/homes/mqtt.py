"""The MQTT side of the ingest (paho-mqtt 2): a subscriber whose network thread only queues
messages, and a publisher for the simulator. The batches are processed on the caller's thread,
so every database write happens in one thread."""

from __future__ import annotations

import queue
import threading
import time
import uuid
from collections import deque

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from . import telemetry


class Subscriber:
    """Subscribes to every device's telemetry (QoS 1) and queues what arrives. With a
    ``client_id`` the session is persistent: the broker keeps QoS 1 messages for the ingest
    while it restarts (up to its ``max_queued_messages``)."""

    def __init__(self, host: str = "127.0.0.1", port: int = 1883, client_id: str = ""):
        self.messages: queue.Queue[tuple[str, bytes, float]] = queue.Queue()
        self._subscribed = threading.Event()
        self.client = mqtt.Client(
            CallbackAPIVersion.VERSION2,
            client_id=client_id or f"borough-ingest-{uuid.uuid4().hex[:8]}",
            clean_session=not client_id,
        )
        self.client.on_connect = self._on_connect
        self.client.on_subscribe = lambda *args: self._subscribed.set()
        self.client.on_message = self._on_message
        self.host, self.port = host, port

    def _on_connect(self, client, userdata, flags, reason_code, properties):
        client.subscribe(telemetry.topic_filter(), qos=1)

    def _on_message(self, client, userdata, message):
        self.messages.put((message.topic, message.payload, time.monotonic()))

    def __enter__(self) -> Subscriber:
        self.client.connect(self.host, self.port, keepalive=30)
        self.client.loop_start()
        if not self._subscribed.wait(10):
            self.client.loop_stop()
            raise ConnectionError(
                f"no subscription from the MQTT broker at {self.host}:{self.port}"
            )
        return self

    def __exit__(self, *exc) -> None:
        self.client.disconnect()
        self.client.loop_stop()

    def batches(self, *, size: int = 2000, wait: float = 0.2, idle: float | None = None):
        """Yield lists of queued messages (up to ``size``, or what came in ``wait`` seconds);
        with ``idle``, stop after that many seconds with nothing."""
        quiet_since = time.monotonic()
        while True:
            batch = []
            try:
                batch.append(self.messages.get(timeout=wait))
                while len(batch) < size:
                    batch.append(self.messages.get_nowait())
            except queue.Empty:
                pass
            if batch:
                quiet_since = time.monotonic()
                yield batch
            elif idle is not None and time.monotonic() - quiet_since >= idle:
                return
            else:
                yield []


class Publisher:
    """Publishes device messages (what a device or the simulator does)."""

    def __init__(self, host: str = "127.0.0.1", port: int = 1883):
        self.client = mqtt.Client(
            CallbackAPIVersion.VERSION2, client_id=f"borough-sim-{uuid.uuid4().hex[:8]}"
        )
        self.client.max_inflight_messages_set(1000)
        self.client.max_queued_messages_set(0)
        self.host, self.port = host, port

    def __enter__(self) -> Publisher:
        self.client.connect(self.host, self.port, keepalive=30)
        self.client.loop_start()
        return self

    # MQTT message ids are 16 bits: never have more than this many waiting for the broker.
    MAX_PENDING = 20_000

    def publish(self, topic: str, payload: bytes, qos: int = 1):
        pending = self.__dict__.setdefault("_pending", deque())
        while len(pending) >= self.MAX_PENDING:
            pending.popleft().wait_for_publish(60)
        self._last = self.client.publish(topic, payload, qos=qos)
        pending.append(self._last)
        return self._last

    def flush(self, timeout: float = 60) -> None:
        """Wait until the broker has every message published so far."""
        last = getattr(self, "_last", None)
        if last is not None:
            last.wait_for_publish(timeout)

    def __exit__(self, *exc) -> None:
        self.flush()
        self.client.disconnect()
        self.client.loop_stop()

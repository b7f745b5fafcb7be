"""`parlo serve --workers N` must not fall into Nagle + delayed-ACK stalls."""

from __future__ import annotations

import socket

import parlo.server as server


def test_several_workers_listen_on_a_socket_with_tcp_nodelay(monkeypatch):
    seen: list[socket.socket] = []

    class RecordingSupervisor:
        def __init__(self, config, sockets):
            seen.extend(sockets)

        def run(self):
            pass

    monkeypatch.setattr(server, "Multiprocess", RecordingSupervisor)
    server.run_server(host="127.0.0.1", port=0, workers=2)
    [sock] = seen
    try:
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
        # …and Linux hands the option to every accepted connection (workers start listening).
        sock.listen()
        client = socket.create_connection(sock.getsockname())
        accepted, _ = sock.accept()
        assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
        accepted.close()
        client.close()
    finally:
        sock.close()


def test_each_worker_freezes_what_it_built_so_full_collections_skip_it(monkeypatch, tmp_path):
    import gc

    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'parlo.db'}")
    gc.unfreeze()
    try:
        app = server.serving_app()
        assert gc.get_freeze_count() > 10_000  # modules, schema, settings: out of every full collection
        assert app.state.services.settings.database_url.endswith("parlo.db")
    finally:
        gc.unfreeze()

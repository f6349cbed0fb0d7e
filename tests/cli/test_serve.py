"""`wangge serve` on a port another program holds: a message naming --port and WANGGE_PORT, exit 2, no traceback."""

import socket

from tests.cli.test_cli import wangge


def test_a_busy_port_names_the_way_out(cli_database):
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = wangge("serve", "--host", "127.0.0.1", "--port", str(port))
    assert result.exit_code == 2
    assert f"port {port}" in result.output and "--port" in result.output and "WANGGE_PORT" in result.output
    assert "Traceback" not in result.output

"""A webhook receiver on loopback for `make load`: answers 204 to every delivery and
counts them (GET /count answers {"deliveries": n, "messages": distinct webhook-ids})."""

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_lock = threading.Lock()
_deliveries = 0
_messages: set[str] = set()


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        global _deliveries
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with _lock:
            _deliveries += 1
            _messages.add(self.headers.get("webhook-id", ""))
        self.send_response(204)
        self.end_headers()

    def do_GET(self):
        with _lock:
            body = json.dumps({"deliveries": _deliveries, "messages": len(_messages)}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # one line per delivery would drown the run's log
        pass


if __name__ == "__main__":
    ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Receiver).serve_forever()

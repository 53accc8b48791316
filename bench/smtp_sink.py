"""A local SMTP listener for the sweep benchmark: `python -m bench.smtp_sink --port N --out F`.

It speaks just enough SMTP (RFC 5321: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT) to
accept every message, in its own process so the sweep under test pays only for its side of
each exchange. On SIGTERM it writes to `--out` how many messages and connections it saw and
how many distinct Message-IDs, so the bench can check that each reminder went exactly once,
and the CPU time it used.
"""

import argparse
import json
import re
import signal
import socketserver
import sys
import threading
import time

MESSAGE_ID = re.compile(rb"(?im)^message-id:[ \t]*(\S+)")


class Session(socketserver.BaseRequestHandler):
    """One SMTP session. Replies to everything read in one go are written in one go, as
    mail servers do (Postfix flushes its replies when its input is drained): a client that
    pipelines its commands (RFC 2920) then waits for one packet, not one per reply, and a
    server writing one small reply after another would wait on the client's delayed ACK."""

    def handle(self):
        server = self.server
        with server.lock:
            server.connections += 1
        sock = self.request
        sock.sendall(b"220 bench.sink ESMTP\r\n")
        in_data, recipients = False, 0
        buffer = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                return
            buffer += chunk
            replies = []
            while True:
                if in_data:
                    # A message is found whole by its end, CRLF "." CRLF (an empty one is
                    # just "." CRLF), not line by line: the listener's CPU is part of the
                    # chain the bench measures, and a mail server does this in C.
                    if buffer.startswith(b".\r\n"):
                        message, buffer = b"", buffer[3:]
                    else:
                        end = buffer.find(b"\r\n.\r\n")
                        if end < 0:
                            break
                        message, buffer = buffer[:end], buffer[end + 5 :]
                    found = MESSAGE_ID.search(message)
                    with server.lock:
                        server.messages += 1
                        server.recipients += recipients
                        if found:
                            server.message_ids.add(found.group(1))
                    in_data, recipients = False, 0
                    replies.append(b"250 2.0.0 queued\r\n")
                    continue
                line_end = buffer.find(b"\n")
                if line_end < 0:
                    break
                verb, buffer = buffer[:4].upper(), buffer[line_end + 1 :]
                if verb == b"EHLO":
                    replies.append(
                        b"250-bench.sink\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n"
                    )
                elif verb == b"HELO":
                    replies.append(b"250 bench.sink\r\n")
                elif verb == b"MAIL":
                    recipients = 0
                    replies.append(b"250 2.1.0 ok\r\n")
                elif verb == b"RCPT":
                    recipients += 1
                    replies.append(b"250 2.1.5 ok\r\n")
                elif verb == b"DATA":
                    in_data = True
                    replies.append(b"354 end data with <CR><LF>.<CR><LF>\r\n")
                elif verb in (b"RSET", b"NOOP"):
                    replies.append(b"250 2.0.0 ok\r\n")
                elif verb == b"QUIT":
                    sock.sendall(b"".join(replies) + b"221 2.0.0 bye\r\n")
                    return
                else:
                    replies.append(b"502 5.5.2 command not recognised\r\n")
            if replies:
                sock.sendall(b"".join(replies))


class Sink(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port: int):
        super().__init__(("127.0.0.1", port), Session)
        self.lock = threading.Lock()
        self.connections = 0
        self.messages = 0
        self.recipients = 0
        self.message_ids: set[bytes] = set()

    def summary(self) -> dict:
        with self.lock:
            return {
                "connections": self.connections,
                "messages": self.messages,
                "recipients": self.recipients,
                "distinct_message_ids": len(self.message_ids),
                "cpu_seconds": round(time.process_time(), 3),
            }


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    sink = Sink(args.port)

    def stop(*_):
        with open(args.out, "w") as out:
            json.dump(sink.summary(), out)
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    print("ready", flush=True)
    sink.serve_forever()


if __name__ == "__main__":
    main()

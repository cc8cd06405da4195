"""A local SMTP sink on loopback for the browser tests: accepts mail as a server would and writes each
message to FOLDER/NNN.eml. Writes the port it listens on to PORT_FILE. Standard library only.
    python3 Tests/browser/smtp_sink.py PORT_FILE FOLDER"""
import os
import socket
import sys


def main(port_file, folder):
    os.makedirs(folder, exist_ok=True)
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    with open(port_file + ".tmp", "w") as handle:
        handle.write(str(server.getsockname()[1]))
    os.rename(port_file + ".tmp", port_file)
    count = 0
    while True:
        client, _ = server.accept()
        reader = client.makefile("rb")
        client.sendall(b"220 sink ESMTP\r\n")
        while True:
            line = reader.readline()
            if not line:
                break
            command = line.strip().upper()
            if command.startswith(b"EHLO"):
                client.sendall(b"250-sink\r\n250 8BITMIME\r\n")
            elif command.startswith(b"DATA"):
                client.sendall(b"354 go ahead\r\n")
                data = []
                while True:
                    part = reader.readline()
                    if not part or part.rstrip(b"\r\n") == b".":
                        break
                    data.append(part)
                count += 1
                with open(os.path.join(folder, "%03d.eml" % count), "wb") as handle:
                    handle.write(b"".join(data))
                client.sendall(b"250 queued\r\n")
            elif command.startswith(b"QUIT"):
                client.sendall(b"221 bye\r\n")
                break
            else:
                client.sendall(b"250 ok\r\n")
        client.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

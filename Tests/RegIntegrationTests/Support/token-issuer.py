#!/usr/bin/env python3
"""A tiny Bearer token issuer for distribution's `auth.token`, for the integration tests.

Standard library only. Tokens are RS256 JWTs signed by `openssl dgst -sha256 -sign KEY`;
the header carries the signing certificate in `x5c`, which distribution checks against
`auth.token.rootcertbundle` (the same self-signed certificate).

    GET  /token?service=S&scope=repository:NAME:pull,push&scope=registry:catalog:*   (Basic auth)
    POST /token   (OAuth2 form: grant_type=password, username, password, service, scope)
    GET  /stats   {"issued": N, "refused": M}

A valid user gets every action it asks for; anonymous callers get a token with no access
(so a test can tell that authentication is really used); wrong credentials get 401.
Every request is appended as one JSON line to --log, and the count of issued tokens is
written to --stats (a file holding `{"issued": N, "refused": M}`) before the answer is sent.

The port it listens on (bind port 0: the kernel picks a free one) is written to --port-file.
"""

import argparse
import base64
import http.server
import json
import os
import subprocess
import threading
import time
import urllib.parse
import uuid


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def pem_to_der(pem_path: str) -> bytes:
    with open(pem_path, encoding="ascii") as handle:
        lines = handle.read().splitlines()
    body = []
    inside = False
    for line in lines:
        if line.startswith("-----BEGIN CERTIFICATE"):
            inside = True
        elif line.startswith("-----END CERTIFICATE"):
            break
        elif inside:
            body.append(line.strip())
    return base64.b64decode("".join(body))


class Issuer:
    def __init__(self, args):
        self.args = args
        self.x5c = base64.b64encode(pem_to_der(args.cert)).decode("ascii")
        self.lock = threading.Lock()
        self.issued = 0
        self.refused = 0

    def sign(self, claims: dict) -> str:
        header = {"typ": "JWT", "alg": "RS256", "x5c": [self.x5c]}
        signing_input = (
            b64url(json.dumps(header, separators=(",", ":")).encode())
            + "."
            + b64url(json.dumps(claims, separators=(",", ":")).encode())
        )
        signature = subprocess.run(
            ["openssl", "dgst", "-sha256", "-sign", self.args.key],
            input=signing_input.encode("ascii"),
            capture_output=True,
            check=True,
        ).stdout
        return signing_input + "." + b64url(signature)

    def token(self, user, service, scopes):
        access = []
        if user is not None:
            for scope in scopes:
                # type:name:actions, where a name may itself hold a colon (host:port/repo)
                parts = scope.split(":")
                if len(parts) < 3:
                    continue
                kind, name, actions = parts[0], ":".join(parts[1:-1]), parts[-1]
                granted = [a for a in actions.split(",") if a and a not in self.args.deny]
                access.append({"type": kind, "name": name, "actions": granted})
        now = int(time.time())
        claims = {
            "iss": self.args.issuer,
            "sub": user or "",
            "aud": service or self.args.service,
            "exp": now + self.args.expires_in,
            "nbf": now - 10,
            "iat": now,
            "jti": uuid.uuid4().hex,
            "access": access,
        }
        return self.sign(claims), access, now

    def record(self, entry: dict, issued: bool):
        with self.lock:
            if issued:
                self.issued += 1
            else:
                self.refused += 1
            stats = {"issued": self.issued, "refused": self.refused}
            temporary = self.args.stats + ".tmp"
            with open(temporary, "w", encoding="utf-8") as handle:
                json.dump(stats, handle)
            os.replace(temporary, self.args.stats)
            with open(self.args.log, "a", encoding="utf-8") as handle:
                handle.write(json.dumps(entry, separators=(",", ":")) + "\n")
            return stats


class Handler(http.server.BaseHTTPRequestHandler):
    issuer: Issuer = None
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # noqa: A002 (quiet: the tests read the JSON log instead)
        pass

    def send_json(self, status: int, body: dict, headers=None):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def basic_credentials(self):
        """(user, password) from the Authorization header, None when absent, False when malformed."""
        header = self.headers.get("Authorization")
        if not header:
            return None
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            user, _, password = base64.b64decode(value.strip()).decode("utf-8").partition(":")
        except Exception:  # noqa: BLE001
            return False
        return user, password

    def answer(self, method, credentials, service, scopes, account):
        issuer = self.issuer
        entry = {"method": method, "service": service, "scopes": scopes, "account": account}
        if credentials is False or (
            credentials is not None and credentials != (issuer.args.username, issuer.args.password)
        ):
            entry.update(user=credentials[0] if credentials else None, status=401)
            issuer.record(entry, issued=False)
            self.send_json(
                401,
                {"errors": [{"code": "UNAUTHORIZED", "message": "invalid username or password"}]},
                {"WWW-Authenticate": 'Basic realm="reg-test-token"'},
            )
            return
        user = credentials[0] if credentials else None
        token, access, now = issuer.token(user, service, scopes)
        entry.update(user=user, status=200, access=access)
        issuer.record(entry, issued=True)
        issued_at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now))
        self.send_json(
            200,
            {"token": token, "access_token": token, "expires_in": issuer.args.expires_in, "issued_at": issued_at},
        )

    def do_GET(self):  # noqa: N802
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        if url.path == "/stats":
            with self.issuer.lock:
                stats = {"issued": self.issuer.issued, "refused": self.issuer.refused}
            self.send_json(200, stats)
        elif url.path == "/token":
            scopes = [s for value in query.get("scope", []) for s in value.split(" ") if s]
            self.answer(
                "GET",
                self.basic_credentials(),
                query.get("service", [None])[0],
                scopes,
                query.get("account", [None])[0],
            )
        else:
            self.send_json(404, {"errors": [{"code": "NOT_FOUND", "message": url.path}]})

    def do_POST(self):  # noqa: N802
        url = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        form = urllib.parse.parse_qs(self.rfile.read(length).decode("utf-8"))
        if url.path != "/token":
            self.send_json(404, {"errors": [{"code": "NOT_FOUND", "message": url.path}]})
            return
        if form.get("grant_type", [""])[0] != "password":
            self.send_json(400, {"error": "unsupported_grant_type"})
            return
        credentials = (form.get("username", [""])[0], form.get("password", [""])[0])
        scopes = [s for value in form.get("scope", []) for s in value.split(" ") if s]
        self.answer("POST", credentials, form.get("service", [None])[0], scopes, credentials[0])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--key", required=True, help="PEM private key that signs the tokens")
    parser.add_argument("--cert", required=True, help="PEM certificate of that key (sent as x5c)")
    parser.add_argument("--issuer", required=True)
    parser.add_argument("--service", required=True)
    parser.add_argument("--username", required=True)
    parser.add_argument("--password-file", required=True, help="file holding the password (not in argv)")
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--stats", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--expires-in", type=int, default=300)
    parser.add_argument("--deny", action="append", default=[], help="an action never granted (delete, push)")
    args = parser.parse_args()
    with open(args.password_file, encoding="utf-8") as handle:
        args.password = handle.read().rstrip("\n")

    Handler.issuer = Issuer(args)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    with open(args.stats, "w", encoding="utf-8") as handle:
        json.dump({"issued": 0, "refused": 0}, handle)
    temporary = args.port_file + ".tmp"
    with open(temporary, "w", encoding="ascii") as handle:
        handle.write(str(server.server_address[1]))
    os.replace(temporary, args.port_file)
    threading.Thread(target=exit_with_parent, args=(os.getppid(),), daemon=True).start()
    server.serve_forever()


def exit_with_parent(parent: int):
    """Ends this process when the test process that started it is gone (it crashed, or was killed)."""
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)


if __name__ == "__main__":
    main()

"""A test identity provider: realms whose discovery documents and JWKS a small HTTP server on 127.0.0.1 serves,
with keys made by `cryptography`, signing the tokens the sign-in tests need (good ones and forged ones)."""

import base64
import hashlib
import hmac
import itertools
import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

_serial = itertools.count(1)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def forge(header: dict[str, Any], claims: dict[str, Any], secret: bytes | None) -> str:
    """A token put together by hand, as an attacker would: HS256 with `secret`, or unsigned (`alg: none`)."""
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest() if secret is not None else b""
    return f"{signing_input}.{_b64(signature)}"


class Realm:
    """One issuer of the test provider, with its keys; `published` kids are in its JWKS."""

    def __init__(self, base: str):
        self.name = f"realm{next(_serial)}-{uuid.uuid4().hex[:6]}"
        self.issuer = f"{base}/realms/{self.name}"
        self.keys: dict[str, Any] = {}
        self.published: list[str] = []
        self.algorithms = ["RS256", "ES256"]
        self.discovery_issuer: str | None = None  # set to make the discovery document lie about its issuer
        self.down = False
        self.jwks_fetches = 0

    def add_key(self, algorithm: str = "RS256", publish: bool = True) -> str:
        kid = f"{algorithm.lower()}-{uuid.uuid4().hex[:8]}"
        self.keys[kid] = (rsa.generate_private_key(public_exponent=65537, key_size=2048) if algorithm == "RS256"
                          else ec.generate_private_key(ec.SECP256R1()))
        if publish:
            self.published.append(kid)
        return kid

    def rotate(self) -> str:
        """Publish a new RS256 key and withdraw the old ones, as a provider's rotation does."""
        kid = self.add_key(publish=False)
        self.published = [kid]
        return kid

    def public_pem(self, kid: str) -> bytes:
        return self.keys[kid].public_key().public_bytes(serialization.Encoding.PEM,
                                                        serialization.PublicFormat.SubjectPublicKeyInfo)

    def jwks(self) -> dict[str, Any]:
        keys = []
        for kid in self.published:
            key = self.keys[kid]
            to_jwk = RSAAlgorithm.to_jwk if isinstance(key, rsa.RSAPrivateKey) else ECAlgorithm.to_jwk
            keys.append({**to_jwk(key.public_key(), as_dict=True), "kid": kid, "use": "sig"})
        return {"keys": keys}

    def discovery(self) -> dict[str, Any]:
        return {"issuer": self.discovery_issuer or self.issuer, "jwks_uri": f"{self.issuer}/protocol/certs",
                "authorization_endpoint": f"{self.issuer}/auth", "token_endpoint": f"{self.issuer}/token",
                "id_token_signing_alg_values_supported": self.algorithms}

    def claims(self, email: str | None, audience: str, **overrides: Any) -> dict[str, Any]:
        now = int(time.time())
        claims = {"iss": self.issuer, "aud": audience, "sub": uuid.uuid4().hex, "iat": now, "exp": now + 300,
                  "email": email, "name": "Signed In"}
        claims.update(overrides)
        return {k: v for k, v in claims.items() if v is not None}

    def token(self, email: str | None, audience: str, kid: str | None = None, **overrides: Any) -> str:
        """A token this realm signs with key `kid` (default: its first published key)."""
        kid = kid or self.published[0]
        key = self.keys[kid]
        algorithm = "RS256" if isinstance(key, rsa.RSAPrivateKey) else "ES256"
        return jwt.encode(self.claims(email, audience, **overrides), key, algorithm=algorithm, headers={"kid": kid})


class IdentityProviderServer:
    """Serves every realm's discovery document and JWKS on 127.0.0.1, in a thread, counting JWKS fetches."""

    def __init__(self) -> None:
        realms: dict[str, Realm] = {}
        self.realms = realms

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                parts = self.path.strip("/").split("/", 2)
                realm = realms.get(parts[1]) if len(parts) == 3 and parts[0] == "realms" else None
                if realm is None or realm.down:
                    self.send_error(404 if realm is None else 503)
                    return
                if parts[2] == ".well-known/openid-configuration":
                    self._json(realm.discovery())
                elif parts[2] == "protocol/certs":
                    realm.jwks_fetches += 1
                    self._json(realm.jwks())
                else:
                    self.send_error(404)

            def _json(self, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def realm(self, algorithm: str = "RS256") -> Realm:
        """A new issuer with one published key."""
        realm = Realm(self.base)
        realm.add_key(algorithm)
        self.realms[realm.name] = realm
        return realm

    def __enter__(self) -> "IdentityProviderServer":
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()

"""An upstream behind a gateway that uses Latchkey: trust the caller's identity only from a verified
X-Latchkey-Token, never from plain headers. PyJWT (pip install "pyjwt[crypto]") fetches and caches the JWKS.

    LATCHKEY_JWKS=http://latchkey:8080/.well-known/jwks.json python3 verify-token.py <token>
"""
import os
import sys

import jwt  # PyJWT

JWKS = jwt.PyJWKClient(os.environ.get("LATCHKEY_JWKS", "http://127.0.0.1:8080/.well-known/jwks.json"))


def identity(token: str) -> dict:
    """The verified claims, or an exception (bad signature, expired, wrong issuer or audience)."""
    key = JWKS.get_signing_key_from_jwt(token).key
    return jwt.decode(token, key, algorithms=["ES256", "EdDSA"], audience=os.environ.get("LATCHKEY_AUDIENCE",
                      "latchkey-upstream"), issuer=os.environ.get("LATCHKEY_ISSUER", "latchkey"),
                      options={"require": ["exp", "iat", "sub", "jti"]})


if __name__ == "__main__":
    claims = identity(sys.argv[1])
    print(claims["sub"], claims["key_id"], claims["org"], claims["workspaces"], claims["permissions"])

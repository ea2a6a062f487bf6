#!/usr/bin/env python3
"""Writes the import fixtures for the formats the shared fixtures do not cover (2FAS, andOTP,
Bitwarden, otpauth link lists) and their expected results (expected.json).

Written from each format's public documentation (see README.md); independent of the Rust
code: Python's hashlib/hmac for PBKDF2, SHA-256 and the OTP check values, the `cryptography`
package for AES-GCM. Randomness (salts, IVs) comes from a seeded PRNG so the files are
reproducible; that is fine for fixtures and never how a real backup may be made.

    python3 crates/core/tests/import_fixtures/gen.py
"""

import base64
import hashlib
import hmac
import json
import os
import random
import struct

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

HERE = os.path.dirname(os.path.abspath(__file__))
rng = random.Random(20251125)


def rand(n):
    return bytes(rng.getrandbits(8) for _ in range(n))


def b32(key):
    return base64.b32encode(key).decode().rstrip("=")


def hotp(key, counter, digits=6, algo="SHA1"):
    mac = hmac.new(key, struct.pack(">Q", counter), getattr(hashlib, algo.lower())).digest()
    off = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[off:off + 4])[0] & 0x7FFFFFFF
    return str(value % 10 ** digits).zfill(digits)


def steam(key, time):
    mac = hmac.new(key, struct.pack(">Q", time // 30), hashlib.sha1).digest()
    off = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[off:off + 4])[0] & 0x7FFFFFFF
    alphabet = "23456789BCDFGHJKMNPQRTVWXY"
    out = ""
    for _ in range(5):
        out += alphabet[value % 26]
        value //= 26
    return out


T = 1700000000


def account(kind, issuer, name, key, algo="SHA1", digits=6, period=30, counter=None):
    """The expected account object (the shared fixtures' shape) with one check OTP."""
    acc = {"type": kind, "issuer": issuer, "account": name, "secret_hex": key.hex()}
    if kind == "steam":
        acc.update(algorithm="SHA1", digits=5, period=30, counter=None,
                   steam_check=[{"time": t, "code": steam(key, t)} for t in (0, T)])
    elif kind == "totp":
        acc.update(algorithm=algo, digits=digits, period=period, counter=None,
                   check={"time": T, "otp": hotp(key, T // period, digits, algo)})
    else:
        acc.update(algorithm=algo, digits=digits, period=None, counter=counter,
                   check={"counter": counter, "otp": hotp(key, counter, digits, algo)})
    return acc


def skip(reason, issuer, name):
    return {"reason": reason, "issuer": issuer, "account": name}


def write(rel, data):
    path = os.path.join(HERE, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    mode = "wb" if isinstance(data, bytes) else "w"
    with open(path, mode) as f:
        f.write(data)


EXPECTED = []


def expect(file, fmt, expected, password=None, note=""):
    EXPECTED.append({"file": file, "format": fmt, "password": password,
                     "expected": expected, "note": note})


# --- 2FAS ------------------------------------------------------------------------------------
# github.com/twofas: .2fas backups, schemaVersion 4. Encrypted: PBKDF2-HMAC-SHA256, 10 000
# iterations, 256-bit key; AES-GCM with the tag appended; "ct:salt:iv" in base64.

K = [rand(20) for _ in range(8)]
services = [
    {"name": "GitHub", "secret": b32(K[0]), "updatedAt": 1700000000000,
     "otp": {"label": "GitHub:octocat", "account": "octocat", "issuer": "GitHub",
             "digits": 6, "period": 30, "algorithm": "SHA1", "tokenType": "TOTP",
             "source": "Link"},
     "order": {"position": 0}, "icon": {"selected": "Label"}},
    {"name": "Bank", "secret": b32(K[1]), "groupId": "grp-1",
     "otp": {"account": "jan@example.nl", "digits": 8, "period": 60, "algorithm": "SHA256",
             "tokenType": "TOTP", "source": "Manual"},
     "order": {"position": 1}},
    {"name": "VPN", "secret": b32(K[2]),
     "otp": {"label": "VPN:admin", "digits": 6, "counter": 5, "algorithm": "SHA512",
             "tokenType": "HOTP", "source": "Link"},
     "order": {"position": 2}},
    {"name": "Steam", "secret": b32(K[3]),
     "otp": {"account": "gaben", "digits": 5, "period": 30, "algorithm": "SHA1",
             "tokenType": "STEAM", "source": "Manual"},
     "order": {"position": 3}},
    {"name": "Broken", "secret": "",
     "otp": {"account": "nobody", "tokenType": "TOTP"}, "order": {"position": 4}},
    {"name": "Legacy", "secret": b32(K[4]),
     "otp": {"account": "old", "algorithm": "MD5", "tokenType": "TOTP"},
     "order": {"position": 5}},
    {"name": "Café ☕", "secret": b32(K[5]).lower(),
     "otp": {"account": "barista", "issuer": "", "digits": 7, "tokenType": "TOTP"},
     "order": {"position": 6}},
]
twofas_expected = {
    "accounts": [
        account("totp", "GitHub", "octocat", K[0]),
        account("totp", "Bank", "jan@example.nl", K[1], "SHA256", 8, 60),
        account("hotp", "VPN", "admin", K[2], "SHA512", 6, counter=5),
        account("steam", "Steam", "gaben", K[3]),
        account("totp", "Café ☕", "barista", K[5], digits=7),
    ],
    "skipped": [skip("missing_secret", "Broken", "nobody"),
                skip("unsupported_algorithm", "Legacy", "old")],
}
twofas_groups = [{"id": "grp-1", "name": "Money", "isExpanded": True}]


def twofas_file(services_field, encrypted=None, reference=None):
    doc = {"services": services_field, "groups": twofas_groups, "updatedAt": 1700000000000,
           "schemaVersion": 4, "appVersionCode": 5000017, "appVersionName": "5.3.5",
           "appOrigin": "android"}
    if encrypted is not None:
        doc["servicesEncrypted"] = encrypted
        doc["reference"] = reference
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def twofas_seal(password, salt, plaintext):
    key = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 10000, 32)
    iv = rand(12)
    ct = AESGCM(key).encrypt(iv, plaintext, None)  # tag appended
    return ":".join(base64.b64encode(x).decode() for x in (ct, salt, iv))


write("2fas/plain.2fas", twofas_file(services))
expect("2fas/plain.2fas", "2fas", twofas_expected)

PW_2FAS = "2fas-wachtwoord"
salt = rand(256)
plain = json.dumps(services, ensure_ascii=False).encode()
REFERENCE = b"tweestap fixture: a known text, as 2FAS encrypts its own reference string"
sealed = twofas_seal(PW_2FAS, salt, plain)
reference = twofas_seal(PW_2FAS, salt, REFERENCE)
write("2fas/encrypted.2fas", twofas_file([], sealed, reference))
expect("2fas/encrypted.2fas", "2fas", twofas_expected, PW_2FAS)
expect("2fas/encrypted.2fas", "2fas", {"error": "wrong_password"}, "not-the-password",
       "the reference does not open either: wrong password")

ct, s, iv = sealed.split(":")
raw = bytearray(base64.b64decode(ct))
raw[10] ^= 0x01
damaged = ":".join([base64.b64encode(bytes(raw)).decode(), s, iv])
write("2fas/corrupt_services.2fas", twofas_file([], damaged, reference))
expect("2fas/corrupt_services.2fas", "2fas", {"error": "integrity_error"}, PW_2FAS,
       "one bit of the services ciphertext flipped; the reference still opens")

# --- andOTP ----------------------------------------------------------------------------------
# github.com/andOTP/andOTP: Entry.toJSON(); encrypted backups (>= 0.6.3):
# iterations (u32 BE) || salt (12) || iv (12) || ciphertext || tag (16),
# key = PBKDF2WithHmacSHA1(password, salt, iterations, 256 bits). Older: key = SHA-256(password),
# iv (12) || ciphertext || tag.

A = [rand(16) for _ in range(6)]
andotp_entries = [
    {"secret": b32(A[0]), "issuer": "Mastodon", "label": "Mastodon:@ann@example.social",
     "digits": 6, "type": "TOTP", "algorithm": "SHA1", "thumbnail": "Mastodon",
     "last_used": 1700000000000, "used_frequency": 3, "period": 30, "tags": ["Social"]},
    {"secret": b32(A[1]), "issuer": "Work", "label": "piet", "digits": 8, "type": "HOTP",
     "algorithm": "SHA256", "thumbnail": "Default", "last_used": 0, "used_frequency": 0,
     "counter": 42, "tags": []},
    {"secret": b32(A[2]), "issuer": "Steam", "label": "gamer", "digits": 5, "type": "STEAM",
     "algorithm": "SHA1", "thumbnail": "Steam", "last_used": 0, "used_frequency": 0,
     "tags": []},
    {"secret": "ab12cd34ef56", "issuer": "mOTP", "label": "legacy", "digits": 6,
     "type": "MOTP", "algorithm": "MD5", "thumbnail": "Default", "last_used": 0,
     "used_frequency": 0, "period": 10, "tags": []},
    # An old backup: no issuer field, the issuer is the label's prefix.
    {"secret": b32(A[3]), "label": "Example:alice", "digits": 6, "type": "TOTP",
     "algorithm": "SHA512", "period": 45},
]
andotp_expected = {
    "accounts": [
        account("totp", "Mastodon", "@ann@example.social", A[0]),
        account("hotp", "Work", "piet", A[1], "SHA256", 8, counter=42),
        account("steam", "Steam", "gamer", A[2]),
        account("totp", "Example", "alice", A[3], "SHA512", 6, 45),
    ],
    "skipped": [skip("unsupported_type", "mOTP", "legacy")],
}
plain = json.dumps(andotp_entries).encode()
write("andotp/otp_accounts.json", json.dumps(andotp_entries, indent=2) + "\n")
expect("andotp/otp_accounts.json", "andotp", andotp_expected)

PW_ANDOTP = "andotp-secret"
iterations = 140000
salt, iv = rand(12), rand(12)
key = hashlib.pbkdf2_hmac("sha1", PW_ANDOTP.encode(), salt, iterations, 32)
blob = struct.pack(">I", iterations) + salt + iv + AESGCM(key).encrypt(iv, plain, None)
write("andotp/otp_accounts.json.aes", blob)
expect("andotp/otp_accounts.json.aes", "andotp", andotp_expected, PW_ANDOTP)
expect("andotp/otp_accounts.json.aes", "andotp", {"error": "wrong_password"}, "wrong")

iv = rand(12)
key = hashlib.sha256(PW_ANDOTP.encode()).digest()
write("andotp/old_format.json.aes", iv + AESGCM(key).encrypt(iv, plain, None))
expect("andotp/old_format.json.aes", "andotp", andotp_expected, PW_ANDOTP,
       "andOTP <= 0.6.2 layout: cannot be detected, the format must be named")

# --- Bitwarden -------------------------------------------------------------------------------
# bitwarden.com/help/export-your-data: unencrypted .json export; login.totp holds an
# otpauth:// URI, a bare base32 key, or steam://KEY.

B = [rand(20) for _ in range(4)]
bitwarden = {
    "encrypted": False,
    "folders": [{"id": "f0f0f0f0-0000-4000-8000-000000000001", "name": "Werk"}],
    "items": [
        {"id": "1", "organizationId": None, "folderId": "f0f0f0f0-0000-4000-8000-000000000001",
         "type": 1, "reprompt": 0, "name": "BLk portal", "notes": None, "favorite": True,
         "login": {"uris": [{"match": None, "uri": "https://example.nl"}],
                   "username": "jan@example.nl", "password": "hunter2",
                   "totp": "otpauth://totp/BLk:jan%40example.nl?secret=" + b32(B[0]) + "&issuer=BLk&digits=8&algorithm=SHA256"},
         "collectionIds": None},
        {"id": "2", "organizationId": None, "folderId": None, "type": 1, "reprompt": 0,
         "name": "Forum", "notes": None, "favorite": False,
         "login": {"uris": [], "username": "ann", "password": "pw",
                   "totp": " ".join(b32(B[1]).lower()[i:i + 4] for i in range(0, 32, 4))},
         "collectionIds": None},
        {"id": "3", "organizationId": None, "folderId": None, "type": 1, "reprompt": 0,
         "name": "Steam", "notes": None, "favorite": False,
         "login": {"username": "gaben", "password": "pw", "totp": "steam://" + b32(B[2])},
         "collectionIds": None},
        {"id": "4", "organizationId": None, "folderId": None, "type": 1, "reprompt": 0,
         "name": "No 2FA here", "notes": None, "favorite": False,
         "login": {"username": "x", "password": "y", "totp": None}, "collectionIds": None},
        {"id": "5", "organizationId": None, "folderId": None, "type": 2, "reprompt": 0,
         "name": "A note", "notes": "text", "favorite": False,
         "secureNote": {"type": 0}, "collectionIds": None},
        {"id": "6", "organizationId": None, "folderId": None, "type": 1, "reprompt": 0,
         "name": "Typo", "notes": None, "favorite": False,
         "login": {"username": "bob", "password": "pw", "totp": "NOT-BASE32!"},
         "collectionIds": None},
        {"id": "7", "organizationId": None, "folderId": None, "type": 1, "reprompt": 0,
         "name": "Counter", "notes": None, "favorite": False,
         "login": {"username": "carol", "password": "pw",
                   "totp": "otpauth://hotp/?secret=" + b32(B[3]) + "&counter=7"},
         "collectionIds": None},
    ],
}
write("bitwarden/export.json", json.dumps(bitwarden, indent=2) + "\n")
expect("bitwarden/export.json", "bitwarden", {
    "accounts": [
        account("totp", "BLk", "jan@example.nl", B[0], "SHA256", 8),
        account("totp", "Forum", "ann", B[1]),
        account("steam", "Steam", "gaben", B[2]),
        account("hotp", "Counter", "carol", B[3], counter=7),
    ],
    "skipped": [skip("invalid_secret", "Typo", "bob")],
})
write("bitwarden/encrypted.json", json.dumps({
    "encrypted": True, "passwordProtected": True, "salt": base64.b64encode(rand(16)).decode(),
    "kdfType": 0, "kdfIterations": 600000,
    "encKeyValidation_DO_NOT_EDIT": "2." + base64.b64encode(rand(16)).decode(),
    "data": "2." + base64.b64encode(rand(64)).decode()}, indent=2) + "\n")
expect("bitwarden/encrypted.json", "bitwarden", {"error": "unsupported_format"})

# --- otpauth link lists ----------------------------------------------------------------------
# github.com/google/google-authenticator/wiki/Key-Uri-Format; one link per line as FreeOTP,
# Ente and others export them; Aegis/andOTP write Steam as otpauth://steam/.

U = [rand(20) for _ in range(4)]
links = "\n".join([
    "# exported by an authenticator",
    "otpauth://totp/ACME%20Co:alice%2B2fa@example.com?secret=" + b32(U[0]) + "&issuer=ACME%20Co",
    "",
    "otpauth://hotp/Nextcloud:bob?secret=" + b32(U[1]) + "&counter=3&digits=8",
    "otpauth://totp/broken?secret=1234",
    "otpauth://steam/Steam:gamer?secret=" + b32(U[2]) + "&issuer=Steam",
    "  otpauth://totp/Wachtwoord%C3%ABn:jan?secret=" + b32(U[3]) + "&algorithm=SHA512&period=60  ",
    "",
])
write("uris/links.txt", links)
expect("uris/links.txt", "uris", {
    "accounts": [
        account("totp", "ACME Co", "alice+2fa@example.com", U[0]),
        account("hotp", "Nextcloud", "bob", U[1], digits=8, counter=3),
        account("steam", "Steam", "gamer", U[2]),
        account("totp", "Wachtwoordën", "jan", U[3], "SHA512", period=60),
    ],
    "skipped": [skip("invalid_secret", "", "broken")],
})

# --- andOTP, oldest labels -------------------------------------------------------------------
# The oldest andOTP backups have no issuer field and write the label as "Issuer - Issuer:name".

O = [rand(20) for _ in range(3)]
write("andotp/oldest_labels.json", json.dumps([
    {"secret": b32(O[0]), "label": "Deno - Deno:alice", "digits": 6, "type": "TOTP",
     "algorithm": "SHA1", "period": 30},
    # A dash that is part of the name stays.
    {"secret": b32(O[1]), "label": "Rock - Paper:bob", "digits": 6, "type": "TOTP",
     "algorithm": "SHA1", "period": 30},
    # An issuer with a dash of its own, written twice.
    {"secret": b32(O[2]), "label": "A - B - A - B:carol", "digits": 6, "type": "TOTP",
     "algorithm": "SHA1", "period": 30},
], indent=2) + "\n")
expect("andotp/oldest_labels.json", "andotp", {
    "accounts": [account("totp", "Deno", "alice", O[0]),
                 account("totp", "Rock - Paper", "bob", O[1]),
                 account("totp", "A - B", "carol", O[2])],
    "skipped": [],
})

# --- Duo Mobile ------------------------------------------------------------------------------
# Duo Mobile's files/duokit/accounts.json (the layout Aegis's DuoImporter reads): an array of
# {name, otpGenerator: {otpSecret (base32), counter (HOTP only)}, accountType, logoUri, ...};
# SHA1, 6 digits, 30 s.

D = [rand(20) for _ in range(3)]
write("duo/accounts.json", json.dumps([
    {"accountType": "OtpAccount", "name": "GitHub:octocat", "logoUri": "",
     "otpGenerator": {"otpSecret": b32(D[0])}},
    {"accountType": "OtpAccount", "name": "Dropbox",
     "otpGenerator": {"otpSecret": b32(D[1]).lower()}},
    {"accountType": "DuoAccount", "name": "University", "pkey": "DAXXXXXXXXXXXXXXXXXX",
     "otpGenerator": {"otpSecret": b32(D[2]), "counter": 12}},
    {"accountType": "OtpAccount", "name": "Broken", "otpGenerator": {"otpSecret": "1!"}},
    {"accountType": "OtpAccount", "name": "NoGenerator"},
], indent=2) + "\n")
expect("duo/accounts.json", "duo", {
    "accounts": [
        account("totp", "GitHub", "octocat", D[0]),
        account("totp", "", "Dropbox", D[1]),
        account("hotp", "", "University", D[2], counter=12),
    ],
    "skipped": [skip("invalid_secret", "", "Broken"), skip("missing_secret", "", "NoGenerator")],
})

# --- FreeOTP+ --------------------------------------------------------------------------------
# FreeOTP+'s JSON export (Settings > Export > JSON format): {"tokenOrder", "tokens": [{type,
# algo, digits, period, counter, secret (Java's signed bytes), issuerExt, issuerInt, label,
# issuerAlt, labelAlt}]}; Steam Guard is a TOTP token whose issuer is "Steam".

F = [rand(20) for _ in range(7)]


def signed(key):
    return [b - 256 if b > 127 else b for b in key]


write("freeotp-plus/export.json", json.dumps({
    "tokenOrder": ["GitHub:octocat", "Nextcloud:bob", "Bank:acct", "Steam:gamer"],
    "tokens": [
        {"algo": "SHA1", "counter": 0, "digits": 6, "issuerExt": "GitHub", "issuerInt": "GitHub",
         "label": "octocat", "period": 30, "secret": signed(F[0]), "type": "TOTP",
         "imageAlt": None, "issuerAlt": None, "labelAlt": None},
        {"algo": "SHA256", "counter": 3, "digits": 8, "issuerExt": None, "issuerInt": "Nextcloud",
         "label": "bob", "period": 30, "secret": signed(F[1]), "type": "HOTP"},
        {"algo": "SHA512", "counter": 0, "digits": 6, "issuerExt": "Bank", "issuerInt": "Bank",
         "label": "acct", "period": 60, "secret": signed(F[2]), "type": "TOTP",
         "issuerAlt": "My Bank", "labelAlt": "savings"},
        {"algo": "SHA1", "counter": 0, "digits": 5, "issuerExt": "Steam", "label": "gamer",
         "period": 30, "secret": signed(F[3]), "type": "TOTP"},
        {"algo": "SHA1", "counter": 0, "digits": 6, "issuerExt": "Broken", "label": "x",
         "period": 30, "secret": [1, 2, 300], "type": "TOTP"},
        {"algo": "MD5", "counter": 0, "digits": 6, "issuerExt": "Legacy", "label": "old",
         "period": 30, "secret": signed(F[4]), "type": "TOTP"},
        # Renamed: a Steam token stays Steam; a token renamed to "Steam" does not become one.
        {"algo": "SHA1", "counter": 0, "digits": 5, "issuerExt": "Steam", "label": "alt",
         "period": 30, "secret": signed(F[5]), "type": "TOTP", "issuerAlt": "My Steam"},
        {"algo": "SHA1", "counter": 0, "digits": 6, "issuerExt": "Forum", "label": "carol",
         "period": 30, "secret": signed(F[6]), "type": "TOTP", "issuerAlt": "Steam"},
    ]}, indent=2) + "\n")
expect("freeotp-plus/export.json", "freeotp-plus", {
    "accounts": [
        account("totp", "GitHub", "octocat", F[0]),
        account("hotp", "Nextcloud", "bob", F[1], "SHA256", 8, counter=3),
        account("totp", "My Bank", "savings", F[2], "SHA512", 6, 60),
        account("steam", "Steam", "gamer", F[3]),
        account("steam", "My Steam", "alt", F[5]),
        account("totp", "Steam", "carol", F[6]),
    ],
    "skipped": [skip("invalid_secret", "Broken", "x"),
                skip("unsupported_algorithm", "Legacy", "old")],
})

# --- Steam Desktop Authenticator ---------------------------------------------------------------
# An SDA .maFile: shared_secret (base64) and account_name beside the revocation code, the
# identity secret and a Session whose keys changed between SDA versions.

S = [rand(10) for _ in range(2)]
write("steam/old.maFile", json.dumps({
    "shared_secret": base64.b64encode(S[0]).decode(), "serial_number": "1234567890123456789",
    "revocation_code": "R12345", "uri": "otpauth://totp/Steam:gamer?secret=" + b32(S[0])
    + "&issuer=Steam", "server_time": 1700000000, "account_name": "gamer",
    "token_gid": "2a3b4c5d6e7f", "identity_secret": base64.b64encode(rand(20)).decode(),
    "secret_1": base64.b64encode(rand(20)).decode(), "status": 1,
    "device_id": "android:00000000-0000-0000-0000-000000000000", "fully_enrolled": True,
    "Session": {"SessionID": "abc", "SteamLogin": "x", "SteamLoginSecure": "y",
                "WebCookie": "z", "OAuthToken": "t", "SteamID": 76561190000000000}}) + "\n")
expect("steam/old.maFile", "steam", {"accounts": [account("steam", "Steam", "gamer", S[0])],
                                     "skipped": []})
write("steam/new.maFile", json.dumps({
    "shared_secret": base64.b64encode(S[1]).decode(), "account_name": "speedrunner",
    "revocation_code": "R67890", "identity_secret": base64.b64encode(rand(20)).decode(),
    "device_id": "android:11111111-1111-1111-1111-111111111111",
    "Session": {"SteamID": 76561190000000001, "AccessToken": "a", "RefreshToken": "r",
                "SessionID": None}}) + "\n")
expect("steam/new.maFile", "steam", {
    "accounts": [account("steam", "Steam", "speedrunner", S[1])], "skipped": []})
write("steam/no_secret.maFile", json.dumps({"shared_secret": "", "account_name": "ghost"}))
expect("steam/no_secret.maFile", "steam", {
    "accounts": [], "skipped": [skip("missing_secret", "Steam", "ghost")]})

write("expected.json", json.dumps({
    "description": "Expected result of importing each file (see README.md).",
    "generator": "gen.py",
    "time_note": "check.time and steam_check times are Unix seconds, T0 = 0",
    "files": EXPECTED}, indent=1, ensure_ascii=False) + "\n")
print("wrote", len(EXPECTED), "expectations")

"""Credentials for a remote store: where they come from, how they are sent, and how they stay secret.

A secret never comes from argv. `--user NAME` takes its password from `$KG_PUSH_PASSWORD` or a
netrc file (`$NETRC`, default `~/.netrc`); a bearer token comes from `$KG_PUSH_TOKEN` or a token
file. A netrc or token file that others can read or write is refused, as ftp(1) refuses such a
netrc. Credentials in a URL (`http://user:pass@host/…`) still work, but are taken out of the URL
before anything prints, logs, raises or stores it. Every message that may quote the store's
answer goes through `Credentials.redact`.
"""

from __future__ import annotations

import base64
import netrc
import re
import stat
from collections.abc import Generator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import quote, unquote, urlsplit, urlunsplit

import httpx

from kg.errors import StoreError

#: how a user name and password are sent (RFC 7617 Basic, RFC 7616 Digest), or a bearer token (RFC 6750)
AuthScheme = Literal["basic", "digest", "bearer"]
AUTH_SCHEMES: tuple[AuthScheme, ...] = ("basic", "digest", "bearer")
PASSWORD_VARIABLE = "KG_PUSH_PASSWORD"
TOKEN_VARIABLE = "KG_PUSH_TOKEN"
#: `Authorization: <scheme> <credentials>` quoted in a store's error page
_AUTHORIZATION = re.compile(r"(?i)(authorization\s*[:=]\s*)(\S+\s+)?\S+")
#: the userinfo of any URL in a text (`scheme://user:pass@`)
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/@\s]*@")


class BearerAuth(httpx.Auth):
    """`Authorization: Bearer <token>` on every request (RFC 6750 §2.1)."""

    def __init__(self, token: str) -> None:
        self._header = f"Bearer {token}"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = self._header
        yield request


@dataclass(frozen=True)
class Credentials:
    """How to authenticate to a store; `repr` shows no secret."""

    scheme: AuthScheme
    user: str = ""
    secret: str = ""

    def __repr__(self) -> str:
        return f"Credentials(scheme={self.scheme!r}, user={self.user!r}, secret=<hidden>)"

    def auth(self) -> httpx.Auth:
        """The httpx authentication for these credentials."""
        if self.scheme == "basic":
            return httpx.BasicAuth(self.user, self.secret)
        if self.scheme == "digest":
            return httpx.DigestAuth(self.user, self.secret)
        if self.scheme == "bearer":
            return BearerAuth(self.secret)
        raise StoreError(f"unknown authentication {self.scheme!r}", hint=f"use one of {', '.join(AUTH_SCHEMES)}")

    def redact(self, text: str) -> str:
        """The text without this secret (as it is, URL-quoted or in a Basic header) and without any userinfo."""
        return redact(text, self)


def redact(text: str, credentials: Credentials | None = None) -> str:
    """Take userinfo out of URLs, values out of `Authorization` headers, and the given secret out of a text."""
    text = _USERINFO.sub(r"\1", text)
    text = _AUTHORIZATION.sub(r"\1<hidden>", text)
    if credentials is not None and credentials.secret:
        basic = base64.b64encode(f"{credentials.user}:{credentials.secret}".encode()).decode("ascii")
        for form in sorted({credentials.secret, basic, quote(credentials.secret, safe="")}, key=len):
            text = text.replace(form, "<hidden>")
    return text


def split_url(url: str) -> tuple[str, str | None, str | None]:
    """The URL without its userinfo, and the user and password it held (None when absent)."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url, None, None
    userinfo, _, host = parts.netloc.rpartition("@")
    user, colon, password = userinfo.partition(":")
    clean = urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))
    return clean, unquote(user), unquote(password) if colon else None


def _private(file: Path, what: str) -> None:
    """Refuse a file that another user can read or write (mode 0600 or stricter is private)."""
    try:
        mode = file.stat().st_mode
    except OSError as exc:
        raise StoreError(f"cannot read the {what}: {exc.strerror}", file=file) from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise StoreError(
            f"the {what} can be read by other users (mode {stat.S_IMODE(mode):04o})",
            file=file,
            hint=f"chmod 600 {file}",
        )


def netrc_path(environ: Mapping[str, str]) -> Path:
    """`$NETRC`, or `~/.netrc` (curl's and Python's default)."""
    return Path(environ["NETRC"]) if environ.get("NETRC") else Path.home() / ".netrc"


def read_netrc(file: Path, host: str, user: str | None) -> tuple[str, str] | None:
    """The login and password a netrc file holds for `host` (or its `default`), if its login is `user`."""
    if not file.is_file():
        return None
    _private(file, "netrc file")
    try:
        entry = netrc.netrc(str(file)).authenticators(host)
    except netrc.NetrcParseError as exc:
        raise StoreError(f"not a netrc file: {exc.msg}", file=file, line=exc.lineno) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise StoreError(f"cannot read the netrc file: {exc}", file=file) from None
    if entry is None:
        return None
    login, _, password = entry
    if user is not None and login and login != user:
        return None
    return login or (user or ""), password or ""


def read_token_file(file: Path) -> str:
    """The bearer token in a private file (its first line, without surrounding whitespace)."""
    _private(file, "token file")
    try:
        token = file.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise StoreError(f"cannot read the token file: {exc}", file=file) from None
    if not token or "\n" in token:
        raise StoreError("the token file must hold one token on one line", file=file)
    return token


def credentials_for(
    url: str,
    *,
    user: str | None,
    scheme: AuthScheme | None,
    token_file: Path | None,
    use_netrc: bool,
    environ: Mapping[str, str],
) -> tuple[str, Credentials | None, bool]:
    """The URL without userinfo, the credentials to send, and whether the URL held credentials.

    Sources, one at a time: the URL's userinfo; `user` with `$KG_PUSH_PASSWORD` or the netrc file;
    `use_netrc` alone (login and password from the netrc file); a bearer token (`scheme` "bearer")
    from `token_file` or `$KG_PUSH_TOKEN`. Nothing given: None (no authentication).
    """
    clean, url_user, url_password = split_url(url)
    in_url = url_user is not None
    host = urlsplit(clean).hostname or ""
    if token_file is not None:
        scheme = scheme or "bearer"
    if scheme == "bearer":
        if user is not None or in_url or use_netrc:
            raise StoreError("a bearer token replaces a user name and password: give one of them, not both")
        token = read_token_file(token_file) if token_file is not None else environ.get(TOKEN_VARIABLE, "")
        if not token:
            raise StoreError(
                "--auth bearer needs a token", hint=f"set ${TOKEN_VARIABLE} or pass --token-file FILE (mode 0600)"
            )
        return clean, Credentials("bearer", secret=token), False
    if token_file is not None:
        raise StoreError("--token-file goes with --auth bearer")
    if in_url:
        if user is not None or use_netrc:
            raise StoreError("the URL holds credentials and --user or --netrc gives others: give one of them")
        return clean, Credentials(scheme or "basic", url_user or "", url_password or ""), True
    if user is None and not use_netrc:
        if scheme is not None:
            raise StoreError(f"--auth {scheme} needs --user NAME (or --netrc)")
        return clean, None, False
    password = environ.get(PASSWORD_VARIABLE) if user is not None else None
    if password is None:
        found = read_netrc(netrc_path(environ), host, user)
        if found is None:
            raise StoreError(
                f"no password for {user or 'any user'} at {host}",
                hint=f"set ${PASSWORD_VARIABLE}, or add `machine {host} login {user or 'NAME'} password …` "
                f"to {netrc_path(environ)} (mode 0600); a password is never taken from the command line",
            )
        user, password = found
    return clean, Credentials(scheme or "basic", user or "", password), False

"""Single sign-on with OpenID Connect (e.g. Microsoft Entra ID), through Authlib's Flask
client (Authlib is kept and does the protocol: discovery, state, nonce, the code exchange,
the ID token's signature and claims).

Configured by OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET (docs/integrations.md);
the login page offers it when they are set. Who someone is comes from the ID token:
matched to an account by e-mail (only a verified e-mail, so that a provider account with
someone else's address cannot take over theirs); an unknown e-mail gets an account on its
first login, its role from the group claim (OIDC_GROUPS_CLAIM, mapped by OIDC_ROLE_MAP
"group=role,…"; the highest mapped role wins; else OIDC_DEFAULT_ROLE, and with that empty no
account is made). Deactivated accounts stay out. Passwords stay for those who have them,
unless an admin switches a user's password login off.
"""

from __future__ import annotations

from collections.abc import Mapping

from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app

from app.models import Role

oauth = OAuth()
NAME = "sso"
ROLE_ORDER = [Role.WALKER, Role.FIXER, Role.MANAGER, Role.ADMIN]


def init_app(app: Flask) -> None:
    oauth.init_app(app)


def enabled(config: Mapping) -> bool:
    return bool(config.get("OIDC_ISSUER") and config.get("OIDC_CLIENT_ID"))


def client():
    """The provider's client, (re)registered when the settings changed (tests change them)."""
    config = current_app.config
    settings = (config["OIDC_ISSUER"].rstrip("/"), config["OIDC_CLIENT_ID"],
                config.get("OIDC_CLIENT_SECRET") or "")
    registered = current_app.extensions.get("trygg_sso_settings")
    if registered != settings:
        issuer, client_id, secret = settings
        oauth.register(
            NAME, overwrite=True, client_id=client_id, client_secret=secret,
            server_metadata_url=f"{issuer}/.well-known/openid-configuration",
            client_kwargs={"scope": "openid email profile", "timeout": 10},
        )
        oauth._clients.pop(NAME, None)  # forget the client made with the old settings
        current_app.extensions["trygg_sso_settings"] = settings
    return oauth.create_client(NAME)


def role_map(text: str) -> dict[str, Role]:
    """'trygg-admins=admin, trygg-managers=manager' → {group: role}; unknown roles ignored."""
    mapping = {}
    for part in (text or "").split(","):
        group, _, role = part.partition("=")
        if group.strip() and role.strip() in {r.value for r in Role}:
            mapping[group.strip()] = Role(role.strip())
    return mapping


def role_for(claims: Mapping, config: Mapping) -> Role | None:
    """The role a new user gets from their groups; None: no account for them."""
    groups = claims.get(config.get("OIDC_GROUPS_CLAIM") or "groups") or []
    if isinstance(groups, str):
        groups = [groups]
    mapping = role_map(config.get("OIDC_ROLE_MAP", ""))
    roles = [mapping[g] for g in groups if isinstance(g, str) and g in mapping]
    if roles:
        return max(roles, key=ROLE_ORDER.index)
    default = (config.get("OIDC_DEFAULT_ROLE") or "").strip()
    return Role(default) if default in {r.value for r in Role} else None

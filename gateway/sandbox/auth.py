"""Who is calling: the token from `x-api-token`, `Authorization: Bearer` or `?api_token=`.

API tokens are accepted in the header and in the query parameter (the historical form, still
accepted here: UNCONFIRMED upstream); OAuth access tokens only as `Bearer`. When several are
sent, the header wins over Bearer, which wins over the query. A missing, unknown or
wrong-kind token, or one of a deactivated user, is the documented 401.
"""

from dataclasses import dataclass

from starlette.requests import Request

from gateway.sandbox.errors import unauthorized
from gateway.sandbox.store import EntityRepository, TokenKind

API_TOKEN_HEADER = "x-api-token"
API_TOKEN_QUERY = "api_token"
BEARER_PREFIX = "bearer "


@dataclass(frozen=True)
class Caller:
    """The authenticated user. `token` keys the burst limit and is never recorded or logged."""

    company_id: int
    user_id: int
    is_admin: bool
    token: str


def authenticate(request: Request, entities: EntityRepository) -> Caller:
    """The caller behind the request's credential, or ApiError 401."""
    token, kind = _credential(request)
    owner = entities.token_owner(token, kind) if token else None
    if owner is None:
        raise unauthorized()
    return Caller(owner["company_id"], owner["user_id"], bool(owner["is_admin"]), token)


def _credential(request: Request) -> tuple[str, TokenKind]:
    header = request.headers.get(API_TOKEN_HEADER)
    if header:
        return header, "api_token"
    authorization = request.headers.get("authorization")
    if authorization is not None:
        if authorization.lower().startswith(BEARER_PREFIX):
            return authorization[len(BEARER_PREFIX) :].strip(), "oauth"
        return "", "oauth"
    return request.query_params.get(API_TOKEN_QUERY, ""), "api_token"

"""How the API describes itself (OpenAPI 3, through drf-spectacular), so that a client
generated from /api/schema/ works as generated.

- Request bodies are offered as JSON only. The server still reads form posts (the browsable
  API's forms), but a generator given one model under three media types writes a client that
  sends the wrong body.
- Every status the server answers is declared, the errors with the one `Error` shape.
- Anonymous access is declared where it is allowed (reads, and the token endpoint): the
  schema's own `security` makes signing in optional, and only the operations that need it
  (writes, the reminder ledger) declare their own, so a generated client reads and gets a
  token without one.
- A custom action's operation id is its address (`agenda_items_defer`, `actions_sign_off`).
- Fields that are null for some readers (a shell's, or a person's email for the public) are
  nullable in the responses (`Meta.nullable_when_served`), not in the requests.
- A field whose change is an event (`Meta.events`) says which action changes it.

The settings name `AutoSchema`; nothing here may import the views at module level.
"""

import inspect

from drf_spectacular import openapi
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import permissions

ERROR_SCHEMA = {
    "type": "object",
    "description": "Every error answer. A refused request (400) names each field it refuses "
    "with that field's messages (`non_field_errors` for the request as a whole, a filter's "
    "name for a query it cannot use); any other error, and a body that cannot be read, has "
    "`detail`.",
    "properties": {"detail": {"type": "string", "description": "What went wrong."}},
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}

ERRORS = {
    "400": "The request was refused: the fields or filters named say why.",
    "401": "Not signed in (a write), or the token sent is not valid: send "
    "`Authorization: Token <token>` from /api/auth/token/.",
    "403": "Signed in, but not allowed to do this; `detail` says who may.",
    "404": "No such thing, or one the reader may not see (or a page past the last).",
    "409": "It conflicts with what is recorded: a delete that would orphan records (withdraw "
    "an action instead), or a change that clashes with one made meanwhile.",
    "429": "Too many requests from this address (anonymous reads, token requests); "
    "`detail` says when to try again.",
}

# The schema's own security (see `declare_optional_sign_in`): either way in, or neither.
OPTIONAL_SIGN_IN = [{"tokenAuth": []}, {"cookieAuth": []}, {}]

STANDARD_ACTIONS = {"list", "retrieve", "create", "update", "partial_update", "destroy"}


class AutoSchema(openapi.AutoSchema):
    def map_parsers(self):
        return ["application/json"]

    def custom_action(self):
        name = getattr(self.view, "action", None)
        if name in STANDARD_ACTIONS or name is None:
            return None
        handler = getattr(self.view, name, None)
        return handler if hasattr(handler, "mapping") else None

    def get_operation_id(self):
        if self.custom_action() is not None:
            return "_".join(t.replace("-", "_") for t in self._tokenize_path())
        return super().get_operation_id()

    def allows_anonymous(self) -> bool:
        from tracker.api.views import ChangeRules

        kinds = [type(p) for p in self.view.get_permissions()]
        if not kinds or permissions.AllowAny in kinds:
            return True
        return self.method in permissions.SAFE_METHODS and all(
            issubclass(kind, (ChangeRules, permissions.IsAuthenticatedOrReadOnly)) for kind in kinds
        )

    def get_auth(self):
        auths = [auth for auth in super().get_auth() if auth]  # registers the schemes too
        return [] if self.allows_anonymous() else auths

    def get_description(self):
        # The handler's own docstring, else the view's own: never one inherited from the
        # mixins, which speak to developers (caching, transactions), not to integrators.
        view = type(self.view)
        handler = getattr(view, getattr(self.view, "action", None) or self.method.lower(), None)
        own = (handler.__doc__ if handler else None) or vars(view).get("__doc__") or ""
        description = inspect.cleandoc(own)
        events = getattr(getattr(self.get_request_serializer(), "Meta", None), "events", {})
        if events and self.method in ("PUT", "PATCH", "POST") and self.custom_action() is None:
            lines = [f"- `{name}`: {how}" for name, how in events.items()]
            description += (
                "\n\nThese fields change only as events, through their own actions; sent "
                "with another value they are refused (400):\n" + "\n".join(lines)
            )
        return description.strip()

    def error_codes(self) -> list[str]:
        safe = self.method in permissions.SAFE_METHODS
        detail = "{" in self.path
        anonymous = self.allows_anonymous()
        codes = {"401"}
        if not self.view.get_permissions():  # the token endpoint
            return ["400", "401", "429"]
        if safe:
            if not detail:
                codes |= {"400", "404"}  # filters; a page past the last
        else:
            codes |= {"400", "409"} if self.method != "DELETE" else {"409"}
        if detail:
            codes.add("404")
        if not anonymous:
            codes.add("403")
        if anonymous and (safe or not self.view.get_permissions()):
            codes.add("429")
        return sorted(codes)

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        component = ResolvedComponent(
            name="Error", type=ResolvedComponent.SCHEMA, object="Error", schema=ERROR_SCHEMA
        )
        self.registry.register_on_missing(component)
        for code in self.error_codes():
            responses.setdefault(
                code,
                {
                    "content": {"application/json": {"schema": component.ref}},
                    "description": ERRORS[code],
                },
            )
        return responses

    def _map_basic_serializer(self, serializer, direction):
        schema = self._map_fields_as_served(serializer, direction)
        if not vars(type(serializer)).get("__doc__"):
            schema.pop("description", None)  # not an inherited docstring for developers
        return schema

    def _map_fields_as_served(self, serializer, direction):
        nullable = getattr(getattr(serializer, "Meta", None), "nullable_when_served", ())
        if direction != "response" or not nullable:
            return super()._map_basic_serializer(serializer, direction)
        fields = serializer.fields
        changed = [name for name in nullable if name in fields and not fields[name].allow_null]
        for name in changed:
            fields[name].allow_null = True
        try:
            return super()._map_basic_serializer(serializer, direction)
        finally:
            for name in changed:
                fields[name].allow_null = False


def declare_optional_sign_in(result, generator, request, public):
    """Post-processing hook: signing in is optional unless an operation says otherwise."""
    result["security"] = OPTIONAL_SIGN_IN
    return result

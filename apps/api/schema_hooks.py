"""Changes to the generated OpenAPI schema that no serializer can express.

``document_call_answers``: every library's ``POST /api/v1/<library>/`` accepts ``"call": <id>``
(``apps.api.calls.CallAnswerMixin``), read by the API layer before the library's serializer.
The request body of that one operation becomes ``<Library>CreateRequest``: the library's
request schema with ``call`` added, so that PUT and PATCH, which take no call, keep theirs.
"""

from __future__ import annotations

from apps.sharing.registry import libraries

CALL = {
    "type": "integer",
    "nullable": True,
    "writeOnly": True,
    "description": (
        "响应的征集编号（可选）：资源创建的同时记为本单位对该征集的响应；征集不存在、不可见、"
        "已截止、不征集此类资源或未邀请本单位时返回 400（errors 中的 call），什么也不创建。"
        " Optional: the call for contributions (征集) this resource answers. The resource and"
        " its answer are recorded together; a call that is unknown, out of sight, closed, not"
        " asking for this kind or not inviting the owner answers 400 naming `call`, and"
        " nothing is created."
    ),
}


def document_call_answers(result, generator, request, public):
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    for library in libraries():
        operation = result["paths"].get(f"/api/v1/{library.key}/", {}).get("post")
        if operation is None:
            continue
        for body in operation.get("requestBody", {}).get("content", {}).values():
            ref = body.get("schema", {}).get("$ref", "")
            name = ref.rsplit("/", 1)[-1]
            if not name.endswith("Request"):
                continue
            created = f"{name[: -len('Request')]}CreateRequest"
            schemas[created] = {
                "allOf": [{"$ref": ref}, {"type": "object", "properties": {"call": CALL}}]
            }
            body["schema"] = {"$ref": f"#/components/schemas/{created}"}
    return result

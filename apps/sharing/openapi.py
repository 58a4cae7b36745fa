"""What the OpenAPI schema says beyond each endpoint's own body: the headers and the errors.

Documentation only — nothing here changes what the API does. Every endpoint's annotation goes
through :func:`endpoint`, which adds the same things the same way:

- request headers: ``Accept-Language`` always; ``If-Match`` on changes to a resource
  (``if_match=True``: with an API token it is required, 428 without it, 412 when stale);
  ``Idempotency-Key`` on POSTs (``idempotent=True``: with an API token it is required, 400
  without it, 409 while the first request runs, 422 when reused for another request);
- response headers: ``ETag`` where the body is a resource, ``Idempotent-Replayed`` on replays,
  ``WWW-Authenticate`` on 401, ``Retry-After`` on 429;
- the errors, as ``application/problem+json`` bodies of the ``Problem`` component with Chinese
  examples: 400, 401 and 429 on every endpoint (bad input refused at the edge, sign-in
  required, per-token rate limit), the ones the flags above imply, and those the endpoint
  names (404 out of reach, 403 role, 409 status…).

Descriptions are plain bilingual text (Chinese first), not translated strings: the schema
reads the same whatever the request's language.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers

PROBLEM_CONTENT_TYPE = "application/problem+json"


class ProblemSerializer(serializers.Serializer):
    """An error (RFC 9457 problem details), in the request's language (Chinese by default).
    错误说明（RFC 9457），语言随 Accept-Language，默认中文。"""

    type = serializers.CharField(help_text="始终为 about:blank。Always about:blank.")
    title = serializers.CharField(help_text="状态码的简短说明。Short meaning of the status code.")
    status = serializers.IntegerField(help_text="HTTP 状态码。The HTTP status code.")
    detail = serializers.CharField(help_text="具体原因。What went wrong.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=(
            "按字段列出的问题（仅在与具体字段有关时出现）；与字段无关的在 non_field_errors。"
            " Problems per field, when there are any; those about no single field are under"
            " non_field_errors."
        ),
    )


def _problem(status: int, title: str, detail: str, errors: dict | None = None) -> dict:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    if errors:
        body["errors"] = errors
    return body


# Chinese bodies, as the API answers them by default (copied from real answers).
EXAMPLES: dict[int, list[OpenApiExample]] = {
    400: [
        OpenApiExample(
            "field-errors",
            summary="字段错误 Field errors",
            value=_problem(
                400,
                "请求无效",
                "部分字段缺失或无效。",
                {"title": ["该字段不能为空。"], "year": ["请填写合法的整数值。"]},
            ),
        ),
        OpenApiExample(
            "incomplete",
            summary="内容不完整，不能送审 Not complete enough to review",
            value=_problem(
                400,
                "请求无效",
                "资源信息不完整，暂不能送审。",
                {"background": ["此项为必填项。"], "domains": ["请至少选择一个专题领域。"]},
            ),
        ),
    ],
    401: [
        OpenApiExample(
            "no-credentials",
            summary="未提供凭据 No credentials",
            value=_problem(401, "需要登录或提供令牌", "身份认证信息未提供。"),
        ),
        OpenApiExample(
            "invalid-token",
            summary="令牌无效 Invalid token",
            value=_problem(401, "需要登录或提供令牌", "API 令牌无效。"),
        ),
    ],
    403: [
        OpenApiExample(
            "role",
            summary="角色不允许 Role does not allow it",
            value=_problem(403, "无权操作", "只有中共佛山市委党校的审核员可以按此范围发布。"),
        ),
        OpenApiExample(
            "read-only-token",
            summary="只读令牌 Read-only token",
            value=_problem(403, "无权操作", "该 API 令牌为只读令牌。"),
        ),
    ],
    404: [
        OpenApiExample(
            "not-found",
            summary="不存在或不可见 Missing or out of reach",
            value=_problem(404, "未找到", "未找到。"),
        ),
    ],
    409: [
        OpenApiExample(
            "status",
            summary="当前状态不允许 Not in this status",
            value=_problem(409, "与当前状态冲突", "只有草稿和已退回的资源可以提交。"),
        ),
    ],
    412: [
        OpenApiExample(
            "stale-etag",
            summary="版本已过期 Stale ETag",
            value=_problem(412, "前提条件不满足", "该资源已被他人修改，请刷新后重试。"),
        ),
    ],
    422: [
        OpenApiExample(
            "key-reused",
            summary="幂等键已用于其他请求 Idempotency-Key reused",
            value=_problem(
                422,
                "无法处理的请求",
                "该 Idempotency-Key 已用于另一个不同的请求。",
            ),
        ),
    ],
    428: [
        OpenApiExample(
            "no-if-match",
            summary="缺少 If-Match Missing If-Match",
            value=_problem(
                428,
                "缺少前提条件",
                "请在 If-Match 请求头中带上最近读取的 ETag：使用 API 令牌修改时必须提供。",
            ),
        ),
    ],
    429: [
        OpenApiExample(
            "rate-limit",
            summary="超过令牌限额 Over the token's rate limit",
            value=_problem(429, "请求过于频繁", "请求已被限流。 预计 60 秒后可用。"),
        ),
    ],
}

MISSING_KEY = OpenApiExample(
    "no-idempotency-key",
    summary="使用令牌的 POST 缺少 Idempotency-Key (token POST without a key)",
    value=_problem(
        400, "请求无效", "使用 API 令牌发出的每个 POST 请求都须带 Idempotency-Key 请求头。"
    ),
)
KEY_IN_FLIGHT = OpenApiExample(
    "key-in-flight",
    summary="同一幂等键的请求仍在处理 Same key still in flight",
    value=_problem(
        409,
        "与当前状态冲突",
        "使用该 Idempotency-Key 的请求仍在处理中，请稍后重试。",
    ),
)

DESCRIPTIONS = {
    400: (
        "请求无效：字段问题按字段列在 errors 中；路径或查询参数含控制字符（如 NUL）的请求也是 400。"
        " Invalid request; problems per field in errors. Any request whose path or query"
        " parameters hold a control character (such as NUL) is refused with 400 too."
    ),
    401: (
        "未登录，或令牌无效、过期、已吊销（响应带 WWW-Authenticate: Bearer）。"
        " No credentials, or the token is invalid, expired or revoked."
    ),
    403: (
        "看得到，但您的角色不允许这样做；只读令牌的任何修改也是 403。"
        " Visible, but your role may not do this; any change with a read-only token."
    ),
    404: (
        "不存在，或不在您的可见范围内（从不以 403 暴露其存在）。"
        " Missing, or outside your reach (never 403, so nothing is revealed)."
    ),
    409: "当前状态下不能这样做。Not possible in the resource's current status.",
    412: (
        "If-Match 中的 ETag 已过期：资源已被他人修改，什么也没有改变；请重新读取。"
        " The If-Match ETag is stale: someone changed it first; nothing changed, read it again."
    ),
    422: (
        "该 Idempotency-Key 已用于另一个不同的请求，什么也没有做。"
        " This Idempotency-Key was used for a different request; nothing was done."
    ),
    428: (
        "使用 API 令牌修改时必须带 If-Match（上次读取的 ETag）。"
        " With an API token, changes need If-Match (the ETag you last read)."
    ),
    429: (
        "超过令牌的请求频率限额；按 Retry-After（秒）等待后再试。"
        " Over the token's rate limit; wait Retry-After seconds."
    ),
}

# ---- headers --------------------------------------------------------------------------------

ACCEPT_LANGUAGE = OpenApiParameter(
    "Accept-Language",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=(
        "标签和错误信息的语言：默认中文（zh-hans），可选 en。"
        " Language of labels and error messages: Chinese by default, or en."
    ),
    examples=[OpenApiExample("English", value="en")],
)
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=(
        '上次读取到的 ETag（如 "3"，含引号）。使用 API 令牌时必填（缺少则 428）；'
        '已过期则 412，什么也不改变。"*" 表示不检查版本。'
        ' The ETag last read (e.g. "3", quotes included). Required with an API token (428'
        ' without it); a stale one answers 412 and changes nothing. "*" skips the check.'
    ),
    examples=[OpenApiExample("第 3 版 Version 3", value='"3"')],
)
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    {"type": "string", "minLength": 1, "maxLength": 255},
    OpenApiParameter.HEADER,
    description=(
        "每次新的 POST 用一个新的唯一值（如 UUID）；使用 API 令牌时必填（缺少则 400）。"
        "网络中断后用同一个键和同样的内容重发，只会得到第一次的响应，不会重复创建；"
        "同一个键用于不同内容则 422。会话（网页）请求不需要。"
        " A new unique value (e.g. a UUID) per new POST; required with an API token (400"
        " without it). Retrying with the same key and body replays the first answer and does"
        " nothing again; the same key with another body answers 422. Not needed in a session."
    ),
    examples=[OpenApiExample("UUID", value="0b6f8f1e-6c1a-4d8e-9a55-3f2d7c1e9b40")],
)

ETAG = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200, 201],
    required=True,
    description=(
        "资源当前版本，修改时放进 If-Match。The resource's version: send it back in If-Match."
    ),
)
IDEMPOTENT_REPLAYED = OpenApiParameter(
    "Idempotent-Replayed",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200, 201],
    enum=["true"],
    description=(
        "这是同一 Idempotency-Key 第一次请求的响应重放，没有再做任何事。"
        " This answer replays the first request with the same Idempotency-Key."
    ),
)
WWW_AUTHENTICATE = OpenApiParameter(
    "WWW-Authenticate",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[401],
    required=True,
    enum=["Bearer"],
    description="使用 Authorization: Bearer <令牌>。Use Authorization: Bearer <token>.",
)
RETRY_AFTER = OpenApiParameter(
    "Retry-After",
    OpenApiTypes.INT,
    OpenApiParameter.HEADER,
    response=[429],
    required=True,
    description="需等待的秒数。Seconds to wait before trying again.",
)
CONTENT_DISPOSITION = OpenApiParameter(
    "Content-Disposition",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200],
    required=True,
    description="附件文件名（RFC 6266，含中文文件名）。The file name (RFC 6266).",
)


# ---- the helpers ----------------------------------------------------------------------------


def problem(status: int, description: str | None = None, examples=None) -> OpenApiResponse:
    return OpenApiResponse(
        ProblemSerializer,
        description=description or DESCRIPTIONS[status],
        examples=examples if examples is not None else EXAMPLES[status],
    )


def problems(*codes: int, if_match: bool = False, idempotent: bool = False) -> dict:
    """The problem+json responses of an endpoint: ``codes``, those the headers imply, 400 (bad
    input is refused at the edge, ``apps.api.edge``), 401, 429."""
    wanted = {*codes, 400, 401, 429}
    if if_match:
        wanted |= {412, 428}
    if idempotent:
        wanted |= {400, 409, 422}
    responses = {}
    for status in sorted(wanted):
        description, examples = DESCRIPTIONS[status], list(EXAMPLES[status])
        if idempotent and status == 400:
            description += " 使用令牌的 POST 缺少 Idempotency-Key 也是 400。Also: no key."
            examples.append(MISSING_KEY)
        if idempotent and status == 409:
            if 409 in codes:
                description += " 同一 Idempotency-Key 的请求仍在处理也是 409。Also: key in flight."
                examples.append(KEY_IN_FLIGHT)
            else:
                description = (
                    "同一 Idempotency-Key 的前一个请求仍在处理中，请稍后重试。"
                    " A request with this Idempotency-Key is still running; retry later."
                )
                examples = [KEY_IN_FLIGHT]
        responses[(status, PROBLEM_CONTENT_TYPE)] = problem(status, description, examples)
    return responses


def endpoint(
    *codes: int,
    responses: dict,
    if_match: bool = False,
    idempotent: bool = False,
    etag: bool = False,
    parameters: list | None = None,
    **kwargs,
):
    """``extend_schema`` for one endpoint: its answers and its headers.

    ``responses`` are the endpoint's own answers: its success, and any problem it describes
    more precisely than the default (those win). ``codes`` are the problems particular to the
    endpoint (404 when it names a resource, 403 when a role may be refused, 409 for a status
    conflict…); 400, 401 and 429 are always added, and those ``if_match``/``idempotent`` imply (see
    the module). ``etag``: the success answer carries the resource's ETag.
    """
    params = [ACCEPT_LANGUAGE, *(parameters or [])]
    if if_match:
        params.append(IF_MATCH)
    if idempotent:
        params += [IDEMPOTENCY_KEY, IDEMPOTENT_REPLAYED]
    if etag:
        params.append(ETAG)
    params += [WWW_AUTHENTICATE, RETRY_AFTER]
    answers = {**problems(*codes, if_match=if_match, idempotent=idempotent), **responses}
    return extend_schema(parameters=params, responses=answers, **kwargs)

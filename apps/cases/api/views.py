from drf_spectacular.utils import OpenApiExample

from apps.sharing.api import ReviewActionsMixin, SharedResourceViewSet, library_schema

from ..filtersets import CaseFilterSet
from ..models import Case
from .serializers import CaseSerializer

CASE_BY_A_DEPARTMENT = {
    "owner": "440600-fgj",
    "title": "投资项目审批“一网通办”改革",
    "background": "市发展改革局牵头，将投资项目审批事项整合到一个平台办理……",
    "key_issues": "部门协同与数据共享；审批提速与风险防控的平衡。",
    "teaching_notes": "适用于营商环境专题班，建议 2 课时。",
    "discussion_questions": "1. 改革的关键障碍是什么？\n2. 如何把经验推广到镇街？",
    "domains": ["business-environment"],
    "industry": "政务服务",
    "place": "440604",
    "year": 2025,
    "contributing_department": "440600-fgj",
}


@library_schema(
    CaseSerializer,
    create={
        "description": (
            "职能部门（如 440600-fgj）创建的案例直接提交市委党校审核：返回 201，status 为"
            " pending，scope 为 network；内容不完整则 400，什么也不创建。党校创建的是草稿。"
            " A partner department's case is created and submitted for network review in one"
            " step (201, pending); an incomplete one answers 400 and nothing is created. A"
            " school's case starts as a draft."
        ),
        "examples": [
            OpenApiExample(
                "department-submits",
                summary="职能部门报送案例 A department submits",
                value=CASE_BY_A_DEPARTMENT,
            )
        ],
    },
    partial_update={
        "description": (
            "只发送要改的字段。职能部门可在待审核时修改（仍待审核），被退回后修改即重新提交"
            "（rejected → pending）。Send only the fields to change. A department may correct"
            " its case while pending; correcting a rejected one submits it again."
        ),
        "examples": [
            OpenApiExample(
                "correct-background",
                summary="补充背景 Correct the background",
                value={"background": "补充了 2025 年办件量和平均审批时长的数据。"},
            )
        ],
    },
)
class CaseViewSet(ReviewActionsMixin, SharedResourceViewSet):
    """案例库 — the case library."""

    model = Case
    serializer_class = CaseSerializer
    filterset_class = CaseFilterSet
    select = ("place", "contributing_department")
    prefetch = ("domains",)

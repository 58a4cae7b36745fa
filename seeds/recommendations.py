"""向上推荐 in the demo: districts recommend their towns' good courses to the city.

Four courses of two street schools (祖庙街道党校 in 禅城, 桂城街道党校 in 南海), written by
their teachers, submitted to their district and published there by the district's curator.
Each district's curator then recommends both to the city with a note. The municipal curator
has accepted one of each district's (published city-wide: the demo shows both credits, 来源
the street school and 推荐 the district); the other waits in the municipal review queue
beside the submissions.

Everything goes through the services (create, submit, publish, recommend), as a person's
would: recorded in the audit trail, announced to the people concerned. A second run adds
nothing (each course is found by its owner and title).
"""

from __future__ import annotations

from decimal import Decimal

from apps.courses.models import Course
from apps.organizations.models import Organization
from apps.sharing import services
from apps.sharing.choices import Scope
from apps.taxonomy.models import CourseKind, TeachingMethod, ThematicDomain

from .demo import DEMO_MARK

CITY = "muni_curator"

# owner, author, the district's curator, accepted by the city?, title, summary, outline,
# domains, kind, methods, hours, audience, the district's note
COURSES = [
    (
        "440604010",
        "zumiao_teacher",
        "chancheng_curator",
        True,
        "老城区“三旧”改造中的群众工作",
        "以祖庙街道老旧小区和旧厂房改造为例，讲清征求意见、利益平衡和矛盾化解的方法。",
        "一、改造前的入户调研\n二、议事协商的组织\n三、典型矛盾的化解\n四、研讨：本社区怎么办",
        ["business-environment"],
        "case-teaching",
        ["structured-discussion"],
        "3",
        "镇街和社区的党员领导干部",
        "区内 6 所镇街党校已复用，学员评价 4.8 分，基层做法可供全市借鉴。",
    ),
    (
        "440604010",
        "zumiao_teacher",
        "chancheng_curator",
        False,
        "街道“小升规”企业服务专员工作法",
        "总结祖庙街道服务专员帮助小微工业企业升规入统的做法、台账和考核。",
        "一、服务专员制度\n二、企业培育台账\n三、政策包的送达\n四、案例研讨",
        ["industrial-system"],
        "lecture",
        ["after-class-review"],
        "2",
        "镇街经济发展部门干部",
        "紧扣制造业当家，实操性强，建议作为全市镇街经济干部专题班课程。",
    ),
    (
        "440605011",
        "guicheng_teacher",
        "nanhai_curator",
        True,
        "广佛同城背景下的街道产业招商",
        "以桂城街道承接广州产业外溢为线索，讲授招商引资的研判、谈判与落地服务。",
        "一、广佛同城的机遇\n二、产业链招商图谱\n三、项目落地全流程服务\n四、情景模拟",
        ["industrial-system", "business-environment"],
        "case-teaching",
        ["industry-map", "scenario-simulation"],
        "3",
        "镇街招商和经济部门干部",
        "南海区主体班连续三期使用，内容鲜活，推荐全市共享。",
    ),
    (
        "440605011",
        "guicheng_teacher",
        "nanhai_curator",
        False,
        "千灯湖创投小镇的金融服务实体经济",
        "剖析千灯湖创投小镇如何以基金集聚服务本地制造业企业的技术改造和上市培育。",
        "一、创投小镇的由来\n二、基金与企业的对接机制\n三、风险防控\n四、课后复盘",
        ["finance", "sci-tech"],
        "lecture",
        ["after-class-review"],
        "2",
        "区、镇街分管金融和科技工作的干部",
        "金融服务实体经济的基层样本，建议市委党校纳入金融专题。",
    ),
]


def seed_recommendations(users: dict) -> dict[str, int]:
    """Create, publish to the district, recommend and (half) accept; how many added."""
    made, accepted = 0, 0
    for (
        owner_code,
        author,
        curator,
        accept,
        title,
        summary,
        outline,
        domains,
        kind,
        methods,
        hours,
        audience,
        note,
    ) in COURSES:
        owner = Organization.objects.filter(code=owner_code).first()
        if owner is None or Course.objects.filter(owner=owner, title=title).exists():
            continue
        course = services.resource_create(
            Course,
            user=users[author],
            owner_code=owner_code,
            data={
                "title": title,
                "summary": f"{summary}{DEMO_MARK}",
                "outline": outline,
                "target_audience": audience,
                "class_hours": Decimal(hours),
                "kind": CourseKind.objects.filter(code=kind).first(),
                "domains": list(ThematicDomain.objects.filter(code__in=domains)),
                "methods": list(TeachingMethod.objects.filter(code__in=methods)),
            },
        )
        services.resource_submit(Course, user=users[author], pk=course.pk, scope=Scope.DISTRICT)
        services.resource_publish(Course, user=users[curator], pk=course.pk, scope=Scope.DISTRICT)
        services.resource_recommend(Course, user=users[curator], pk=course.pk, note=note)
        made += 1
        if accept:
            services.resource_publish(Course, user=users[CITY], pk=course.pk, scope=Scope.NETWORK)
            accepted += 1
    return {"recommended courses": made, "of which accepted by the city": accepted}

"""The small demo data set: one user per role per tier, and courses in every tier, status and scope.

Everything here is demo content (演示数据), clearly marked in each summary.
"""

DEMO_PASSWORD = "demo-pass-2026"
DEMO_MARK = "（演示数据）"

# username, display name, organisation code, role
USERS = [
    ("muni_admin", "市委党校管理员", "440600", "admin"),
    ("muni_curator", "市委党校审核员", "440600", "curator"),
    ("muni_teacher", "市委党校教师", "440600", "teacher"),
    ("muni_viewer", "市委党校访客", "440600", "viewer"),
    ("chancheng_admin", "禅城区委党校管理员", "440604", "admin"),
    ("chancheng_curator", "禅城区委党校审核员", "440604", "curator"),
    ("chancheng_teacher", "禅城区委党校教师", "440604", "teacher"),
    ("chancheng_viewer", "禅城区委党校访客", "440604", "viewer"),
    ("zumiao_admin", "祖庙街道党校管理员", "440604010", "admin"),
    ("zumiao_curator", "祖庙街道党校审核员", "440604010", "curator"),
    ("zumiao_teacher", "祖庙街道党校教师", "440604010", "teacher"),
    ("zumiao_viewer", "祖庙街道党校访客", "440604010", "viewer"),
    ("nanhai_curator", "南海区委党校审核员", "440605", "curator"),
    ("guicheng_teacher", "桂城街道党校教师", "440605011", "teacher"),
    ("fgj_submitter", "市发展改革局报送员", "440600-fgj", "submitter"),
    ("shunde_curator", "顺德区委党校审核员", "440606", "curator"),
    ("sanshui_curator", "三水区委党校审核员", "440607", "curator"),
    ("gaoming_curator", "高明区委党校审核员", "440608", "curator"),
    ("dongguan_teacher", "东莞市委党校教师", "441900", "teacher"),  # the joint class's partner
    ("dongguan_curator", "东莞市委党校审核员", "441900", "curator"),  # publishes its resources
]
# Each partner department that contributes demo cases gets a submitter: <abbr>_submitter.
DEPARTMENT_SUBMITTERS = [
    "440600-zrzyj",
    "440600-zjj",
    "440600-gxj",
    "440600-jrj",
    "440600-zsj",
    "440600-scjgj",
    "440600-rsj",
    "440600-kjj",
    "440600-sthjj",
]
DISTRICT_CURATORS = {
    "440604": "chancheng_curator",
    "440605": "nanhai_curator",
    "440606": "shunde_curator",
    "440607": "sanshui_curator",
    "440608": "gaoming_curator",
}

# Each course: owner, author, content, then the workflow steps that bring it to its state.
# Steps: ("submit", scope, by) | ("publish", scope, by) | ("reject", reason, by) | ("withdraw", by)
COURSES = [
    {
        "owner": "440600",
        "author": "muni_teacher",
        "title": "村级工业园改造的佛山实践",
        "summary": "以村级工业园改造为案例，剖析土地整备、利益协调与产业导入的全过程。",
        "outline": "一、改造背景\n二、政策工具箱\n三、典型案例复盘\n四、研讨：本镇街如何推进",
        "domains": ["industrial-system"],
        "kind": "case-teaching",
        "methods": ["industry-map", "after-class-review"],
        "class_hours": "3",
        "target_audience": "镇街分管工业和自然资源的领导干部",
        "steps": [("submit", "network", "muni_teacher"), ("publish", "network", "muni_curator")],
    },
    {
        "owner": "440600",
        "author": "muni_teacher",
        "title": "一门式政务服务改革",
        "summary": "从“一门式、一网式”改革看政务服务流程再造与营商环境优化。",
        "outline": "一、改革缘起\n二、流程再造\n三、数据共享\n四、经验与启示",
        "domains": ["business-environment"],
        "kind": "case-teaching",
        "methods": ["mind-map"],
        "class_hours": "3",
        "target_audience": "政务服务、行政审批部门干部",
        "steps": [("submit", "network", "muni_teacher"), ("publish", "network", "muni_curator")],
    },
    {
        "owner": "440600",
        "author": "muni_teacher",
        "title": "制造业数字化智能化转型",
        "summary": "结合灯塔工厂与中小企业“上云用数赋智”，讲清数字化转型的路径与政策。",
        "outline": "一、全球制造业变局\n二、佛山转型路径\n三、政策支持\n四、企业案例",
        "domains": ["industrial-system", "sci-tech"],
        "kind": "lecture",
        "methods": ["industry-map"],
        "class_hours": "2",
        "target_audience": "各级领导干部",
        "steps": [("submit", "network", "muni_teacher"), ("publish", "network", "muni_curator")],
    },
    {
        "owner": "440600",
        "author": "muni_teacher",
        "title": "金融赋能实体经济的佛山路径",
        "summary": "产业基金、科技信贷与上市培育如何服务制造业企业。",
        "outline": "一、金融与产业\n二、工具与机制\n三、案例\n四、研讨",
        "domains": ["finance"],
        "kind": "seminar",
        "methods": ["structured-discussion"],
        "class_hours": "3",
        "target_audience": "金融、工信部门及镇街干部",
        "steps": [("submit", "network", "muni_teacher")],
    },
    {
        "owner": "440600",
        "author": "muni_teacher",
        "title": "建设人才高地：技能人才培养",
        "summary": "",
        "outline": "",
        "domains": ["talent"],
        "kind": "lecture",
        "methods": [],
        "class_hours": None,
        "target_audience": "",
        "steps": [],
    },
    {
        "owner": "440604",
        "author": "chancheng_teacher",
        "title": "禅城陶瓷产业转型升级",
        "summary": "从传统陶瓷到泛家居产业，剖析禅城产业转型中的政府作为。",
        "outline": "一、产业历史\n二、转型难点\n三、政策举措\n四、现场观察",
        "domains": ["industrial-system"],
        "kind": "case-teaching",
        "methods": ["industry-map", "after-class-review"],
        "class_hours": "4",
        "target_audience": "区、镇街干部",
        "steps": [
            ("submit", "district", "chancheng_teacher"),
            ("publish", "district", "chancheng_curator"),
        ],
    },
    {
        "owner": "440604",
        "author": "chancheng_teacher",
        "title": "优化营商环境的基层探索",
        "summary": "围绕企业开办、项目审批等环节，分享禅城区的改革举措。",
        "outline": "一、企业诉求\n二、改革举措\n三、成效评估",
        "domains": ["business-environment"],
        "kind": "lecture",
        "methods": ["mind-map"],
        "class_hours": "2",
        "target_audience": "区直部门和镇街干部",
        "steps": [("submit", "network", "chancheng_teacher")],
    },
    {
        "owner": "440604010",
        "author": "zumiao_teacher",
        "title": "祖庙街道老城区更新与产业导入",
        "summary": "老城区更新中如何导入文创与生产性服务业。",
        "outline": "一、更新背景\n二、产业导入\n三、社区参与",
        "domains": ["industrial-system"],
        "kind": "on-site",
        "methods": ["after-class-review"],
        "class_hours": "2",
        "target_audience": "街道和社区干部",
        "steps": [
            ("submit", "private", "zumiao_teacher"),
            ("publish", "private", "zumiao_curator"),
        ],
    },
    {
        "owner": "440604010",
        "author": "zumiao_teacher",
        "title": "街道科技型中小企业培育",
        "summary": "街道如何发现、培育并服务科技型中小企业。",
        "outline": "一、企业画像\n二、服务清单\n三、案例",
        "domains": ["sci-tech"],
        "kind": "lecture",
        "methods": ["mind-map"],
        "class_hours": "2",
        "target_audience": "街道经济部门干部",
        "steps": [("submit", "district", "zumiao_teacher")],
    },
    {
        "owner": "440604010",
        "author": "zumiao_teacher",
        "title": "基层人才工作方法",
        "summary": "基层人才工作的难点与方法。",
        "outline": "一、现状\n二、方法\n三、讨论",
        "domains": ["talent"],
        "kind": "seminar",
        "methods": ["structured-discussion"],
        "class_hours": "2",
        "target_audience": "街道组织人事干部",
        "steps": [
            ("submit", "district", "zumiao_teacher"),
            ("reject", "请补充本街道的具体案例和数据后再提交。", "chancheng_curator"),
        ],
    },
    {
        "owner": "440604010",
        "author": "zumiao_teacher",
        "title": "社区网格化治理实务",
        "summary": "",
        "outline": "",
        "domains": [],
        "kind": None,
        "methods": [],
        "class_hours": None,
        "target_audience": "",
        "steps": [],
    },
    {
        "owner": "440604010",
        "author": "zumiao_teacher",
        "title": "工业上楼：街道的实践",
        "summary": "工业上楼模式在老城区的尝试与经验。",
        "outline": "一、模式\n二、案例\n三、问题与对策",
        "domains": ["industrial-system"],
        "kind": "case-teaching",
        "methods": ["industry-map"],
        "class_hours": "3",
        "target_audience": "镇街干部",
        "steps": [
            ("submit", "district", "zumiao_teacher"),
            ("publish", "district", "chancheng_curator"),
            ("publish", "network", "muni_curator"),
        ],
    },
    {
        "owner": "440605",
        "author": "nanhai_curator",
        "title": "南海区“村改”攻坚经验",
        "summary": "南海区村级工业园区连片改造的攻坚做法。",
        "outline": "一、攻坚背景\n二、连片改造\n三、利益分配",
        "domains": ["industrial-system"],
        "kind": "case-teaching",
        "methods": ["after-class-review"],
        "class_hours": "3",
        "target_audience": "区、镇街干部",
        "steps": [("publish", "district", "nanhai_curator")],
    },
    {
        "owner": "440600",
        "author": "muni_teacher",
        "title": "科技金融政策解读（旧版）",
        "summary": "已被新版课程替代。",
        "outline": "一、政策\n二、解读",
        "domains": ["finance", "sci-tech"],
        "kind": "lecture",
        "methods": [],
        "class_hours": "1.5",
        "target_audience": "金融部门干部",
        "steps": [
            ("submit", "network", "muni_teacher"),
            ("publish", "network", "muni_curator"),
            ("withdraw", "muni_curator"),
        ],
    },
]

# Reuses: (reusing user, receiving school code, title of the published source)
# After the reuses: 祖庙 adapts its copy, then the municipal school revises the source (a new
# published version): the copy is behind, with a local edit to keep and fields to take.
SOURCE_UPDATE = {
    "title": "村级工业园改造的佛山实践",
    "local": {"target_audience": "祖庙街道分管工业、城市更新的领导干部和村（社区）书记"},
    "upstream": {
        "outline": "一、改造背景与新政策要求\n二、政策工具箱（2026 年修订）\n三、典型案例复盘\n"
        "四、连片改造与产业导入\n五、研讨：本镇街如何推进",
        "summary": "以村级工业园改造为案例，剖析土地整备、利益协调、连片改造与产业导入的全过程，"
        "结合 2026 年新修订的政策工具箱。",
    },
}

REUSES = [
    ("zumiao_teacher", "440604010", "村级工业园改造的佛山实践"),
    ("chancheng_teacher", "440604", "一门式政务服务改革"),
    ("guicheng_teacher", "440605011", "村级工业园改造的佛山实践"),
]

"""Demo content for the four libraries at the seed network's scale (演示数据).

Built from these lists with a fixed random seed, so every run produces the same
set: lecturers of all five kinds, 52 cases, 38 on-site teaching sites over the nine
categories and five districts, and 62 case-teaching courses with joint teaching groups.
"""

SURNAMES = "陈李黄张梁何吴刘林罗郭冯周谢邓麦区苏卢叶"
GIVEN = [
    "志强",
    "丽华",
    "建国",
    "晓明",
    "伟",
    "静",
    "海峰",
    "敏",
    "国栋",
    "秀英",
    "振华",
    "嘉欣",
    "文杰",
    "慧玲",
    "永康",
    "少华",
    "泽民",
    "雪梅",
    "锦荣",
    "家豪",
]

# kind code → (employers, positions, professional titles, full-time?)
LECTURER_KINDS = {
    "appointed-professor": (
        ["中山大学", "华南理工大学", "暨南大学", "广东省社会科学院"],
        ["教授、博士生导师", "研究员"],
        ["教授", "研究员"],
        False,
    ),
    "manufacturing-official": (
        [
            "佛山市工业和信息化局",
            "顺德区经济和科技促进局",
            "南海区经济促进局",
            "佛山市发展和改革局",
        ],
        ["副局长", "处长", "科长"],
        ["", "高级经济师"],
        False,
    ),
    "entrepreneur-craftsman": (
        ["某家电制造企业", "某陶瓷企业", "某机器人企业", "某精密模具厂"],
        ["董事长", "总经理", "首席技师"],
        ["高级工程师", "高级技师"],
        False,
    ),
    "research-expert": (
        ["季华实验室", "佛山仙湖实验室", "广东工业大学佛山研究院", "某省级新型研发机构"],
        ["研究员", "副所长"],
        ["研究员", "副研究员"],
        False,
    ),
    "party-school-teacher": (
        ["中共佛山市委党校", "中共佛山市顺德区委党校", "中共佛山市南海区委党校"],
        ["经济学教研部主任", "党史党建教研部讲师", "公共管理教研部副教授"],
        ["教授", "副教授", "讲师"],
        True,
    ),
}
LECTURERS_PER_KIND = 8

CASE_TOPICS = [
    ("村级工业园连片改造", "industrial-system", "制造业", "440600-zrzyj"),
    ("“工业上楼”产业社区建设", "industrial-system", "先进制造业", "440600-zjj"),
    ("专精特新企业梯度培育", "sci-tech", "装备制造", "440600-gxj"),
    ("产业基金撬动社会资本", "finance", "金融服务", "440600-jrj"),
    ("科技信贷风险补偿机制", "finance", "科技金融", "440600-jrj"),
    ("“一门式”政务服务改革", "business-environment", "政务服务", "440600-zsj"),
    ("企业开办“一日办结”", "business-environment", "市场服务", "440600-scjgj"),
    ("产业工人技能提升行动", "talent", "人力资源", "440600-rsj"),
    ("高层次人才引进与服务", "talent", "人才服务", ""),
    ("数字化智能化改造示范", "sci-tech", "家电制造", "440600-gxj"),
    ("新型研发机构建设运营", "sci-tech", "科技服务", "440600-kjj"),
    ("链主企业带动产业链协同", "industrial-system", "汽车零部件", "440600-fgj"),
    ("生态环境治理与产业转型", "industrial-system", "陶瓷建材", "440600-sthjj"),
]
CASE_TOWNS = ["440606107", "440605124", "440604100", "440607101"]  # 北滘 狮山 南庄 大塘

# (category code, site name, district code, town code)
SITES = [
    ("innovation-platform", "季华实验室", "440604", "440604011"),
    ("innovation-platform", "佛山仙湖实验室", "440605", "440605123"),
    ("innovation-platform", "广东工业设计城", "440606", "440606107"),
    ("innovation-platform", "佛山中德工业服务区创新中心", "440605", "440605011"),
    ("innovation-platform", "三水科技创新中心", "440607", "440607010"),
    ("industrial-park", "三龙湾高端创新集聚区", "440605", "440605011"),
    ("industrial-park", "顺德高新区西部园区", "440606", "440606105"),
    ("industrial-park", "三水工业园区", "440607", "440607102"),
    ("industrial-park", "高明沧江工业园", "440608", "440608010"),
    ("industrial-park", "南庄陶瓷产业园", "440604", "440604100"),
    ("enterprise", "某家电企业智慧工厂", "440606", "440606107"),
    ("enterprise", "某调味品企业智能生产基地", "440607", "440607101"),
    ("enterprise", "某照明企业总部", "440604", "440604012"),
    ("enterprise", "某机器人企业研发中心", "440606", "440606107"),
    ("enterprise", "某铝型材企业", "440605", "440605125"),
    ("lighthouse-factory", "某微波炉灯塔工厂", "440606", "440606101"),
    ("lighthouse-factory", "某空调灯塔工厂", "440606", "440606010"),
    ("lighthouse-factory", "某陶瓷智能制造示范工厂", "440608", "440608101"),
    ("lighthouse-factory", "某汽车零部件数字工厂", "440605", "440605124"),
    ("productive-services", "千灯湖金融高新区", "440605", "440605011"),
    ("productive-services", "佛山新城工业设计服务中心", "440606", "440606106"),
    ("productive-services", "禅城检验检测认证集聚区", "440604", "440604010"),
    ("productive-services", "三水物流产业园", "440607", "440607103"),
    ("industry-upstairs", "北滘工业上楼示范园", "440606", "440606107"),
    ("industry-upstairs", "大沥村级工业园改造片区", "440605", "440605125"),
    ("industry-upstairs", "张槎针织产业园改造项目", "440604", "440604012"),
    ("industry-upstairs", "杨和镇村改示范区", "440608", "440608101"),
    ("industry-upstairs", "乐从家具产业社区", "440606", "440606106"),
    ("greater-bay-area", "粤港澳合作高端服务示范区", "440605", "440605011"),
    ("greater-bay-area", "港澳青年创新创业基地", "440606", "440606010"),
    ("greater-bay-area", "佛山—港澳科技成果转化中心", "440604", "440604010"),
    ("greater-bay-area", "三水粤港澳合作园", "440607", "440607011"),
    ("category-8", "某村党建引领乡村振兴示范点", "440608", "440608102"),
    ("category-8", "某社区网格化治理示范点", "440604", "440604010"),
    ("category-8", "某镇农业产业园", "440608", "440608104"),
    ("category-9", "某街道红色教育基地", "440606", "440606012"),
    ("category-9", "某古村落活化利用示范点", "440605", "440605122"),
    ("category-9", "某渡口历史文化街区", "440607", "440607104"),
]
# The two categories the brief leaves unnamed get demo names, unless an admin named them.
DEMO_CATEGORY_NAMES = {
    "category-8": ("乡村振兴与基层治理（演示命名）", "Rural revitalisation (demo name)"),
    "category-9": ("红色文化与历史传承（演示命名）", "Red culture and heritage (demo name)"),
}
# Sites not (yet) admitted: index → lifecycle path walked with reasons.
SITE_LIFECYCLES = {
    35: ["assessing"],
    36: [],
    37: ["assessing", "admitted", "suspended"],
}

COURSE_ANGLES = ["的做法与启示", "案例研讨", "复盘与思考"]

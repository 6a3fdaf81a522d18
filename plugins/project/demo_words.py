"""Word pools for demo projects that read like a Chinese event agency's year."""
from __future__ import annotations

#: (event word in the project name, project type, requirement categories it usually needs,
#:  attendance choices, how many days it lasts)
EVENTS = [
    ("年会", "gala", ("venue", "av", "catering", "performance", "printing"), (200, 300, 500, 800), 1),
    ("经销商大会", "conference", ("venue", "av", "catering", "accommodation", "transport", "printing"),
     (300, 500, 800, 1200), 2),
    ("新品发布会", "launch", ("venue", "av", "catering", "printing", "performance"), (150, 300, 500), 1),
    ("学术会议", "conference", ("venue", "av", "catering", "accommodation", "interpretation", "printing"),
     (300, 600, 1000, 2000), 3),
    ("行业博览会", "exhibition", ("venue", "av", "transport", "printing"), (2000, 5000, 10000), 3),
    ("销售精英培训营", "training", ("venue", "av", "catering", "accommodation"), (40, 60, 120), 3),
    ("颁奖典礼", "gala", ("venue", "av", "catering", "performance", "printing"), (300, 500, 800), 1),
    ("客户答谢晚宴", "gala", ("venue", "av", "catering", "performance"), (120, 200, 300), 1),
    ("高峰论坛", "forum", ("venue", "av", "catering", "interpretation", "printing"), (200, 400, 600), 2),
    ("海外激励之旅", "incentive", ("accommodation", "transport", "catering"), (30, 50, 80), 5),
]
#: How often each of ``EVENTS`` happens in an agency's year.
EVENT_WEIGHTS = [14, 14, 12, 10, 6, 8, 8, 10, 10, 4]

#: Ordinal prefixes for recurring meetings (学术会议, 论坛): "第十二届".
EDITIONS = ["第三届", "第五届", "第八届", "第十届", "第十二届", "第十五届", "第二十届"]

#: (city, venues the agency works with there)
VENUES = [
    ("上海", ("国家会展中心（上海）", "上海国际会议中心", "浦东香格里拉大酒店", "上海世博中心")),
    ("北京", ("国家会议中心", "北京国际饭店会议中心", "中国国际展览中心（顺义馆）", "北京雁栖湖国际会展中心")),
    ("杭州", ("杭州国际博览中心", "西湖国宾馆", "杭州洲际酒店")),
    ("深圳", ("深圳国际会展中心", "深圳会展中心", "深圳湾万丽酒店")),
    ("广州", ("广交会展馆", "白云国际会议中心", "广州四季酒店")),
    ("成都", ("世纪城国际会议中心", "成都博舍酒店")),
    ("南京", ("南京国际博览中心", "金陵饭店")),
    ("苏州", ("金鸡湖国际会议中心", "苏州香格里拉大酒店")),
    ("西安", ("曲江国际会议中心", "西安索菲特人民大厦")),
    ("厦门", ("厦门国际会议中心", "厦门悦华酒店")),
    ("三亚", ("三亚亚特兰蒂斯酒店", "三亚美丽之冠会议中心")),
    ("青岛", ("青岛国际会议中心", "青岛海天大酒店")),
    ("武汉", ("武汉国际博览中心", "武汉洲际酒店")),
    ("重庆", ("重庆悦来国际会议中心", "重庆洲际酒店")),
]
VENUE_WEIGHTS = [16, 14, 10, 10, 8, 6, 6, 5, 4, 4, 5, 4, 4, 4]

#: requirement category -> what the client asked for, in their words
REQUIREMENT_DETAILS = {
    "venue": ["主会场剧院式布置，另需 3 个分会场", "宴会厅圆桌布置，含舞台与签到区", "主会场课桌式，需贵宾休息室",
              "标准展位 120 个，特装展位 8 个"],
    "av": ["LED 主屏 12m×4m，需直播推流", "音响灯光全套，含 4 台摄像机", "投影两套、无线麦克风 8 支"],
    "catering": ["午餐自助，晚宴中式围桌 10 人一桌", "茶歇上下午各一次，含清真餐", "欢迎晚宴一场，需试菜"],
    "accommodation": ["协议酒店大床房 150 间三晚", "嘉宾行政房 20 间，参会者双床房 200 间"],
    "transport": ["机场、高铁站接送站，45 座大巴 10 辆", "会场与酒店间往返摆渡车"],
    "performance": ["开场舞蹈与乐队演出", "主持人一名、颁奖礼仪 6 名"],
    "printing": ["邀请函、胸卡、桌卡、背景板", "会刊 800 本、手提袋"],
    "interpretation": ["中英同声传译两个频道", "外宾交替传译两名"],
    "other": ["会议注册系统与电子签到"],
}

#: (service, unit, lowest and highest unit price in yuan, quantity choices)
SERVICES = [
    ("会场租赁", "天", 20_000, 90_000, (1, 2, 3)),
    ("舞台搭建与背景板", "项", 30_000, 150_000, (1,)),
    ("LED 屏租赁", "平方米", 300, 800, (48, 60, 96)),
    ("音响灯光设备", "套", 15_000, 60_000, (1, 2)),
    ("会议餐（自助午餐）", "人次", 120, 280, (200, 500, 800)),
    ("欢迎晚宴", "桌", 3_800, 8_800, (20, 30, 50)),
    ("协议酒店住宿", "间夜", 450, 1_200, (100, 300, 600)),
    ("大巴接送", "车次", 1_200, 2_500, (10, 20, 40)),
    ("同声传译", "人·天", 6_000, 9_000, (2, 4)),
    ("物料设计与印刷", "套", 20, 80, (300, 500, 1000)),
    ("演出节目", "场", 20_000, 80_000, (1,)),
    ("项目执行服务费", "项", 30_000, 120_000, (1,)),
]

UPDATE_NOTES = ["已与场地方确认，等待合同盖章", "方案已发客户确认", "供应商报价已比对三家", "进度正常",
                "客户调整了需求，方案同步修改中", "已完成现场踏勘", "物料打样完成，待客户签字"]
#: (change kind, reason the client gave)
CHANGE_REASONS = {
    "time": ["客户董事长行程调整，会期顺延一周", "与行业展会撞期，提前三天举办"],
    "scale": ["报名人数超出预期，参会规模上调", "部分区域代表不能到场，规模缩减"],
    "venue": ["原场地档期冲突，更换至同城另一场馆"],
    "other": ["客户要求增加线上直播环节"],
}

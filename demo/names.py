"""The fictional names of the demo county and province: people, villages, townships, units.

Pure data and the small generators over it (``person_name``, ``village_names``,
``province_codes``); ``demo.county`` builds the registry rows from them. Nothing here touches the
database. The weights give a realistic spread (the commonest surnames, degrees and ranks first).
"""

from __future__ import annotations

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
    "余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
    "包乌那宝"
)
# Weights: the commonest surnames first, a long tail after.
SURNAME_WEIGHTS = [30 if i < 10 else 10 if i < 30 else 3 for i in range(len(SURNAMES))]
GIVEN_MALE = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帅建国志文海峰亮林东旭晨阳龙忠红"
GIVEN_FEMALE = "芳娜敏静丽艳娟霞燕玲婷慧颖琳雪梅欣悦晶倩璐佳蕾琴秀英华红兰桂凤洁岚"
GIVEN_ANY = "春晓德福永振利成新宏庆云学国海荣玉立志世光卫中晓金宝斯格日乐图"

VILLAGE_CN = (
    "东升",
    "西湖",
    "南岗",
    "北山",
    "前进",
    "后屯",
    "新民",
    "太平",
    "永兴",
    "长胜",
    "富民",
    "双合",
    "三合",
    "兴隆",
    "红星",
    "建设",
    "光明",
    "和平",
    "幸福",
    "胜利",
    "团结",
    "友谊",
    "丰收",
    "五一",
    "向阳",
    "朝阳",
    "共和",
    "民主",
    "新华",
    "永安",
    "保安",
    "福兴",
    "德胜",
    "万发",
    "吉祥",
    "全胜",
    "义和",
    "广发",
    "庆丰",
    "裕民",
    "白音",
    "黄花",
    "柳条",
    "榆树",
    "杏树",
    "梨树",
    "桃园",
    "杨树",
    "大林",
    "小河",
    "清河",
    "泉水",
    "石门",
    "沙坨",
    "草甸",
    "双井",
    "四合",
    "六合",
    "八里",
    "十家",
)
VILLAGE_MN = (
    "巴彦",
    "乌兰",
    "查干",
    "宝力",
    "敖包",
    "塔拉",
    "额尔登",
    "那仁",
    "哈日",
    "阿拉坦",
    "伊和",
    "巴嘎",
    "胡和",
    "乌力吉",
    "宝日",
    "吉日嘎",
    "苏布",
    "朝鲁",
    "好力",
    "图门",
    "希日",
    "珠日",
    "乌兰哈达",
    "道布",
)
VILLAGE_MN_TAIL = ("嘎查", "浩特嘎查", "塔拉嘎查", "敖包嘎查", "套布嘎查", "花嘎查")
VILLAGE_CN_TAIL = ("村", "村", "村", "屯村", "堡村", "营子村", "窝堡村", "庄村")
TOWNSHIPS = (
    ("城关", "镇"),
    ("东风", "镇"),
    ("麦新", "镇"),
    ("义和塔拉", "镇"),
    ("建华", "镇"),
    ("小街基", "镇"),
    ("东来", "镇"),
    ("黑龙坝", "镇"),
    ("吉日嘎郎吐", "镇"),
    ("大榆树", "镇"),
    ("北清河", "乡"),
    ("巴彦塔拉", "苏木"),
    ("保安", "农场"),
    ("兴隆", "乡"),
    ("红星", "乡"),
    ("宝力格", "苏木"),
)
# Dispatching units of the county: "{c}" is the county's name, "{t}" the township's.
COUNTY_UNITS = (
    "{c}委办公室",
    "{c}政府办公室",
    "{c}纪委监委",
    "{c}委组织部",
    "{c}委宣传部",
    "{c}委统战部",
    "{c}委政法委",
    "{c}委编办",
    "{c}人大常委会办公室",
    "{c}政协办公室",
    "{c}发展和改革委员会",
    "{c}教育局",
    "{c}科学技术局",
    "{c}工业和信息化局",
    "{c}公安局",
    "{c}民政局",
    "{c}司法局",
    "{c}财政局",
    "{c}人力资源和社会保障局",
    "{c}自然资源局",
    "{c}生态环境分局",
    "{c}住房和城乡建设局",
    "{c}交通运输局",
    "{c}水利局",
    "{c}农牧局",
    "{c}林业和草原局",
    "{c}商务局",
    "{c}文化旅游体育局",
    "{c}卫生健康委员会",
    "{c}退役军人事务局",
    "{c}应急管理局",
    "{c}审计局",
    "{c}市场监督管理局",
    "{c}统计局",
    "{c}医疗保障局",
    "{c}乡村振兴局",
    "{c}信访局",
    "{c}总工会",
    "共青团{c}委员会",
    "{c}妇女联合会",
    "{c}科学技术协会",
    "{c}残疾人联合会",
    "{c}人民法院",
    "{c}人民检察院",
    "{c}人民医院",
    "{c}中医医院",
    "{c}蒙医医院",
    "{c}第一中学",
    "{c}第二中学",
    "{c}职业中学",
    "{c}实验小学",
    "{c}疾病预防控制中心",
    "{c}融媒体中心",
    "{c}供销合作社",
    "{c}农村信用合作联社",
    "{c}国有资产投资公司",
    "{c}供电公司",
    "{c}烟草专卖局",
    "{c}邮政分公司",
    "{c}农业技术推广中心",
    "{c}畜牧工作站",
    "{c}林业工作站",
    "{c}水利工作站",
    "{c}档案馆",
    "{c}党校",
    "{c}机关事务服务中心",
    "{c}城市管理综合执法局",
    "{c}税务局",
    "{c}气象局",
    "{c}消防救援大队",
    "{c}公路管理段",
    "{c}自来水公司",
    "{c}图书馆",
    "{c}广播电视台",
    "{c}农业银行支行",
    "{c}建设银行支行",
    "{c}工商联",
    "{c}红十字会",
    "{c}政务服务中心",
    "{c}公共资源交易中心",
)
CITY_UNITS = (
    "{m}委组织部",
    "{m}财政局",
    "{m}农牧局",
    "{m}乡村振兴局",
    "{m}教育局",
    "{m}卫生健康委员会",
    "{m}交通运输局",
    "{m}水利局",
    "{m}自然资源局",
    "{m}纪委监委",
)
PROVINCE_UNITS = ("自治区农牧厅", "自治区乡村振兴局", "自治区财政厅", "自治区自然资源厅", "自治区水利厅")
EDUCATION = (("BACHELOR", 60), ("JUNIOR_COLLEGE", 25), ("MASTER", 10), ("DOCTOR", 1), ("OTHER", 4))
IDENTITY = (("CIVIL_SERVANT", 46), ("PUBLIC_INSTITUTION", 44), ("STATE_ENTERPRISE", 7), ("OTHER", 3))
RANK = (("STAFF", 55), ("DEPUTY_SECTION", 25), ("SECTION", 17), ("DEPUTY_DIVISION_UP", 3))
MOBILE_PREFIXES = (
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "153",
    "155",
    "156",
    "157",
    "158",
    "159",
    "176",
    "177",
    "180",
    "182",
    "185",
    "186",
    "187",
    "188",
    "189",
    "199",
)
NEIGHBOUR_REGIONS = ("150502", "150521", "150522", "150523", "150524", "150525", "150526", "152201")

CITY_STEMS = (
    "青山",
    "白河",
    "金川",
    "玉泉",
    "红岭",
    "松原",
    "兴安",
    "宝丰",
    "临河",
    "锡林",
    "阿尔山",
    "乌拉",
)
COUNTY_STEMS = (
    "东",
    "西",
    "南",
    "北",
    "新",
    "安",
    "永",
    "长",
    "丰",
    "宁",
    "和",
    "平",
    "广",
    "兴",
    "泰",
    "顺",
    "裕",
    "富",
    "乐",
    "康",
    "宁",
    "盛",
    "阳",
    "昌",
)


def province_codes(n: int) -> list[tuple[str, str, str]]:
    """(county code, city name, county name) of a fictional province: 12 cities, codes 15CC21…"""
    out = []
    for i in range(n):
        city_no, county_no = i % 12, i // 12
        city = CITY_STEMS[city_no] + "市"
        stem = COUNTY_STEMS[(i * 7) % len(COUNTY_STEMS)] + COUNTY_STEMS[(i * 5 + 3) % len(COUNTY_STEMS)]
        name = f"{CITY_STEMS[city_no][0]}{stem}{'旗' if county_no % 3 == 2 else '县'}"
        out.append((f"15{city_no + 1:02d}{21 + county_no:02d}", city, name))
    return out


def weighted(rng, pairs):
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def person_name(rng, male: bool) -> str:
    surname = rng.choices(SURNAMES, weights=SURNAME_WEIGHTS)[0]
    pool = GIVEN_MALE if male else GIVEN_FEMALE
    if rng.random() < 0.35:
        return surname + rng.choice(pool)
    return surname + rng.choice(pool + GIVEN_ANY) + rng.choice(pool)


def village_names(rng, count: int) -> list[str]:
    """``count`` distinct names, about a third Mongolian 嘎查 names."""
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < count:
        if rng.random() < 0.35:
            name = rng.choice(VILLAGE_MN) + rng.choice(VILLAGE_MN_TAIL)
        else:
            name = rng.choice(VILLAGE_CN) + rng.choice(VILLAGE_CN_TAIL)
        if name in seen:
            name = rng.choice("东西南北前后大小新") + name
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names

"""Reference data of the demo: the areas of Chongqing, Chengdu and Meishan, their units and sectors.

Areas are written as nested tables (code, Chinese name, English name, kind, children) so the tree
reads as it is. Codes are the stable keys: a second run finds each row by its code and leaves it be.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from investledger.reference.models import Area, Sector, Unit

from .records import Tally, create_audited


@dataclass(frozen=True)
class A:
    code: str
    name: str
    name_en: str
    kind: str
    children: tuple[A, ...] = field(default=())


CITY, DISTRICT, COUNTY, ZONE, PARK = (
    Area.Kind.CITY,
    Area.Kind.DISTRICT,
    Area.Kind.COUNTY,
    Area.Kind.ZONE,
    Area.Kind.PARK,
)

AREAS: tuple[A, ...] = (
    A("cq", "重庆市", "Chongqing", CITY, (
        A("cq-liangjiang", "两江新区", "Liangjiang New Area", ZONE, (
            A("cq-lj-digital", "两江数字经济产业园", "Liangjiang Digital Economy Industrial Park", PARK),
            A("cq-lj-yufu", "鱼复工业园", "Yufu Industrial Park", PARK),
        )),
        A("cq-yubei", "渝北区", "Yubei District", DISTRICT, (
            A("cq-yb-xiantao", "仙桃国际大数据谷", "Xiantao International Big Data Valley", PARK),
        )),
        A("cq-jiangbei", "江北区", "Jiangbei District", DISTRICT),
        A("cq-shapingba", "沙坪坝区", "Shapingba District", DISTRICT, (
            A("cq-spb-xiyong", "西永微电子产业园", "Xiyong Microelectronics Industrial Park", PARK),
        )),
        A("cq-jiulongpo", "九龙坡区", "Jiulongpo District", DISTRICT),
        A("cq-banan", "巴南区", "Banan District", DISTRICT, (
            A("cq-bn-biocity", "重庆国际生物城", "Chongqing International Bio-City", PARK),
        )),
        A("cq-hitech", "重庆高新区", "Chongqing Hi-Tech Zone", ZONE),
        A("cq-bishan", "璧山区", "Bishan District", DISTRICT),
        A("cq-yongchuan", "永川区", "Yongchuan District", DISTRICT),
        A("cq-jiangjin", "江津区", "Jiangjin District", DISTRICT),
        A("cq-changshou", "长寿区", "Changshou District", DISTRICT),
        A("cq-fuling", "涪陵区", "Fuling District", DISTRICT),
    )),
    A("cd", "成都市", "Chengdu", CITY, (
        A("cd-hitech", "成都高新区", "Chengdu Hi-Tech Zone", ZONE, (
            A("cd-ht-neweconomy", "成都新经济活力区", "Chengdu New Economy Industrial Functional Zone", PARK),
            A("cd-ht-jiaozi", "交子公园金融商务区", "Jiaozi Park Financial and Commercial Zone", PARK),
            A("cd-ht-biotown", "天府国际生物城", "Tianfu International Bio-Town", PARK),
            A("cd-ht-xinchuan", "新川创新科技园", "Singapore-Sichuan Hi-tech Innovation Park", PARK),
        )),
        A("cd-eastern", "成都东部新区", "Chengdu Eastern New Area", ZONE),
    )),
    A("ms", "眉山市", "Meishan", CITY, (
        A("ms-dongpo", "东坡区", "Dongpo District", DISTRICT),
        A("ms-pengshan", "彭山区", "Pengshan District", DISTRICT),
        A("ms-renshou", "仁寿县", "Renshou County", COUNTY),
        A("ms-hongya", "洪雅县", "Hongya County", COUNTY),
        A("ms-danling", "丹棱县", "Danling County", COUNTY),
        A("ms-qingshen", "青神县", "Qingshen County", COUNTY),
        A("ms-tianfu", "天府新区眉山片区", "Tianfu New Area (Meishan Section)", ZONE),
    )),
)  # fmt: skip

BUREAU, DEPARTMENT, COMMITTEE, UTILITY = (
    Unit.Kind.BUREAU,
    Unit.Kind.DEPARTMENT,
    Unit.Kind.COMMITTEE,
    Unit.Kind.UTILITY,
)

# (code, Chinese name, English name, kind, area code)
UNITS: tuple[tuple[str, str, str, str, str], ...] = (
    ("cq-bureau", "重庆市招商投资促进局", "Chongqing Municipal Bureau of Investment Promotion and Facilitation", BUREAU, "cq"),
    ("cq-planning", "重庆市规划和自然资源局", "Chongqing Municipal Bureau of Planning and Natural Resources", DEPARTMENT, "cq"),
    ("cq-ecology", "重庆市生态环境局", "Chongqing Municipal Ecology and Environment Bureau", DEPARTMENT, "cq"),
    ("cq-power", "国网重庆市电力公司", "State Grid Chongqing Electric Power Company", UTILITY, "cq"),
    ("cq-liangjiang-cmte", "两江新区管委会", "Liangjiang New Area Administrative Committee", COMMITTEE, "cq-liangjiang"),
    ("cq-yubei-gov", "渝北区人民政府", "Yubei District People's Government", COMMITTEE, "cq-yubei"),
    ("cq-shapingba-gov", "沙坪坝区人民政府", "Shapingba District People's Government", COMMITTEE, "cq-shapingba"),
    ("cq-hitech-cmte", "重庆高新区管委会", "Chongqing Hi-Tech Zone Administrative Committee", COMMITTEE, "cq-hitech"),
    ("cd-bureau", "成都市投资促进局", "Chengdu Investment Promotion Bureau", BUREAU, "cd"),
    ("cd-neweconomy", "成都市新经济发展委员会", "Chengdu New Economy Development Commission", DEPARTMENT, "cd"),
    ("cd-planning", "成都市规划和自然资源局", "Chengdu Municipal Bureau of Planning and Natural Resources", DEPARTMENT, "cd"),
    ("cd-ecology", "成都市生态环境局", "Chengdu Municipal Ecology and Environment Bureau", DEPARTMENT, "cd"),
    ("cd-power", "国网成都供电公司", "State Grid Chengdu Power Supply Company", UTILITY, "cd"),
    ("cd-hitech-cmte", "成都高新区管委会", "Chengdu Hi-Tech Zone Administrative Committee", COMMITTEE, "cd-hitech"),
    ("cd-eastern-cmte", "成都东部新区管委会", "Chengdu Eastern New Area Administrative Committee", COMMITTEE, "cd-eastern"),
    ("ms-bureau", "眉山市投资促进局", "Meishan Investment Promotion Bureau", BUREAU, "ms"),
    ("ms-planning", "眉山市自然资源和规划局", "Meishan Bureau of Natural Resources and Planning", DEPARTMENT, "ms"),
    ("ms-power", "国网眉山供电公司", "State Grid Meishan Power Supply Company", UTILITY, "ms"),
)  # fmt: skip

# (code, Chinese name, English name, strategic emerging). Order is the taxonomy's display order.
# The flag follows the national classification of strategic emerging industries (2018): new
# generation IT (software, electronics), biomedicine, new energy vehicles, new energy, new
# materials, high-end equipment (aerospace) and digital creative industries count; services,
# consumer goods, tourism, urban development and research platforms as such do not.
SECTORS: tuple[tuple[str, str, str, bool], ...] = (
    ("nev", "智能网联新能源汽车", "Smart connected new energy vehicles", True),
    ("software", "软件和信息服务", "Software and information services", True),
    ("electronics", "电子信息与装备", "Electronics and equipment", True),
    ("biomedicine", "生物医药", "Biomedicine", True),
    ("new-materials", "新材料", "New materials", True),
    ("new-energy", "新能源", "New energy", True),
    ("aerospace", "航空航天与卫星互联网", "Aerospace and satellite internet", True),
    ("digital-economy", "数字经济与数字创意", "Digital economy and digital creative industries", True),
    ("modern-services", "现代服务业", "Modern services", False),
    ("food-consumer", "食品及消费品", "Food and consumer goods", False),
    ("culture-tourism", "文化旅游与康养", "Culture, tourism and wellness", False),
    ("urban-development", "城市开发与基础设施", "Urban development and infrastructure", False),
    ("research-platforms", "科技创新平台", "Science and technology innovation platforms", False),
)


def _load_areas(nodes: tuple[A, ...], parent: Area | None, tally: Tally) -> None:
    for node in nodes:
        area = Area.objects.filter(code=node.code).first()
        if area is None:
            area = create_audited(
                Area(code=node.code, name=node.name, name_en=node.name_en, kind=node.kind, parent=parent),
                tally,
                exclude=["path", "depth"],
            )
        _load_areas(node.children, area, tally)


def load_reference(tally: Tally) -> None:
    _load_areas(AREAS, None, tally)
    for code, name, name_en, kind, area_code in UNITS:
        if not Unit.objects.filter(code=code).exists():
            area = Area.objects.get(code=area_code)
            create_audited(Unit(code=code, name=name, name_en=name_en, kind=kind, area=area), tally)
    for position, (code, name, name_en, strategic) in enumerate(SECTORS, start=1):
        if not Sector.objects.filter(code=code).exists():
            create_audited(
                Sector(code=code, name=name, name_en=name_en, strategic_emerging=strategic, position=position * 10),
                tally,
            )

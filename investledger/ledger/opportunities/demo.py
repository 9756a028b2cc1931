"""Demo opportunity lists (`investledger demo` calls `load()`; a second run adds nothing).

- Chengdu Eastern New Area's first-wave list of 2023, released at InnoEX 2023 (12 Apr 2023): the
  source gives 58 opportunities in six categories, about RMB 81.3 bn in all, and names two sites, the
  Tianfu International Airport Comprehensive Bonded Area and Tianfu Jincheng Laboratory (Future Medical
  City). Those two are entered as published, without an amount (none was published); the other 56 are
  illustrative and marked as demo, their amounts an explicit table that adds up to RMB 81.3 bn.
- Jiaozi Park's list released at the Chengdu Hi-Tech Zone signing event of 28 Aug 2020: the source
  says a list was released and gives none of its items, so the few here are illustrative.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from investledger.core.money import YI
from investledger.ledger.events.models import SigningEvent
from investledger.ledger.opportunities import services
from investledger.ledger.opportunities.choices import CooperationMode, Status
from investledger.ledger.opportunities.models import Opportunity, OpportunityCategory, OpportunityList
from investledger.ledger.projects.models import Project
from investledger.reference.models import Area, Sector, Unit

EQUITY, PPP, LEASE, SALE, JOINT = (
    CooperationMode.EQUITY,
    CooperationMode.PPP,
    CooperationMode.LEASE,
    CooperationMode.SALE,
    CooperationMode.JOINT,
)

EASTERN_TOTAL_YI = Decimal("813")  # "a total investment approximating 81.3 billion"
EASTERN_COUNT = 58
EASTERN_SOURCE = (
    "Source: 'High-profile deals, world debuts, development opportunities north of CNY80 billion unveiled' "
    "(Goknews, 14 Apr 2023): at the 2023 Chengdu-Hong Kong Investment Cooperation Promotion Conference the "
    "Chengdu Eastern New Area management committee released its first-wave list of the year, 58 investment "
    "opportunities in six categories (urban functions, ecology and environment, industrial carriers, "
    "franchising, housing, infrastructure), about RMB 81.3 bn in all, naming the Tianfu International Airport "
    "Comprehensive Bonded Area, Tianfu Jincheng Laboratory (Future Medical City) and venues and scenarios of "
    "the International Horticultural Exhibition 2024 Chengdu. Only the two named sites are as published; "
    "the other items, their amounts and the link to a signed project are illustrative (demo)."
)

# The two sites the source names: entered as published, with no amount (none was given).
EASTERN_NAMED = (
    ("天府国际机场综合保税区", "Tianfu International Airport Comprehensive Bonded Area", "industrial-carriers", JOINT, "modern-services"),
    ("天府锦城实验室（未来医学城）", "Tianfu Jincheng Laboratory (Future Medical City)", "urban-functions", JOINT, "biomedicine"),
)  # fmt: skip

# (Chinese title, English title, category code, amount in 亿元, cooperation mode, sector code or "")
EASTERN_ILLUSTRATIVE = (
    ("东部新区国际会展中心配套商业综合体", "Commercial complex beside the exhibition centre", "urban-functions", "45", JOINT, "modern-services"),
    ("2024成都世界园艺博览会主场馆赛后运营", "Post-expo operation of the Horticultural Exhibition main venues", "urban-functions", "18", LEASE, "culture-tourism"),
    ("园博会主会场文旅消费场景", "Culture and tourism scenarios at the Horticultural Exhibition main venue", "urban-functions", "12", JOINT, "culture-tourism"),
    ("简州新城中央商务区楼宇", "Jianzhou New Town central business district towers", "urban-functions", "38", SALE, "modern-services"),
    ("国际学校及教育综合体", "International school and education complex", "urban-functions", "9", EQUITY, ""),
    ("区域医疗中心", "Regional medical centre", "urban-functions", "22", PPP, "biomedicine"),
    ("体育公园及全民健身中心", "Sports park and public fitness centre", "urban-functions", "7", PPP, "culture-tourism"),
    ("城市更新片区综合开发", "Urban renewal area development", "urban-functions", "30", JOINT, "urban-development"),
    ("空港新城商业街区", "Airport new town shopping district", "urban-functions", "16", SALE, "modern-services"),
    ("养老服务综合体", "Elderly care services complex", "urban-functions", "6", EQUITY, "culture-tourism"),
    ("数字文创街区", "Digital creative quarter", "urban-functions", "10", LEASE, "digital-economy"),
    ("绛溪河生态廊道", "Jiangxi River ecological corridor", "ecology-environment", "15", PPP, "urban-development"),
    ("沱江流域水环境综合治理", "Tuo River basin water environment treatment", "ecology-environment", "20", PPP, "urban-development"),
    ("龙泉山城市森林公园东坡配套", "Longquan Mountain forest park, eastern slope amenities", "ecology-environment", "8", JOINT, "culture-tourism"),
    ("污水处理厂提标改造", "Wastewater treatment plant upgrade", "ecology-environment", "6", PPP, "urban-development"),
    ("固体废物资源化利用中心", "Solid waste recycling centre", "ecology-environment", "9", EQUITY, "new-materials"),
    ("分布式光伏及储能", "Distributed photovoltaics and energy storage", "ecology-environment", "12", EQUITY, "new-energy"),
    ("湿地公园及碳汇林", "Wetland park and carbon sink forest", "ecology-environment", "5", PPP, "culture-tourism"),
    ("生态农业观光园", "Ecological agriculture park", "ecology-environment", "4", LEASE, "food-consumer"),
    ("航空物流园", "Aviation logistics park", "industrial-carriers", "35", JOINT, "modern-services"),
    ("临空经济产业园标准厂房", "Standard factories of the airport economy park", "industrial-carriers", "20", LEASE, "electronics"),
    ("高端装备制造产业园", "High-end equipment manufacturing park", "industrial-carriers", "28", EQUITY, "aerospace"),
    ("新能源汽车零部件产业园", "New energy vehicle parts park", "industrial-carriers", "25", EQUITY, "nev"),
    ("生物医药中试基地", "Biomedicine pilot production base", "industrial-carriers", "15", LEASE, "biomedicine"),
    ("跨境电商产业园", "Cross-border e-commerce park", "industrial-carriers", "10", LEASE, "modern-services"),
    ("冷链物流中心", "Cold-chain logistics centre", "industrial-carriers", "8", EQUITY, "food-consumer"),
    ("飞机维修及航材产业园", "Aircraft maintenance and aviation materials park", "industrial-carriers", "18", JOINT, "aerospace"),
    ("东部新区数据中心", "Eastern New Area data centre", "industrial-carriers", "14", EQUITY, "software"),
    ("研发楼宇及人才配套", "Research buildings with talent housing", "industrial-carriers", "12", LEASE, "research-platforms"),
    ("智能制造孵化器", "Smart manufacturing incubator", "industrial-carriers", "5", LEASE, "electronics"),
    ("食品加工产业园", "Food processing park", "industrial-carriers", "7", SALE, "food-consumer"),
    ("新材料产业园", "New materials park", "industrial-carriers", "16", EQUITY, "new-materials"),
    ("城市停车场特许经营", "City car parks franchise", "franchising", "6", PPP, "urban-development"),
    ("充换电站特许经营", "Charging and battery swap stations franchise", "franchising", "5", PPP, "nev"),
    ("城市燃气特许经营", "City gas franchise", "franchising", "12", PPP, "urban-development"),
    ("供水一体化特许经营", "Integrated water supply franchise", "franchising", "15", PPP, "urban-development"),
    ("垃圾焚烧发电", "Waste-to-energy plant", "franchising", "10", PPP, "new-energy"),
    ("智慧路灯及城市感知网络", "Smart street lighting and urban sensing network", "franchising", "4", PPP, "software"),
    ("公交场站综合开发", "Bus depot transit-oriented development", "franchising", "18", PPP, "urban-development"),
    ("户外广告经营权", "Outdoor advertising rights", "franchising", "2", PPP, "digital-economy"),
    ("人才公寓", "Talent apartments", "housing", "20", EQUITY, "urban-development"),
    ("保障性租赁住房", "Affordable rental housing", "housing", "25", PPP, "urban-development"),
    ("国际社区", "International community", "housing", "30", JOINT, "urban-development"),
    ("安置房建设", "Resettlement housing", "housing", "18", PPP, "urban-development"),
    ("长租公寓运营", "Long-term rental apartments", "housing", "6", LEASE, "modern-services"),
    ("空港新城住宅用地", "Residential land, airport new town", "housing", "22", SALE, "urban-development"),
    ("未来社区示范项目", "Future community pilot", "housing", "15", JOINT, "digital-economy"),
    ("轨道交通站点综合开发", "Metro station integrated development", "infrastructure", "25", JOINT, "urban-development"),
    ("城市道路及综合管廊", "Urban roads and utility tunnels", "infrastructure", "20", PPP, "urban-development"),
    ("机场货运配套道路", "Airport freight access roads", "infrastructure", "12", PPP, "urban-development"),
    ("110千伏变电站", "110 kV substation", "infrastructure", "6", PPP, "new-energy"),
    ("5G基站及通信管网", "5G base stations and communication ducts", "infrastructure", "5", EQUITY, "electronics"),
    ("智慧交通系统", "Smart traffic system", "infrastructure", "4", PPP, "software"),
    ("水厂及供水管网", "Waterworks and supply network", "infrastructure", "10", PPP, "urban-development"),
    ("公交枢纽", "Bus hub", "infrastructure", "8", PPP, "urban-development"),
    ("物流专用通道", "Dedicated logistics corridor", "infrastructure", "10", PPP, "modern-services"),
)  # fmt: skip

# The illustrative item linked, for the demo, to a project signed at the same conference.
EASTERN_SIGNED = ("航空物流园", "成都东部新区与Hong Kong Air Cargo Carrier签约项目")

JIAOZI_SOURCE = (
    "Source: 'August Roundup at Chengdu Hi-Tech Zone' (CDHT news, August 2020): a list of investment "
    "opportunities was released at the Jiaozi Park Financial and Commercial Zone project cooperation "
    "conference of 28 Aug 2020. The source gives none of its items: those here are illustrative (demo)."
)
JIAOZI_ITEMS = (
    ("交子公园金融商务区甲级写字楼", "Grade-A office towers, Jiaozi Park", "buildings", "25", LEASE, "modern-services"),
    ("金融科技产业载体", "Fintech industrial space", "industrial-carriers", "8", LEASE, "modern-services"),
    ("交子公园商业综合体", "Jiaozi Park commercial complex", "urban-functions", "30", JOINT, "modern-services"),
    ("国际人才公寓", "International talent apartments", "housing", "6", EQUITY, "urban-development"),
    ("智慧出行应用场景", "Smart travel application scenarios", "scenarios", "2", JOINT, "digital-economy"),
)  # fmt: skip


def check_tables() -> None:
    """Raise ValueError unless the Eastern New Area list adds up to its published figures."""
    total = sum((Decimal(row[3]) for row in EASTERN_ILLUSTRATIVE), Decimal(0))
    count = len(EASTERN_ILLUSTRATIVE) + len(EASTERN_NAMED)
    categories = {row[2] for row in EASTERN_ILLUSTRATIVE} | {row[2] for row in EASTERN_NAMED}
    if (total, count, len(categories)) != (EASTERN_TOTAL_YI, EASTERN_COUNT, 6):
        raise ValueError(f"Eastern New Area list: {count} items in {len(categories)} categories, {total} 亿元")


def _list(*, title, title_en, area, unit, event, released_on, notes) -> tuple[OpportunityList, bool]:
    found = OpportunityList.objects.filter(title=title, publishing_area=area).first()
    if found is not None:
        return found, False
    created = services.list_create(
        fields={
            "title": title,
            "title_en": title_en,
            "publishing_area": area,
            "publishing_unit": unit,
            "released_on": released_on,
            "event": event,
            "published": True,
            "notes": notes,
            "is_demo": True,
        },
        audit_message="demo data",
    )
    return created, True


def _add(opportunity_list, area, row, *, demo: bool, note: str) -> None:
    title, title_en, code, yi, mode, sector = row
    if Opportunity.objects.filter(list=opportunity_list, title=title).exists():
        return
    services.opportunity_create(
        opportunity_list=opportunity_list,
        fields={
            "title": title,
            "title_en": title_en,
            "category": OpportunityCategory.objects.get(code=code),
            "host_area": area,
            "estimated_value": Decimal(yi) * YI if yi else None,
            "cooperation_mode": mode,
            "description_en": note,
            "is_demo": demo,
        },
        sectors=list(Sector.objects.filter(code=sector)) if sector else [],
        audit_message="demo data",
    )


ILLUSTRATIVE = "Illustrative item (demo); its amount is illustrative."
NAMED = "Named in the published list; no amount was published for it."

# The lists: (area code, unit code, start of the event's English name, release date, title, English title, notes)
LISTS = (
    ("cd-eastern", "cd-eastern-cmte", "InnoEX 2023", dt.date(2023, 4, 12), "成都东部新区2023年第一批投资机会清单",
     "Chengdu Eastern New Area investment opportunities, first wave 2023", EASTERN_SOURCE),
    ("cd-ht-jiaozi", "cd-hitech-cmte", "Chengdu Hi-Tech Zone project signings", dt.date(2020, 8, 28),
     "交子公园金融商务区投资机会清单", "Jiaozi Park Financial and Commercial Zone investment opportunities", JIAOZI_SOURCE),
)  # fmt: skip


def load(stdout=None) -> None:
    check_tables()
    made = []
    for area_code, unit_code, event_name, released_on, title, title_en, notes in LISTS:
        area = Area.objects.filter(code=area_code).first()
        if area is None:
            return  # the demo ledger's reference data is not loaded
        opportunity_list, created = _list(
            title=title,
            title_en=title_en,
            area=area,
            unit=Unit.objects.filter(code=unit_code).first(),
            event=SigningEvent.objects.filter(name_en__startswith=event_name).first(),
            released_on=released_on,
            notes=notes,
        )
        made += [opportunity_list.label] if created else []
        if area_code == "cd-eastern":
            named = [(title, title_en, code, "", mode, sector) for title, title_en, code, mode, sector in EASTERN_NAMED]
            rows = [(row, False, NAMED) for row in named] + [(row, True, ILLUSTRATIVE) for row in EASTERN_ILLUSTRATIVE]
        else:
            rows = [(row, True, ILLUSTRATIVE) for row in JIAOZI_ITEMS]
        for row, is_demo, note in rows:
            _add(opportunity_list, area, row, demo=is_demo, note=note)
        if area_code == "cd-eastern":
            _link_signed(opportunity_list)
    if stdout is not None and made:
        stdout.write("  opportunity lists: " + ", ".join(made))


def _link_signed(eastern_list: OpportunityList) -> None:
    title, project_name = EASTERN_SIGNED
    opportunity = Opportunity.objects.filter(list=eastern_list, title=title).first()
    project = Project.objects.filter(name=project_name).first()
    if opportunity is None or project is None or opportunity.status != Status.OPEN:
        return
    if Opportunity.objects.filter(project=project).exists():
        return
    services.opportunity_set_status(
        opportunity=opportunity,
        status=Status.SIGNED,
        reason="Illustrative link (demo): signed with Hong Kong Air Cargo Carrier at the conference where the list was released.",
        project=project,
        on=dt.date(2023, 4, 12),
    )

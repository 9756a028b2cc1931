"""Signing events of the demo ledger, with the figures announced at each and where they come from.

The announced figures are those of the public releases (see each event's notes). The ledger's
own totals are computed from the projects and set beside them on the event page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from investledger.ledger.events.models import SigningEvent

BILLION = Decimal("1000000000")


@dataclass(frozen=True)
class Ev:
    name: str
    name_en: str
    kind: str
    date: dt.date
    place: str
    lead_unit: str
    host_area: str
    end_date: dt.date | None = None
    online: bool = False
    organiser: str = ""
    announced_count: int | None = None
    announced_value_cny: Decimal | None = None
    source_url: str = ""
    notes: str = ""


EVENTS: dict[str, Ev] = {
    "sce2022": Ev(
        name="2022中国国际智能产业博览会重点项目线上签约仪式",
        name_en="Smart China Expo 2022 Key Projects Signing Ceremony (Online)",
        kind=SigningEvent.Kind.ONLINE,
        date=dt.date(2022, 8, 22),
        place="重庆 Chongqing",
        online=True,
        organiser="Chongqing Municipal Bureau of Investment Promotion and Facilitation",
        lead_unit="cq-bureau",
        host_area="cq",
        announced_count=70,
        announced_value_cny=Decimal("212.1") * BILLION,
        notes=(
            "Source: iChongqing news report released through PR Newswire, Chongqing, 23 Aug 2022. "
            "Announced: 70 projects signed online on 22 Aug 2022 with contract investment of RMB 212.1 bn; "
            "54 projects of more than RMB 1 bn, 80% in strategic emerging industries; smart and "
            "internet-connected new energy vehicles 18 projects RMB 83.3 bn (mainly parts and components); "
            "software information and technological innovation 14 projects RMB 33 bn (investors include "
            "Kingdee and Perfect World); electronics and equipment 13 projects RMB 22.4 bn (including a "
            "6-inch IGBT wafer production line, an 8-inch wafer fabrication project and the Chongqing "
            "Institute of Carbon-based Integrated Circuits of Peking University); biomedicine 6 projects "
            "RMB 12.8 bn (ADC R&D and industrialisation, a BNCT demonstration base, nuclear medicine and "
            "health technology, a micro-dose CBS-CT production line); further projects in new energy, new "
            "materials, private equity and other industries. The bureau said it would keep a ledger, follow "
            "up each project, supervise and inspect, and hold districts and project owners responsible. "
            "The source gives totals only: the individual projects of this demo are illustrative, built so "
            "that the ledger's totals equal the announced ones. Two projects first signed in 2020 were "
            "signed again here (re-signings, counted nothing) and one was upgraded (counted as a project, "
            "not its amount)."
        ),
    ),
    "cq2020-demo": Ev(
        name="重庆市2020年重点项目集中签约活动（演示）",
        name_en="Chongqing key projects signing, December 2020 (demo)",
        kind=SigningEvent.Kind.CEREMONY,
        date=dt.date(2020, 12, 8),
        place="重庆 Chongqing",
        lead_unit="cq-bureau",
        host_area="cq",
        notes=(
            "Invented for the demo; no source. It holds three Chongqing projects signed in 2020 so that the "
            "Smart China Expo 2022 can show the counting-once rule: two of them are re-signed there (one "
            "with an inflated amount) and add nothing, one is upgraded and counts as a project without "
            "its amount."
        ),
    ),
    "cdht2020": Ev(
        name="成都高新区2020年8月重大项目签约",
        name_en="Chengdu Hi-Tech Zone project signings, August 2020",
        kind=SigningEvent.Kind.OTHER,
        date=dt.date(2020, 8, 6),
        end_date=dt.date(2020, 8, 31),
        place="成都高新区 Chengdu Hi-Tech Zone",
        organiser="Chengdu Hi-Tech Zone Administrative Committee",
        lead_unit="cd-hitech-cmte",
        host_area="cd-hitech",
        notes=(
            "Source: 'August Roundup at Chengdu Hi-Tech Zone' (CDHT news, August 2020). A month of signings: "
            "AWS China joint innovation centre (6 Aug, no amount); 28 investment ambassadors and 27 agencies "
            "(19 Aug); Tencent new cultural and creative headquarters RMB 5 bn (20 Aug; the release adds "
            "'$7300 million', which does not match); NetEase Chengdu Digital Industry Base about RMB 13 bn "
            "($1.88 bn, 20 Aug); Sichuan University and UESTC RMB 10 bn each (21 Aug); ByteDance about "
            "RMB 10 bn (25 Aug); New Economy Industrial Functional Zone: 9 companies over RMB 10 bn, among "
            "them Huamei (Chengdu) Digital Technology RMB 1 bn (26 Aug); electronic information chain "
            "projects RMB 25.4 bn, among them Eswin RMB 11 bn (27 Aug); Jiaozi Park: 9 projects over "
            "RMB 1.7 bn, including Macau International Bank-related projects, Yanjiyou and Sinochem Financial "
            "Technology headquarters (28 Aug); Tianfu International Bio-Town: 23 projects RMB 16.8 bn "
            "including Maccura's IVD Tianfu Industrial Park (29 Aug). The source gives no total for the "
            "month, so none is announced here. Bio-Town and Jiaozi Park projects other than those named are "
            "illustrative; cooperation agreements without an amount (AWS, LinkedIn, Xinhua Winshare) are not "
            "entered as projects."
        ),
    ),
    "smarthk2020": Ev(
        name="2020“智慧香港”SmartHK（四川）",
        name_en="SmartHK 2020 (Sichuan)",
        kind=SigningEvent.Kind.EXPO,
        date=dt.date(2020, 11, 1),
        place="成都、眉山、绵阳 Chengdu, Meishan and Mianyang (in person and online)",
        organiser="Hong Kong Trade Development Council, with Sichuan government entities",
        lead_unit="ms-bureau",
        host_area="ms",
        announced_count=7,
        announced_value_cny=Decimal("156.9") * BILLION,
        source_url="https://hkmb.hktdc.com/en/1X0AL2WY",
        notes=(
            "Source: HKTDC 'SmartHK plugs into Sichuan', 2 Dec 2020. SmartHK was held in Chengdu, Meishan "
            "and Mianyang in November 2020 (the source gives the month only; the first of the month is "
            "entered as the date). Meishan Mayor Hu Yuankun said there are seven Hong Kong-funded projects "
            "in Meishan with total planned investment of RMB 156.9 bn (US$23.9 bn), and that in 2018 the "
            "Meishan City Government and Hong Kong Xinhua Group signed the Sichuan-Hong Kong Cooperation "
            "Demonstration Park agreement. The seven projects are recorded under this event; apart from the "
            "Xinhua Group park they are illustrative, and all their amounts are, built to total RMB 156.9 bn."
        ),
    ),
    "innoex2023": Ev(
        name="2023创新科技博览（InnoEX）成都政企代表团签约",
        name_en="InnoEX 2023: Chengdu government and enterprise delegation signings",
        kind=SigningEvent.Kind.EXPO,
        date=dt.date(2023, 4, 12),
        end_date=dt.date(2023, 4, 15),
        place="香港会议展览中心 Hong Kong Convention and Exhibition Centre",
        organiser="Hong Kong Trade Development Council; Chengdu delegation led by Chengdu Investment Promotion Bureau",
        lead_unit="cd-bureau",
        host_area="cd",
        notes=(
            "Source: 'High-profile deals, world debuts, development opportunities north of CNY80 billion "
            "unveiled' (Goknews, 14 Apr 2023). Signed: ADASpace (Chengdu) with Asia Satellite "
            "Telecommunications Holdings (AsiaSat) for the design, development and delivery of 180 "
            "communications and remote sensing satellites and Hong Kong ground-station systems; Hong Kong "
            "Yi Fu Industrial (Group) with CNBM (Chengdu) Optoelectronic Materials on a CdTe power generation "
            "glass curtain wall and rooftop distributed power station in Kunming's Dayu City; Chengdu Eastern "
            "New Area with Hong Kong Air Cargo Carrier Limited and Outlet (International) Limited. No amounts "
            "are stated, so these projects are entered with their amounts undisclosed. The 'north of CNY80 billion' of the "
            "headline are opportunities, not signings: Chengdu Eastern New Area released 58 investment "
            "opportunities in six categories (urban functions, ecology and environment, industrial carriers, "
            "franchising, housing, infrastructure) of about RMB 81.3 bn."
        ),
    ),
}


def event_fields(ev: Ev) -> dict:
    return {
        "name": ev.name,
        "name_en": ev.name_en,
        "kind": ev.kind,
        "date": ev.date,
        "end_date": ev.end_date,
        "place": ev.place,
        "online": ev.online,
        "organiser": ev.organiser,
        "announced_count": ev.announced_count,
        "announced_value_cny": ev.announced_value_cny,
        "source_url": ev.source_url,
        "notes": ev.notes,
        "is_demo": True,
    }

"""The projects of the demo ledger, as explicit tables, and the published figures they must meet.

Amounts are written in 亿元 (RMB 100 million), the unit bureau staff use, as exact decimal strings.
No amount is drawn at random: the tables are the data, and `check_tables()` proves, before anything
is written, that each batch adds up to the figures its source published.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from investledger.ledger.projects.choices import AgreementType, SigningKind

YI = Decimal("100000000")
BILLION = Decimal("1000000000")
CONTRACT, FRAMEWORK = AgreementType.CONTRACT, AgreementType.FRAMEWORK


@dataclass(frozen=True)
class Row:
    """One project: Chinese name (the record's name), English name, investor key, host area code,
    sector code, amount in 亿元. `invented` rows are illustrative; the others state source facts."""

    name: str
    name_en: str
    investor: str
    area: str
    sector: str
    yi: str
    agreement: str = CONTRACT
    invented: bool = True
    signed_on: dt.date | None = None
    note: str = ""
    contact: bool = False
    fields: dict = field(default_factory=dict)
    co_investors: tuple[str, ...] = ()

    @property
    def value_cny(self) -> Decimal:
        return Decimal(self.yi) * YI


@dataclass(frozen=True)
class Batch:
    """Projects first signed at one event, and what the source says about them."""

    event: str
    basis: str  # what the source gives, for the descriptions of invented rows
    rows: tuple[Row, ...]
    published_count: int | None = None
    published_value_yi: str | None = None


# --- Smart China Expo 2022 ---------------------------------------------------------------------
# The release gives totals per industry only. The rows below are illustrative and add up to them.

SCE_BASIS = (
    "the Smart China Expo 2022 release gives only totals per industry (e.g. smart connected NEV "
    "18 projects, RMB 83.3 bn)"
)
KINGDEE_NOTE = "The release names Kingdee among the investors; the project and its amount are illustrative."
PW_NOTE = "The release names Perfect World among the investors; the project and its amount are illustrative."
NAMED_SUBJECT = "The release names this project; its investor, host area and amount are illustrative."

SCE_NEV = (
    Row("动力电池电芯及模组生产基地项目", "Power battery cell and module production base", "yuxin", "cq-lj-yufu", "nev", "180.0", contact=True),
    Row("新能源汽车电驱动系统产业化项目", "NEV electric drive system industrialisation", "hengqu", "cq-bishan", "nev", "85.0"),
    Row("智能座舱及域控制器研发生产基地", "Smart cockpit and domain controller R&D and production base", "zhicang", "cq-liangjiang", "nev", "60.0"),
    Row("车规级激光雷达生产项目", "Automotive-grade lidar production", "guangjian", "cq-yubei", "nev", "45.0"),
    Row("氢燃料电池电堆及系统项目", "Hydrogen fuel cell stack and system project", "qingyuan", "cq-jiulongpo", "nev", "55.0"),
    Row("新能源汽车一体化压铸车身件项目", "Integrated die-cast NEV body parts", "zhuxing", "cq-jiangjin", "nev", "48.0"),
    Row("汽车线控底盘系统项目", "Drive-by-wire chassis systems", "chikong", "cq-liangjiang", "nev", "42.0"),
    Row("动力电池正极材料项目", "Power battery cathode materials", "yuxin", "cq-changshou", "nev", "50.0", contact=True),
    Row("新能源汽车热管理系统项目", "NEV thermal management systems", "guanre", "cq-yubei", "nev", "36.0"),
    Row("智能网联汽车测试验证基地", "Intelligent connected vehicle testing and validation base", "yuce", "cq-yongchuan", "nev", "30.0"),
    Row("车规级芯片模组封装项目", "Automotive-grade chip module packaging", "xinche", "cq-liangjiang", "nev", "40.0"),
    Row("新能源商用车生产基地项目", "New energy commercial vehicle production base", "shanyun", "cq-banan", "nev", "65.0"),
    Row("动力电池回收利用项目", "Power battery recycling and reuse", "yuxin", "cq-fuling", "nev", "28.0", contact=True),
    Row("汽车高压连接器及线束项目", "Automotive high-voltage connectors and wiring harnesses", "lianjie", "cq-bishan", "nev", "22.0"),
    Row("智能驾驶高精地图及算法中心", "Autonomous driving HD map and algorithm centre", "tuzhi", "cq-lj-digital", "nev", "18.0"),
    Row("新能源汽车充换电设备项目", "NEV charging and battery-swap equipment", "chonghuan", "cq-jiulongpo", "nev", "14.5"),
    Row("汽车轻量化铝合金轮毂项目", "Lightweight aluminium alloy wheels", "qinglun", "cq-jiangjin", "nev", "8.5"),
    Row("车载显示模组项目", "In-vehicle display modules", "shixian", "cq-yubei", "nev", "6.0"),
)  # fmt: skip

SCE_SOFTWARE = (
    Row("金蝶软件西部区域总部及工业软件研发中心", "Kingdee western regional headquarters and industrial software R&D centre", "kingdee", "cq-lj-digital", "software", "30.0", note=KINGDEE_NOTE),
    Row("完美世界西南数字内容研发基地", "Perfect World south-west digital content R&D base", "perfectworld", "cq-liangjiang", "software", "25.0", note=PW_NOTE),
    Row("工业互联网平台及标识解析节点项目", "Industrial internet platform and identifier resolution node", "gonglian", "cq-yb-xiantao", "software", "50.0"),
    Row("智能算力中心项目", "Intelligent computing centre", "yunsuan", "cq-liangjiang", "software", "60.0"),
    Row("工业软件研发与适配中心", "Industrial software R&D and adaptation centre", "gongruan", "cq-shapingba", "software", "35.0"),
    Row("信创软件产业园项目", "IT application innovation software park", "xinchuang", "cq-hitech", "software", "40.0"),
    Row("智能网联汽车软件平台项目", "Connected vehicle software platform", "cheyun", "cq-lj-digital", "software", "22.0"),
    Row("软件开发交付中心项目", "Software development and delivery centre", "huima", "cq-jiangbei", "software", "15.0"),
    Row("智慧城市运营平台项目", "Smart city operations platform", "chengyun", "cq-yubei", "software", "18.0"),
    Row("区块链服务平台项目", "Blockchain services platform", "lianshu", "cq-jiangbei", "software", "12.0"),
    Row("人工智能训练数据服务基地", "AI training data services base", "biaoshu", "cq-yb-xiantao", "software", "8.0"),
    Row("网络安全运营中心项目", "Cyber security operations centre", "anxin", "cq-hitech", "software", "6.5"),
    Row("软件人才实训基地项目", "Software talent training base", "xunneng", "cq-shapingba", "software", "5.0"),
    Row("电竞及数字内容工作室项目", "E-sports and digital content studio", "jingjie", "cq-jiangbei", "software", "3.5"),
)  # fmt: skip

SCE_ELECTRONICS = (
    Row("6英寸IGBT晶圆生产线项目", "6-inch IGBT wafer production line", "bayu", "cq-spb-xiyong", "electronics", "40.0", note=NAMED_SUBJECT),
    Row("8英寸晶圆制造项目", "8-inch wafer fabrication", "jingyu", "cq-spb-xiyong", "electronics", "55.0", note=NAMED_SUBJECT),
    Row("北京大学重庆碳基集成电路研究院", "Chongqing Institute of Carbon-based Integrated Circuits of Peking University", "pku", "cq-hitech", "electronics", "15.0", agreement=FRAMEWORK, note="The release names this institute; its amount and host area are illustrative."),
    Row("新型显示模组项目", "New display modules", "xianzhi", "cq-liangjiang", "electronics", "25.0"),
    Row("服务器及存储设备生产基地", "Server and storage equipment production base", "suanli", "cq-liangjiang", "electronics", "20.0"),
    Row("智能终端制造项目", "Smart terminal manufacturing", "zhiduan", "cq-shapingba", "electronics", "18.0"),
    Row("工业机器人及智能装备项目", "Industrial robots and smart equipment", "qingtian", "cq-lj-yufu", "electronics", "14.0"),
    Row("高端数控机床项目", "High-end CNC machine tools", "jingji", "cq-jiulongpo", "electronics", "12.0"),
    Row("功率半导体封装测试项目", "Power semiconductor packaging and testing", "ruifeng", "cq-liangjiang", "electronics", "10.0"),
    Row("MEMS传感器项目", "MEMS sensors", "ganzhi", "cq-yubei", "electronics", "10.0"),
    Row("片式电子元器件项目", "Chip electronic components", "yuyuan", "cq-bishan", "electronics", "3.0"),
    Row("精密模具项目", "Precision moulds", "jingmo", "cq-bishan", "electronics", "2.0"),
)  # fmt: skip

SCE_BIOMEDICINE = (
    Row("抗体偶联药物（ADC）研发及产业化项目", "Antibody-drug conjugate (ADC) R&D and industrialisation", "oulian", "cq-bn-biocity", "biomedicine", "35.0", note=NAMED_SUBJECT),
    Row("硼中子俘获治疗（BNCT）创新示范基地及产业化应用项目", "BNCT innovation demonstration base and industrial application", "zhongzi", "cq-bn-biocity", "biomedicine", "30.0", note=NAMED_SUBJECT),
    Row("核医学与健康科技项目", "Nuclear medicine and health technology", "herui", "cq-banan", "biomedicine", "25.0", note=NAMED_SUBJECT),
    Row("微剂量医用CBS-CT设备生产线项目", "Micro-dose medical CBS-CT machine production line", "weiying", "cq-hitech", "biomedicine", "12.0", note=NAMED_SUBJECT),
    Row("生物药CDMO基地项目", "Biologics CDMO base", "yukang", "cq-bn-biocity", "biomedicine", "20.0"),
    Row("医疗器械产业化项目", "Medical device industrialisation", "kangxie", "cq-bn-biocity", "biomedicine", "6.0"),
)  # fmt: skip

SCE_OTHER = (
    # new energy and new materials: strategic emerging, so the share comes to 80% as announced
    Row("光伏电池片及组件项目", "Photovoltaic cells and modules", "guangsheng", "cq-changshou", "new-energy", "40.0"),
    Row("储能系统集成项目", "Energy storage system integration", "chuyuan", "cq-liangjiang", "new-energy", "28.0"),
    Row("分布式光伏及综合能源服务项目", "Distributed PV and integrated energy services", "yuneng", "cq-fuling", "new-energy", "20.0"),
    Row("风电装备制造项目", "Wind power equipment manufacturing", "fengchi", "cq-jiangjin", "new-energy", "14.0"),
    Row("高性能碳纤维及复合材料项目", "High-performance carbon fibre and composites", "tanxian", "cq-changshou", "new-materials", "35.0"),
    Row("电子级特种气体项目", "Electronic-grade specialty gases", "teqi", "cq-fuling", "new-materials", "25.0"),
    Row("高端铝合金材料项目", "High-end aluminium alloy materials", "yulv", "cq-jiulongpo", "new-materials", "15.0"),
    Row("石墨烯导热膜项目", "Graphene thermal films", "xidao", "cq-banan", "new-materials", "5.0"),
    # private equity, services and consumer goods: not strategic emerging
    Row("渝江产业投资基金项目", "Yujiang industrial investment fund", "yujiang", "cq-jiangbei", "modern-services", "100.0", agreement=FRAMEWORK),
    Row("智能制造产业股权投资基金项目", "Smart manufacturing private equity fund", "zhizao", "cq-liangjiang", "modern-services", "80.0", agreement=FRAMEWORK),
    Row("西部陆海新通道物流枢纽项目", "New Western Land-Sea Corridor logistics hub", "luhaitong", "cq-shapingba", "modern-services", "60.0"),
    Row("区域总部及结算中心项目", "Regional headquarters and settlement centre", "ronghui", "cq-jiangbei", "modern-services", "40.0"),
    Row("供应链金融服务平台项目", "Supply chain finance services platform", "lianrong", "cq-jiangbei", "modern-services", "9.0"),
    Row("人力资源服务产业园项目", "Human resources services industrial park", "caiju", "cq-yubei", "modern-services", "6.0"),
    Row("检验检测认证中心项目", "Testing, inspection and certification centre", "zhunheng", "cq-hitech", "modern-services", "5.0"),
    Row("预制菜及火锅调味品产业园项目", "Prepared dishes and hotpot seasoning industrial park", "yuwei", "cq-yongchuan", "food-consumer", "70.0"),
    Row("柑橘精深加工项目", "Citrus deep processing", "chengyuan", "cq-jiangjin", "food-consumer", "45.0"),
    Row("精酿啤酒生产项目", "Craft beer brewery", "wudu", "cq-jiangbei", "food-consumer", "5.0"),
    Row("消费品智能仓储中心项目", "Consumer goods smart warehousing centre", "youcang", "cq-banan", "food-consumer", "4.0"),
)  # fmt: skip

# Published sector figures of the release, in 亿元: (sector code, count, value).
SCE_PUBLISHED_SECTORS = (
    ("nev", 18, "833"),
    ("software", 14, "330"),
    ("electronics", 13, "224"),
    ("biomedicine", 6, "128"),
)
SCE_PUBLISHED_LARGE = 54
SCE_PUBLISHED_STRATEGIC_SHARE = Decimal("0.80")  # "80% were projects of strategic emerging industries"

# --- Chongqing, December 2020 (demo event): re-signed and upgraded at the Smart China Expo 2022 ---

CQ2020_BASIS = "this 2020 event is invented to show re-signings and an upgrade at the Smart China Expo 2022"
CQ2020 = (
    Row("汽车电子电器零部件项目", "Automotive electronic and electrical components", "jiachi", "cq-liangjiang", "nev", "18.0"),
    Row("大数据智能化产业园项目", "Big data and intelligence industrial park", "shuju", "cq-yb-xiantao", "software", "20.0"),
    Row("智能装备产业园项目", "Smart equipment industrial park", "zhizhuang", "cq-lj-yufu", "electronics", "12.0"),
)  # fmt: skip


@dataclass(frozen=True)
class Again:
    """A later signing of a project already in the ledger (re-signing, upgrade...)."""

    project: str  # name of the project
    first_event: str
    event: str
    kind: str
    stated_yi: str
    notes: str


AGAIN = (
    Again("汽车电子电器零部件项目", "cq2020-demo", "sce2022", SigningKind.RESIGNING, "18.0",
          "Re-signed at the Smart China Expo 2022 with the same amount: adds no project and no amount."),
    Again("大数据智能化产业园项目", "cq2020-demo", "sce2022", SigningKind.RESIGNING, "35.0",
          "Re-signed with an inflated amount (RMB 3.5 bn against 2.0 bn in 2020): counted nothing; the "
          "ledger keeps the 2020 amount."),
    Again("智能装备产业园项目", "cq2020-demo", "sce2022", SigningKind.UPGRADE, "30.0",
          "Upgraded to a second phase (RMB 3.0 bn stated): counts as one of the expo's 70 projects, "
          "but not its amount again."),
)  # fmt: skip

# --- Chengdu Hi-Tech Zone, August 2020 -----------------------------------------------------------

D = dt.date
CDHT_NAMED = (
    Row("字节跳动西部创新商务中心", "ByteDance western innovation business centre", "bytedance", "cd-hitech", "digital-economy", "100.0",
        invented=False, signed_on=D(2020, 8, 25), fields={"value_approximate": True},
        note="Signed 25 Aug 2020: 'an investment of approx. 10 billion RMB' to build an innovative business "
             "centre (cultural and creative projects, live broadcasting industrial parks, AI education systems, "
             "interactive multimedia). The amount is approximate."),
    Row("腾讯新文创总部", "Tencent new cultural and creative headquarters", "tencent", "cd-hitech", "digital-economy", "50.0",
        invented=False, signed_on=D(2020, 8, 20),
        note="Signed 20 Aug 2020: 'invest RMB 5 billion ($7300 million)'. The two figures do not agree: "
             "RMB 5 bn was about USD 0.72 bn in August 2020, so '$7300 million' is off by a factor of ten "
             "(probably meant $730 million). The RMB figure is entered; the dollar figure is not used."),
    Row("网易成都数字产业基地", "NetEase Chengdu Digital Industry Base", "netease", "cd-ht-xinchuan", "digital-economy", "0",
        invented=False, signed_on=D(2020, 8, 20),
        fields={"currency": "USD", "contract_value": Decimal("1880000000"), "fx_rate": Decimal("6.914894"),
                "fx_date": D(2020, 8, 20), "value_approximate": True},
        note="Signed 20 Aug 2020: 'a total investment of approximately RMB 13 billion ($1.88 billion)', in two "
             "phases, the first in the Singapore-Sichuan Hi-tech Innovation Park (95 acres, about 110,000 m²). "
             "Entered as USD 1.88 bn at 6.914894, the rate implied by the release's own two figures "
             "(13 / 1.88), which gives about RMB 13 bn; the amount is approximate."),
    Row("四川大学重大科技基础设施和国家级创新平台", "Sichuan University major science infrastructure and national innovation platforms",
        "scu", "cd-hitech", "research-platforms", "100.0", agreement=FRAMEWORK, invented=False, signed_on=D(2020, 8, 21),
        note="Cooperation agreement signed 21 Aug 2020, one of three '100 Plans' projects: RMB 10 bn to jointly "
             "build major technological infrastructure and a national innovation platform."),
    Row("电子科技大学新一代信息技术国家实验室及世界一流教育园区",
        "UESTC new-generation information technology national laboratory and world-class education park",
        "uestc", "cd-hitech", "research-platforms", "100.0", agreement=FRAMEWORK, invented=False, signed_on=D(2020, 8, 21),
        note="Cooperation agreement signed 21 Aug 2020, one of three '100 Plans' projects: RMB 10 bn to jointly "
             "build a new-generation IT national laboratory and a world-class education park."),
    Row("奕斯伟集成电路高端封装测试项目", "Eswin integrated circuit premium packaging and testing", "eswin", "cd-hitech", "electronics", "110.0",
        invented=False, signed_on=D(2020, 8, 27),
        note="Reported 27 Aug 2020 among electronic information chain projects of RMB 25.4 bn: Eswin invests "
             "11 billion RMB ($1.63 bn) in premium packaging for integrated circuits."),
    Row("华美（成都）文创总部及研发中心", "Huamei cultural and creative headquarters and R&D centre", "huamei", "cd-ht-neweconomy",
        "digital-economy", "10.0", invented=False, signed_on=D(2020, 8, 26),
        note="Signed at the New Economy Industrial Functional Zone ceremony (26 Aug 2020): one billion RMB for a "
             "cultural and creative headquarters, an R&D centre, a science pavilion, a satellite map gallery "
             "and a 5G big data operating centre."),
)  # fmt: skip

BIOTOWN_DATE = D(2020, 8, 29)
BIOTOWN_BASIS = (
    "the source says only that Tianfu International Bio-Town kickstarted 23 projects of RMB 16.8 bn in "
    "biotech drugs, new chemical preparations, high-performance medical devices and smart health + precision "
    "medicine, naming Maccura"
)
BIOTOWN = tuple(
    Row(name, name_en, investor, "cd-ht-biotown", "biomedicine", yi, signed_on=BIOTOWN_DATE, note=note)
    for name, name_en, investor, yi, note in (
        ("迈克生物IVD天府产业园", "Maccura IVD Tianfu Industrial Park", "maccura", "20.0",
         "The source names Maccura's IVD Tianfu Industrial Park (in vitro diagnostic blood-cell and cleaning "
         "products) as a key project; its amount is illustrative."),
        ("单克隆抗体药物产业化基地", "Monoclonal antibody drug industrialisation base", "rongkang", "15.0", ""),
        ("新型疫苗研发生产项目", "New vaccine R&D and production", "rongmiao", "14.0", ""),
        ("创新化学药制剂生产基地", "Innovative chemical drug preparation base", "jinyao", "12.0", ""),
        ("高端医学影像设备项目", "High-end medical imaging equipment", "yingrui", "11.0", ""),
        ("精准医疗基因检测中心", "Precision medicine genetic testing centre", "jizhun", "10.0", ""),
        ("细胞与基因治疗CDMO平台", "Cell and gene therapy CDMO platform", "qibao", "9.5", ""),
        ("高值医用耗材生产项目", "High-value medical consumables", "jinhao", "8.5", ""),
        ("智慧健康管理平台项目", "Smart health management platform", "kangguanjia", "8.0", ""),
        ("中药创新药产业化项目", "Innovative traditional Chinese medicine industrialisation", "shucao", "7.5", ""),
        ("体外诊断试剂生产线项目", "In vitro diagnostic reagent production line", "zhenyuan", "7.0", ""),
        ("血液制品研发项目", "Blood products R&D", "xueyuan", "6.5", ""),
        ("医用手术机器人研发生产项目", "Surgical robot R&D and production", "shuzhi", "6.0", ""),
        ("多肽药物研发平台项目", "Peptide drug R&D platform", "taiyuan", "5.5", ""),
        ("药物临床研究服务中心", "Clinical research services centre (CRO)", "linyan", "5.0", ""),
        ("核酸药物研发项目", "Nucleic acid drug R&D", "helian", "4.5", ""),
        ("口腔医疗器械项目", "Dental medical devices", "chikang", "4.0", ""),
        ("康复辅助器具项目", "Rehabilitation aids", "kangfu", "3.5", ""),
        ("天府生物医药孵化器项目", "Tianfu biomedicine incubator", "tianfu-incubator", "3.0", ""),
        ("医药冷链物流中心项目", "Pharmaceutical cold chain logistics centre", "yaoan", "2.5", ""),
        ("宠物疫苗研发项目", "Companion animal vaccine R&D", "chongan", "2.0", ""),
        ("眼科创新药项目", "Innovative ophthalmic drugs", "mingmou", "1.5", ""),
        ("医学人工智能辅助诊断平台项目", "Medical AI-assisted diagnosis platform", "yizhi", "1.5", ""),
    )
)  # fmt: skip

JIAOZI_DATE = D(2020, 8, 28)
JIAOZI_BASIS = (
    "the source says only that 9 projects of more than RMB 1.7 bn settle in the Jiaozi Park Financial and "
    "Commercial Zone (smart travel, AI, catering, digital culture, fintech), naming Macau International "
    "Bank-related projects, Yanjiyou and Sinochem Financial Technology headquarters"
)
NAMED_JIAOZI = "The source names this project; its amount is illustrative."
JIAOZI = tuple(
    Row(name, name_en, investor, "cd-ht-jiaozi", sector, yi, signed_on=JIAOZI_DATE, note=note)
    for name, name_en, investor, sector, yi, note in (
        ("澳门国际银行成都相关项目", "Macau International Bank-related project", "macau-bank", "modern-services", "4.0", NAMED_JIAOZI),
        ("Yanjiyou全国总部", "Yanjiyou national headquarters", "yanjiyou", "modern-services", "2.5", NAMED_JIAOZI),
        ("Sinochem Financial Technology总部", "Sinochem Financial Technology headquarters", "sinochem-fintech", "modern-services", "3.0", NAMED_JIAOZI),
        ("智慧出行服务平台项目", "Smart travel services platform", "xingzhi", "digital-economy", "2.0", ""),
        ("人工智能应用创新中心", "Artificial intelligence application innovation centre", "jinzhi", "software", "1.8", ""),
        ("川味餐饮品牌西南总部", "Sichuan cuisine brand south-west headquarters", "shuwei", "food-consumer", "1.2", ""),
        ("数字文创内容平台项目", "Digital culture content platform", "jinwen", "digital-economy", "1.0", ""),
        ("金融科技创新实验室", "Fintech innovation laboratory", "lianjin", "modern-services", "0.8", ""),
        ("跨境支付服务中心", "Cross-border payment services centre", "kuafu", "modern-services", "0.7", ""),
    )
)  # fmt: skip

# --- SmartHK 2020: seven Hong Kong-funded projects in Meishan -----------------------------------

SMARTHK_BASIS = (
    "Meishan's mayor said at SmartHK 2020 that there are seven Hong Kong-funded projects in Meishan with "
    "total planned investment of RMB 156.9 bn, naming only the Hong Kong Xinhua Group park"
)
SMARTHK = (
    Row("川港合作示范园项目", "Sichuan-Hong Kong Cooperation Demonstration Park", "hk-xinhua", "ms-tianfu", "urban-development", "500.0",
        agreement=FRAMEWORK,
        note="The Meishan City Government and Hong Kong Xinhua Group signed the park's cooperation agreement in "
             "2018 (Meishan's mayor at SmartHK 2020); it is recorded under SmartHK 2020, where the seven "
             "Hong Kong-funded projects were reported. Its amount and host area are illustrative."),
    Row("港资锂电新材料产业园项目", "Hong Kong-funded lithium battery materials industrial park", "gangjin", "ms-pengshan", "new-materials", "300.0"),
    Row("眉山国际物流港项目", "Meishan international logistics port", "gangtong", "ms-dongpo", "modern-services", "200.0"),
    Row("瓦屋山文旅康养度假区项目", "Wawu Mountain culture, tourism and wellness resort", "gangyue", "ms-hongya", "culture-tourism", "250.0"),
    Row("仁寿视高新城综合开发项目", "Renshou Shigao new town development", "xiangjiang", "ms-renshou", "urban-development", "180.0"),
    Row("眉山大数据中心项目", "Meishan big data centre", "gangshu", "ms-pengshan", "digital-economy", "89.0"),
    Row("东坡泡菜食品产业园项目", "Dongpo pickles food industrial park", "gangwei", "ms-dongpo", "food-consumer", "50.0"),
)  # fmt: skip

# --- InnoEX 2023: deals without a stated amount ---------------------------------------------------

UNDISCLOSED = (
    " No amount is stated in the source. The amount is entered as undisclosed, so that the project is "
    "counted while staying out of value totals and shares; replace it when the amount is known."
)
INNOEX_DATE = D(2023, 4, 12)
INNOEX = (
    Row("国星宇航为亚洲卫星研制交付180颗通信及遥感卫星合同", "ADASpace contract to deliver 180 satellites to AsiaSat",
        "adaspace", "cd-hitech", "aerospace", "0", invented=False, signed_on=INNOEX_DATE,
        fields={"value_undisclosed": True},
        note="Contract signed on site at InnoEX 2023: ADASpace (Chengdu) is to design, develop and deliver 180 "
             "communications and remote sensing satellites to Asia Satellite Telecommunications Holdings (Hong Kong) "
             "and develop measurement, operation and control and data processing systems for Hong Kong ground "
             "stations. The source does not say where in Chengdu the work is done; the host area is an assumption."
             + UNDISCLOSED),
    Row("碲化镉发电玻璃幕墙及屋顶分布式电站合作项目（昆明大渔城）",
        "CdTe power generation glass curtain wall and rooftop distributed power station (Dayu City, Kunming)",
        "yifu", "cd", "new-energy", "0", agreement=FRAMEWORK, invented=False, signed_on=INNOEX_DATE,
        fields={"value_undisclosed": True}, co_investors=("cnbm-cd",),
        note="Cooperation of Hong Kong Yi Fu Industrial (Group) with CNBM (Chengdu) Optoelectronic Materials. "
             "The installation is in Kunming; the project is credited to Chengdu (city level) through its "
             "Chengdu partner." + UNDISCLOSED),
    Row("成都东部新区与Hong Kong Air Cargo Carrier签约项目", "Chengdu Eastern New Area contract with Hong Kong Air Cargo Carrier",
        "hk-air-cargo", "cd-eastern", "modern-services", "0", invented=False, signed_on=INNOEX_DATE,
        fields={"value_undisclosed": True},
        note="Signed at the 2023 Chengdu-Hong Kong Investment Cooperation Promotion Conference (12 Apr 2023); "
             "the source names the parties only." + UNDISCLOSED),
    Row("成都东部新区与Outlet (International)签约项目", "Chengdu Eastern New Area contract with Outlet (International)",
        "outlet-intl", "cd-eastern", "modern-services", "0", invented=False, signed_on=INNOEX_DATE,
        fields={"value_undisclosed": True},
        note="Signed at the 2023 Chengdu-Hong Kong Investment Cooperation Promotion Conference (12 Apr 2023); "
             "the source names the parties only." + UNDISCLOSED),
)  # fmt: skip

SCE_ROWS = SCE_NEV + SCE_SOFTWARE + SCE_ELECTRONICS + SCE_BIOMEDICINE + SCE_OTHER

BATCHES: tuple[Batch, ...] = (
    Batch("cq2020-demo", CQ2020_BASIS, CQ2020),
    Batch("cdht2020", "", CDHT_NAMED),
    Batch("cdht2020", JIAOZI_BASIS, JIAOZI, published_count=9, published_value_yi="17"),
    Batch("cdht2020", BIOTOWN_BASIS, BIOTOWN, published_count=23, published_value_yi="168"),
    Batch("smarthk2020", SMARTHK_BASIS, SMARTHK, published_count=7, published_value_yi="1569"),
    # The expo's 70 are these 69 new projects plus the upgrade in AGAIN.
    Batch("sce2022", SCE_BASIS, SCE_ROWS, published_count=70 - 1, published_value_yi="2121"),
    Batch("innoex2023", "", INNOEX),
)


def check_tables(strategic_codes: set[str]) -> None:
    """Raise ValueError unless every batch adds up to its published figures (before writing anything)."""
    problems = []
    for batch in BATCHES:
        total = sum((Decimal(r.yi) for r in batch.rows), Decimal(0))
        if batch.published_count is not None and len(batch.rows) != batch.published_count:
            problems.append(f"{batch.event}: {len(batch.rows)} rows, published {batch.published_count}")
        if batch.published_value_yi is not None and total != Decimal(batch.published_value_yi):
            problems.append(f"{batch.event}: rows sum to {total} 亿, published {batch.published_value_yi}")
        names = [r.name for r in batch.rows]
        if len(set(names)) != len(names):
            problems.append(f"{batch.event}: a project name appears twice")
    upgrades = [a for a in AGAIN if a.event == "sce2022" and a.kind == SigningKind.UPGRADE]
    upgraded_sectors = {r.name: r.sector for r in CQ2020}
    for sector, count, value in SCE_PUBLISHED_SECTORS:
        rows = [r for r in SCE_ROWS if r.sector == sector]
        n = len(rows) + sum(1 for a in upgrades if upgraded_sectors[a.project] == sector)
        v = sum((Decimal(r.yi) for r in rows), Decimal(0))
        if n != count or v != Decimal(value):
            problems.append(f"sce2022 {sector}: {n} projects / {v} 亿, published {count} / {value}")
    large = sum(1 for r in SCE_ROWS if r.value_cny >= BILLION)
    if large != SCE_PUBLISHED_LARGE:
        problems.append(f"sce2022: {large} projects of RMB 1 bn or more, published {SCE_PUBLISHED_LARGE}")
    total = sum((Decimal(r.yi) for r in SCE_ROWS), Decimal(0))
    strategic = sum((Decimal(r.yi) for r in SCE_ROWS if r.sector in strategic_codes), Decimal(0))
    if round(strategic / total, 2) != SCE_PUBLISHED_STRATEGIC_SHARE:
        problems.append(f"sce2022: strategic emerging share {strategic / total:.4f}, published 0.80")
    if problems:
        raise ValueError("demo tables do not match the published figures: " + "; ".join(problems))

"""Investors of the demo ledger, keyed by a short stable code used by the project tables.

Real enterprises and institutions appear only where a source names them, with the projects the
source gives them. Every other investor is invented for the demo (realistic, not real); its notes
say so. Where a source gives only an English name, the English name is used as the name too
rather than guessing the Chinese one.
"""

from __future__ import annotations

from dataclasses import dataclass

from investledger.ledger.investors.models import Investor

LOCAL, OTHER, HMT, FOREIGN = (
    Investor.Origin.LOCAL,
    Investor.Origin.OTHER_PROVINCE,
    Investor.Origin.HMT,
    Investor.Origin.FOREIGN,
)
CENTRAL_SOE, LOCAL_SOE, PRIVATE, INSTITUTION = (
    Investor.Ownership.CENTRAL_SOE,
    Investor.Ownership.LOCAL_SOE,
    Investor.Ownership.PRIVATE,
    Investor.Ownership.INSTITUTION,
)


@dataclass(frozen=True)
class Inv:
    name: str
    name_en: str
    origin: str = OTHER
    ownership: str = PRIVATE
    real: bool = False  # named by a source (otherwise invented for the demo)
    listed: bool = False
    country: str = ""
    notes: str = ""


INVENTED_NOTE = "Invented for the demo ledger; not a real company."
NO_CHINESE_NAME = "Named by the source in English only; Chinese name to be confirmed."

INVESTORS: dict[str, Inv] = {
    # --- Smart China Expo 2022: smart connected new energy vehicles (invented) ---
    "yuxin": Inv("重庆渝新动力电池科技有限公司", "Chongqing Yuxin Power Battery Technology Co., Ltd.", LOCAL),
    "hengqu": Inv("恒驱电动科技（重庆）有限公司", "Hengqu Electric Drive Technology (Chongqing) Co., Ltd."),
    "zhicang": Inv("智舱电子科技有限公司", "Zhicang Electronics Technology Co., Ltd."),
    "guangjian": Inv("光鉴激光雷达科技有限公司", "Guangjian Lidar Technology Co., Ltd."),
    "qingyuan": Inv("氢源动力科技有限公司", "Qingyuan Hydrogen Power Technology Co., Ltd."),
    "zhuxing": Inv("铸星汽车部件有限公司", "Zhuxing Auto Parts Co., Ltd."),
    "chikong": Inv("重庆驰控汽车科技有限公司", "Chongqing Chikong Automotive Technology Co., Ltd.", LOCAL),
    "guanre": Inv("冠热汽车热管理系统有限公司", "Guanre Automotive Thermal Management Systems Co., Ltd."),
    "yuce": Inv("渝测智能网联汽车检测有限公司", "Yuce Intelligent Connected Vehicle Testing Co., Ltd.", LOCAL, LOCAL_SOE),
    "xinche": Inv("芯车微电子有限公司", "Xinche Microelectronics Co., Ltd."),
    "shanyun": Inv("重庆山运新能源商用车有限公司", "Chongqing Shanyun New Energy Commercial Vehicle Co., Ltd.", LOCAL, LOCAL_SOE),
    "lianjie": Inv("联捷汽车电气系统有限公司", "Lianjie Automotive Electrical Systems Co., Ltd."),
    "tuzhi": Inv("图智科技有限公司", "Tuzhi Technology Co., Ltd."),
    "chonghuan": Inv("充换能源科技有限公司", "Chonghuan Energy Technology Co., Ltd."),
    "qinglun": Inv("轻轮铝业有限公司", "Qinglun Aluminium Co., Ltd."),
    "shixian": Inv("视显光电科技有限公司", "Shixian Optoelectronics Technology Co., Ltd."),
    # --- software and information services ---
    "kingdee": Inv("金蝶国际软件集团有限公司", "Kingdee International Software Group Co., Ltd.", real=True, listed=True),
    "perfectworld": Inv("完美世界股份有限公司", "Perfect World Co., Ltd.", real=True, listed=True),
    "gonglian": Inv("工联网络科技有限公司", "Gonglian Network Technology Co., Ltd."),
    "yunsuan": Inv("重庆云算数据科技集团有限公司", "Chongqing Yunsuan Data Technology Group Co., Ltd.", LOCAL, LOCAL_SOE),
    "gongruan": Inv("工软智造软件有限公司", "Gongruan Industrial Software Co., Ltd."),
    "xinchuang": Inv("重庆信创软件产业发展有限公司", "Chongqing Xinchuang Software Industry Development Co., Ltd.", LOCAL, LOCAL_SOE),
    "cheyun": Inv("车云软件科技有限公司", "Cheyun Software Technology Co., Ltd."),
    "huima": Inv("汇码信息技术有限公司", "Huima Information Technology Co., Ltd."),
    "chengyun": Inv("城运智慧科技有限公司", "Chengyun Smart City Technology Co., Ltd."),
    "lianshu": Inv("链数科技有限公司", "Lianshu Technology Co., Ltd."),
    "biaoshu": Inv("标数智能科技有限公司", "Biaoshu Intelligent Technology Co., Ltd."),
    "anxin": Inv("安芯网络安全技术有限公司", "Anxin Cyber Security Technology Co., Ltd."),
    "xunneng": Inv("训能教育科技有限公司", "Xunneng Education Technology Co., Ltd."),
    "jingjie": Inv("竞界互动娱乐有限公司", "Jingjie Interactive Entertainment Co., Ltd."),
    # --- electronics and equipment ---
    "bayu": Inv("重庆巴渝功率半导体有限公司", "Chongqing Bayu Power Semiconductor Co., Ltd.", LOCAL),
    "jingyu": Inv("晶渝集成电路制造有限公司", "Jingyu Integrated Circuit Manufacturing Co., Ltd."),
    "pku": Inv("北京大学", "Peking University", OTHER, INSTITUTION, real=True),
    "xianzhi": Inv("显智光电科技有限公司", "Xianzhi Display Technology Co., Ltd."),
    "suanli": Inv("算力方舟信息设备有限公司", "Suanli Fangzhou Information Equipment Co., Ltd."),
    "zhiduan": Inv("智端电子有限公司", "Zhiduan Electronics Co., Ltd."),
    "qingtian": Inv("擎天机器人有限公司", "Qingtian Robotics Co., Ltd."),
    "jingji": Inv("精机数控机床有限公司", "Jingji CNC Machine Tools Co., Ltd."),
    "ruifeng": Inv("锐封微电子有限公司", "Ruifeng Microelectronics Co., Ltd."),
    "ganzhi": Inv("感知微系统有限公司", "Ganzhi Microsystems Co., Ltd."),
    "yuyuan": Inv("重庆渝元电子元件有限公司", "Chongqing Yuyuan Electronic Components Co., Ltd.", LOCAL),
    "jingmo": Inv("精模科技有限公司", "Jingmo Technology Co., Ltd."),
    # --- biomedicine ---
    "oulian": Inv("偶联生物制药有限公司", "Oulian Biopharmaceutical Co., Ltd."),
    "zhongzi": Inv("中子医疗科技有限公司", "Zhongzi Medical Technology Co., Ltd."),
    "herui": Inv("核瑞医学科技有限公司", "Herui Nuclear Medicine Technology Co., Ltd."),
    "weiying": Inv("微影医疗设备有限公司", "Weiying Medical Equipment Co., Ltd."),
    "yukang": Inv("重庆渝康生物制药服务有限公司", "Chongqing Yukang Biopharmaceutical Services Co., Ltd.", LOCAL),
    "kangxie": Inv("康械医疗器械有限公司", "Kangxie Medical Devices Co., Ltd."),
    # --- new energy, new materials ---
    "guangsheng": Inv("光晟新能源科技有限公司", "Guangsheng New Energy Technology Co., Ltd."),
    "chuyuan": Inv("储源能源科技有限公司", "Chuyuan Energy Storage Technology Co., Ltd."),
    "yuneng": Inv("重庆渝能综合能源服务有限公司", "Chongqing Yuneng Integrated Energy Services Co., Ltd.", LOCAL, LOCAL_SOE),
    "fengchi": Inv("风驰装备有限公司", "Fengchi Wind Power Equipment Co., Ltd."),
    "tanxian": Inv("碳纤新材料有限公司", "Tanxian New Materials Co., Ltd."),
    "teqi": Inv("特气电子材料有限公司", "Teqi Electronic Materials Co., Ltd."),
    "yulv": Inv("渝铝新材料有限公司", "Yulv New Materials Co., Ltd.", LOCAL),
    "xidao": Inv("烯导科技有限公司", "Xidao Technology Co., Ltd."),
    # --- modern services, food and consumer goods ---
    "yujiang": Inv("重庆渝江产业投资基金管理有限公司", "Chongqing Yujiang Industrial Investment Fund Management Co., Ltd.", LOCAL, LOCAL_SOE),
    "zhizao": Inv("智造股权投资合伙企业（有限合伙）", "Zhizao Equity Investment Partnership (L.P.)"),
    "luhaitong": Inv("陆海通物流集团有限公司", "Luhaitong Logistics Group Co., Ltd."),
    "ronghui": Inv("融汇控股集团有限公司", "Ronghui Holdings Group Co., Ltd."),
    "lianrong": Inv("链融供应链金融服务有限公司", "Lianrong Supply Chain Finance Services Co., Ltd."),
    "caiju": Inv("才聚人力资源服务有限公司", "Caiju Human Resources Services Co., Ltd."),
    "zhunheng": Inv("准衡检验检测认证有限公司", "Zhunheng Testing and Certification Co., Ltd."),
    "yuwei": Inv("重庆渝味食品集团有限公司", "Chongqing Yuwei Food Group Co., Ltd.", LOCAL),
    "chengyuan": Inv("橙园农业科技有限公司", "Chengyuan Agricultural Technology Co., Ltd."),
    "wudu": Inv("重庆雾都精酿啤酒有限公司", "Chongqing Wudu Craft Brewing Co., Ltd.", LOCAL),
    "youcang": Inv("优仓供应链有限公司", "Youcang Supply Chain Co., Ltd."),
    # --- the 2020 Chongqing projects re-signed or upgraded at the Smart China Expo 2022 ---
    "jiachi": Inv("嘉驰汽车电子有限公司", "Jiachi Automotive Electronics Co., Ltd."),
    "shuju": Inv("数聚科技集团有限公司", "Shuju Technology Group Co., Ltd."),
    "zhizhuang": Inv("智装科技集团有限公司", "Zhizhuang Technology Group Co., Ltd."),
    # --- Chengdu Hi-Tech Zone, August 2020 (named by the source) ---
    "bytedance": Inv("北京字节跳动科技有限公司", "ByteDance", real=True),
    "tencent": Inv("腾讯控股有限公司", "Tencent", real=True, listed=True),
    "netease": Inv("网易公司", "NetEase", real=True, listed=True),
    "eswin": Inv("北京奕斯伟科技集团有限公司", "Eswin", real=True),
    "scu": Inv("四川大学", "Sichuan University", LOCAL, INSTITUTION, real=True),
    "uestc": Inv("电子科技大学", "University of Electronic Science and Technology of China", LOCAL, INSTITUTION, real=True),
    "huamei": Inv("Huamei (Chengdu) Digital Technology Co., Ltd.", "Huamei (Chengdu) Digital Technology Co., Ltd.", LOCAL, real=True, notes=NO_CHINESE_NAME),
    "maccura": Inv("迈克生物股份有限公司", "Maccura Biotechnology Co., Ltd.", LOCAL, real=True, listed=True),
    "macau-bank": Inv("澳门国际银行", "Macau International Bank", HMT, real=True, country="Macao"),
    "yanjiyou": Inv("Yanjiyou", "Yanjiyou", real=True, notes=NO_CHINESE_NAME),
    "sinochem-fintech": Inv("Sinochem Financial Technology Corporation", "Sinochem Financial Technology Corporation", OTHER, Investor.Ownership.OTHER, real=True, notes=NO_CHINESE_NAME),
    # --- Tianfu International Bio-Town (invented, except Maccura above) ---
    "rongkang": Inv("蓉抗生物制药有限公司", "Rongkang Biopharmaceutical Co., Ltd."),
    "rongmiao": Inv("蓉苗生物制品有限公司", "Rongmiao Biological Products Co., Ltd."),
    "jinyao": Inv("锦药制药有限公司", "Jinyao Pharmaceutical Co., Ltd."),
    "yingrui": Inv("影锐医疗科技有限公司", "Yingrui Medical Technology Co., Ltd."),
    "jizhun": Inv("基准精准医学科技有限公司", "Jizhun Precision Medicine Technology Co., Ltd."),
    "qibao": Inv("启胞生物技术有限公司", "Qibao Biotechnology Co., Ltd."),
    "jinhao": Inv("锦耗医疗器械有限公司", "Jinhao Medical Devices Co., Ltd.", LOCAL),
    "kangguanjia": Inv("康管家健康科技有限公司", "Kangguanjia Health Technology Co., Ltd."),
    "shucao": Inv("蜀草药业有限公司", "Shucao Pharmaceutical Co., Ltd.", LOCAL),
    "zhenyuan": Inv("诊源生物科技有限公司", "Zhenyuan Biotechnology Co., Ltd."),
    "xueyuan": Inv("血源生物制品有限公司", "Xueyuan Biological Products Co., Ltd."),
    "shuzhi": Inv("术智机器人有限公司", "Shuzhi Robotics Co., Ltd."),
    "taiyuan": Inv("肽源药业有限公司", "Taiyuan Pharmaceutical Co., Ltd."),
    "linyan": Inv("临研医药科技有限公司", "Linyan Clinical Research Co., Ltd."),
    "helian": Inv("核链生物科技有限公司", "Helian Biotechnology Co., Ltd."),
    "chikang": Inv("齿康医疗科技有限公司", "Chikang Dental Technology Co., Ltd."),
    "kangfu": Inv("康辅科技有限公司", "Kangfu Technology Co., Ltd.", LOCAL),
    "tianfu-incubator": Inv("成都天府生物孵化器管理有限公司", "Chengdu Tianfu Bio Incubator Management Co., Ltd.", LOCAL, LOCAL_SOE),
    "yaoan": Inv("药安冷链物流有限公司", "Yao'an Cold Chain Logistics Co., Ltd."),
    "chongan": Inv("宠安动物保健有限公司", "Chong'an Animal Health Co., Ltd."),
    "mingmou": Inv("明眸药业有限公司", "Mingmou Pharmaceutical Co., Ltd."),
    "yizhi": Inv("医智科技有限公司", "Yizhi Technology Co., Ltd.", LOCAL),
    # --- Jiaozi Park (invented, except the three named by the source above) ---
    "xingzhi": Inv("行智出行科技有限公司", "Xingzhi Mobility Technology Co., Ltd."),
    "jinzhi": Inv("锦智人工智能科技有限公司", "Jinzhi Artificial Intelligence Technology Co., Ltd.", LOCAL),
    "shuwei": Inv("蜀味餐饮管理有限公司", "Shuwei Catering Management Co., Ltd.", LOCAL),
    "jinwen": Inv("锦文数字文创有限公司", "Jinwen Digital Culture Co., Ltd.", LOCAL),
    "lianjin": Inv("链金科技有限公司", "Lianjin Fintech Co., Ltd."),
    "kuafu": Inv("跨付科技有限公司", "Kuafu Technology Co., Ltd."),
    # --- InnoEX 2023 (named by the source) ---
    "adaspace": Inv("成都国星宇航科技股份有限公司", "ADASpace (Chengdu) Co., Ltd.", LOCAL, real=True),
    "yifu": Inv("Hong Kong Yi Fu Industrial (Group) Co., Ltd.", "Hong Kong Yi Fu Industrial (Group) Co., Ltd.", HMT, real=True, country="Hong Kong", notes=NO_CHINESE_NAME),
    "cnbm-cd": Inv("中建材（成都）光电材料有限公司", "CNBM (Chengdu) Optoelectronic Materials Co., Ltd.", LOCAL, CENTRAL_SOE, real=True),
    "hk-air-cargo": Inv("Hong Kong Air Cargo Carrier Limited", "Hong Kong Air Cargo Carrier Limited", HMT, real=True, country="Hong Kong", notes=NO_CHINESE_NAME),
    "outlet-intl": Inv("Outlet (International) Limited", "Outlet (International) Limited", HMT, real=True, country="Hong Kong", notes=NO_CHINESE_NAME),
    # --- SmartHK 2020, Meishan (Hong Kong Xinhua Group named by the source; the rest invented) ---
    "hk-xinhua": Inv("香港新华集团", "Hong Kong Xinhua Group", HMT, real=True, country="Hong Kong"),
    "gangjin": Inv("港锦新材料投资有限公司", "Gangjin New Materials Investment Limited", HMT, country="Hong Kong"),
    "gangtong": Inv("港通国际物流集团有限公司", "Gangtong International Logistics Group Limited", HMT, country="Hong Kong"),
    "gangyue": Inv("港悦文旅发展有限公司", "Gangyue Culture and Tourism Development Limited", HMT, country="Hong Kong"),
    "xiangjiang": Inv("香江城市发展有限公司", "Xiangjiang Urban Development Limited", HMT, country="Hong Kong"),
    "gangshu": Inv("港数云科技有限公司", "Gangshu Cloud Technology Limited", HMT, country="Hong Kong"),
    "gangwei": Inv("港味食品国际有限公司", "Gangwei Food International Limited", HMT, country="Hong Kong"),
}  # fmt: skip


def investor_fields(inv: Inv) -> dict:
    notes = inv.notes or ("" if inv.real else INVENTED_NOTE)
    return {
        "name": inv.name,
        "name_en": inv.name_en,
        "origin": inv.origin,
        "ownership": inv.ownership,
        "listed": inv.listed,
        "country": inv.country or ("China" if inv.origin in (LOCAL, OTHER) else ""),
        "notes": notes,
        "is_demo": True,
    }

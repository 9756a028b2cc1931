"""The columns an import understands, per kind of sheet: names in Chinese and English, synonyms, notes.

Each kind of sheet (`intake/kinds/`) names its table here. The template, the export and the header
mapping all read it, so a template downloaded
today, a ledger exported today and a sheet filled from either map back without a question.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _


class Kind:
    """Names of the kinds the app ships (`intake/kinds/`); the registry holds every kind."""

    SIGNINGS = "signings"
    PROGRESS = "progress"
    RELEASES = "releases"
    OPPORTUNITIES = "opportunity"


@dataclass(frozen=True)
class Column:
    """One column of an import sheet.

    `type` says how cells are read: text, amount (money with units and currency), date, int,
    area, sector, event, stage, agreement, currency, reference.
    """

    name: str
    zh: str
    en: str
    type: str = "text"
    required: bool = False
    synonyms: tuple[str, ...] = ()
    note: str = ""
    unit: str = ""  # unit written in the template header, e.g. 亿元
    width: int = 16
    extra: dict = field(default_factory=dict)

    @property
    def header(self) -> str:
        """The header cell of the template: Chinese and English, with the unit where there is one."""
        if self.unit:
            return f"{self.zh}（{self.unit}）/ {self.en} ({UNIT_EN.get(self.unit, self.unit)})"
        return f"{self.zh} / {self.en}"


UNIT_EN = {"亿元": "100 million CNY", "万元": "10,000 CNY", "元": "CNY"}


SIGNING_COLUMNS: tuple[Column, ...] = (
    Column(
        "reference",
        "项目编号",
        "Reference",
        type="reference",
        synonyms=("编号", "项目编码", "ref", "project reference", "project no", "项目代码"),
        note=_("Leave empty for a new project. Filled in by the export: a row with a reference is that project."),
        width=14,
    ),
    Column(
        "name",
        "项目名称",
        "Project name",
        required=True,
        synonyms=("项目", "名称", "name", "project", "project title", "签约项目", "项目全称"),
        note=_("Required. The full project name as in the agreement."),
        width=40,
    ),
    Column(
        "investor",
        "投资方",
        "Investor",
        required=True,
        synonyms=(
            "投资主体",
            "签约企业",
            "投资企业",
            "客商",
            "企业名称",
            "签约单位",
            "investor name",
            "company",
            "enterprise",
        ),
        note=_("Required. The investing enterprise; a new name creates a new investor."),
        width=30,
    ),
    Column(
        "host_area",
        "所在区域",
        "Host area",
        type="area",
        required=True,
        synonyms=(
            "区域",
            "区县",
            "落地区县",
            "所属区县",
            "承接区县",
            "落户地",
            "area",
            "district",
            "location",
            "所属区域",
            "所在区县",
        ),
        note=_("Required. A district, county, zone or park, in Chinese or English (drop-down)."),
        width=18,
    ),
    Column(
        "sector",
        "产业领域",
        "Sector",
        type="sector",
        required=True,
        synonyms=("产业", "行业", "所属产业", "产业类别", "产业链", "industry", "industry chain", "行业类别"),
        note=_("Required. The industry chain of the city's taxonomy (drop-down)."),
        width=20,
    ),
    Column(
        "contract_value",
        "签约额",
        "Contract investment",
        type="amount",
        required=True,
        unit="亿元",
        synonyms=(
            "协议投资额",
            "签约金额",
            "投资额",
            "总投资",
            "计划总投资",
            "协议金额",
            "amount",
            "investment",
            "contract value",
            "total investment",
        ),
        note=_(
            "Required. A number in the unit of the header (亿元 = 100 million), or text such as "
            "'3.5亿元', 'US$ 200 million', 'HK$ 5亿'. Foreign currencies are converted to CNY at the "
            "recorded exchange rate. Left empty when no amount was made public: the project is then "
            "saved with its amount undisclosed."
        ),
    ),
    Column(
        "currency",
        "币种",
        "Currency",
        type="currency",
        synonyms=("货币", "currency code"),
        note=_("CNY if empty. USD, HKD, EUR, JPY or GBP: the amount is in that currency."),
        width=8,
    ),
    Column(
        "outside_value",
        "引资额",
        "Outside money",
        type="amount",
        unit="亿元",
        synonyms=("到位引资额", "外来投资", "outside investment", "external funds"),
        note=_("The part of the investment from outside the city, in CNY."),
    ),
    Column(
        "fixed_asset_value",
        "固定资产投资",
        "Fixed-asset investment",
        type="amount",
        unit="亿元",
        synonyms=("固投", "固定资产投资额", "fixed assets", "fixed asset investment"),
        note=_("The fixed-asset part of the investment, in CNY."),
    ),
    Column(
        "agreement_type",
        "协议类型",
        "Agreement type",
        type="agreement",
        synonyms=("签约类型", "合同类型", "agreement", "contract type"),
        note=_("框架协议 / 投资合同 / 补充协议 (framework, contract, supplementary). Investment contract if empty."),
        width=14,
    ),
    Column(
        "event",
        "签约活动",
        "Signing event",
        type="event",
        synonyms=("活动", "签约会", "活动名称", "event", "signing ceremony", "ceremony"),
        note=_("The event where the project was signed. The event chosen on upload if empty."),
        width=30,
    ),
    Column(
        "signed_on",
        "签约日期",
        "Signing date",
        type="date",
        synonyms=("签约时间", "日期", "date", "signing date", "signed on"),
        note=_("2022-08-22, 2022/8/22 or 2022年8月22日. The event's date if empty."),
        width=12,
    ),
    Column(
        "stage",
        "项目阶段",
        "Stage",
        type="stage",
        synonyms=("阶段", "进展阶段", "推进阶段", "项目状态", "status", "project stage"),
        note=_("签约 if empty (drop-down)."),
        width=12,
    ),
    Column(
        "planned_jobs",
        "计划用工",
        "Planned jobs",
        type="int",
        synonyms=("预计就业", "新增就业", "带动就业", "jobs", "employment"),
        width=10,
    ),
    Column(
        "planned_start",
        "计划开工日期",
        "Planned start",
        type="date",
        synonyms=("计划开工", "开工时间", "planned construction start", "start date"),
        width=12,
    ),
    Column(
        "planned_completion",
        "计划竣工日期",
        "Planned completion",
        type="date",
        synonyms=("计划竣工", "竣工时间", "completion date"),
        width=12,
    ),
    Column(
        "planned_production",
        "计划投产日期",
        "Planned production",
        type="date",
        synonyms=("计划投产", "投产时间", "production date"),
        width=12,
    ),
    Column(
        "responsible_leader",
        "包联领导",
        "Responsible leader",
        synonyms=("联系领导", "责任领导", "leader"),
        width=12,
    ),
    Column(
        "commissioner",
        "项目专员",
        "Project commissioner",
        synonyms=("专员", "服务专员", "commissioner"),
        width=12,
    ),
    Column(
        "description",
        "项目简介",
        "Description",
        synonyms=("主要内容", "建设内容", "项目内容", "备注", "description", "notes", "remarks"),
        width=40,
    ),
)

PROGRESS_COLUMNS: tuple[Column, ...] = (
    Column(
        "reference",
        "项目编号",
        "Reference",
        type="reference",
        synonyms=("编号", "项目编码", "项目代码", "ref", "project reference", "project no"),
        note=_("The project's reference in the ledger (P2022-00001). Give it, or the exact project name."),
        width=14,
    ),
    Column(
        "name",
        "项目名称",
        "Project name",
        synonyms=("项目", "名称", "name", "project", "project title", "项目全称"),
        note=_("Used to find the project when no reference is given: the name exactly as in the ledger."),
        width=40,
    ),
    Column(
        "period",
        "填报期",
        "Period",
        type="period",
        required=True,
        synonyms=("填报月份", "月份", "报告期", "统计期", "填报期间", "所属期", "period", "month", "reporting period"),
        note=_("The month reported on: 2024-05, 2024年5月 or a date in that month. Not a month still to come."),
        width=10,
    ),
    Column(
        "funds_in_place",
        "到位资金",
        "Funds in place",
        type="amount",
        required=True,
        unit="万元",
        synonyms=("累计到位资金", "资金到位", "到位资金累计", "实际到位资金", "funds in place", "funds received"),
        note=_("Required. Cumulative, in CNY, in the unit of the header (万元 = 10,000 if the header names none)."),
    ),
    Column(
        "investment_completed",
        "完成投资",
        "Investment completed",
        type="amount",
        required=True,
        unit="万元",
        synonyms=("累计完成投资", "已完成投资", "完成投资额", "累计完成投资额", "investment completed", "invested"),
        note=_("Required. Cumulative, in CNY, in the unit of the header (万元 = 10,000 if the header names none)."),
    ),
    Column(
        "jobs_created",
        "新增就业",
        "Jobs created",
        type="int",
        synonyms=("带动就业", "就业人数", "吸纳就业", "新增就业人数", "jobs", "employment"),
        width=10,
    ),
    Column(
        "narrative",
        "进展情况",
        "Progress",
        synonyms=("项目进展", "进展", "工作进展", "推进情况", "形象进度", "narrative", "progress made"),
        width=40,
    ),
    Column(
        "problems",
        "存在问题",
        "Problems",
        synonyms=("问题", "困难问题", "存在困难", "问题及建议", "problems", "issues"),
        width=40,
    ),
)


OPPORTUNITY_COLUMNS: tuple[Column, ...] = (
    Column(
        "list",
        "机会清单",
        "Opportunity list",
        required=True,
        synonyms=("清单", "清单名称", "所属清单", "批次", "list", "list title", "batch"),
        note=_("Required. The title (Chinese or English) of an opportunity list you keep, as in the ledger."),
        width=30,
    ),
    Column(
        "title",
        "机会名称",
        "Opportunity",
        required=True,
        synonyms=("项目名称", "名称", "机会", "招商项目", "title", "opportunity title", "name"),
        note=_("Required. The title as published, in Chinese."),
        width=36,
    ),
    Column("title_en", "英文名称", "Title in English", synonyms=("english title", "title (english)"), width=36),
    Column(
        "category",
        "类别",
        "Category",
        required=True,
        synonyms=("机会类别", "分类", "类型", "category", "type"),
        note=_("Required. A category of the bureau's codelist: its code, or its name in Chinese or English."),
        width=14,
    ),
    Column(
        "host_area",
        "所在区域",
        "Host area",
        type="area",
        required=True,
        synonyms=("区域", "所在地区", "落地区域", "区县", "园区", "area", "host area", "district"),
        note=_("Required. The list's publishing area or one of its sub-areas, by name or code."),
    ),
    Column("location", "位置", "Location", synonyms=("地点", "选址", "项目地址", "location", "site"), width=24),
    Column(
        "land_area",
        "用地面积",
        "Land area",
        type="decimal",
        synonyms=("占地面积", "面积", "土地面积", "land", "land area", "area of land"),
        width=10,
    ),
    Column(
        "land_area_unit",
        "面积单位",
        "Land unit",
        synonyms=("单位", "land unit", "unit of land"),
        note=_("亩 (mu), 公顷 (ha) or 平方米 (m2); 亩 when a land area is given without a unit."),
        width=10,
    ),
    Column(
        "estimated_value",
        "估算投资",
        "Estimated investment",
        type="amount",
        unit="亿元",
        synonyms=("总投资", "投资估算", "预计投资", "计划投资", "投资额", "estimated investment", "investment"),
        note=_("In the unit of the header (亿元 if it names none); 约 / about marks it approximate. Empty: not given."),
    ),
    Column("currency", "币种", "Currency", type="currency", synonyms=("货币", "currency"), width=8),
    Column(
        "cooperation_mode",
        "合作方式",
        "Cooperation mode",
        synonyms=("合作模式", "招商方式", "mode", "cooperation", "cooperation mode"),
        note=_("股权投资 / equity, PPP或特许经营 / PPP, 租赁 / lease, 出让 / sale, 合作开发 / joint development."),
        width=14,
    ),
    Column(
        "sectors",
        "产业领域",
        "Sectors",
        synonyms=("产业", "行业", "产业方向", "sector", "sectors", "industry"),
        note=_("Sectors of the city's taxonomy, by name or code, separated by ; or 、"),
        width=20,
    ),
    Column("incentives", "支持政策", "Incentives", synonyms=("优惠政策", "政策支持", "incentives"), width=30),
    Column("contact_name", "联系人", "Contact", synonyms=("联系方式", "contact", "contact person"), width=12),
    Column("contact_phone", "联系电话", "Phone", synonyms=("电话", "phone", "telephone"), width=14),
    Column("contact_email", "电子邮箱", "E-mail", synonyms=("邮箱", "email", "e-mail"), width=20),
    Column("description", "项目简介", "Description", synonyms=("简介", "描述", "项目描述", "description"), width=40),
    Column(
        "description_en",
        "英文简介",
        "Description in English",
        synonyms=("english description", "description (english)"),
        width=40,
    ),
)

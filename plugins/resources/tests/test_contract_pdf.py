"""The booking contract PDF, read back as text the way a person reads it (no database needed)."""
import io
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from flask import Flask
from flask_babel import Babel, force_locale
from PIL import Image as PILImage
from pypdf import PdfReader

from core.errors import ValidationFailed
from core.services.company import CompanyProfile
from plugins.resources.operations import pdf_fonts
from plugins.resources.operations.contract_pdf import (
    Agency,
    BookedResource,
    ClientSide,
    ContractData,
    FeeLine,
    render_contract,
)

PLUGIN = Path(__file__).resolve().parent.parent
CATALOGUE = PLUGIN / "translations" / "zh_Hans_CN" / "LC_MESSAGES" / "messages.mo"

AGENCY = Agency(name="上海会务通会展服务有限公司", address="上海市静安区南京西路 1266 号 18 楼",
                tax_number="91310000MA1FL1234X", bank_name="招商银行上海分行静安支行",
                bank_account="121908765432101", phone="021-62881234")
CONTRACT = ContractData(
    number="HT-2030-0042", version=1, issued_on=date(2030, 4, 1), agency=AGENCY,
    client=ClientSide("杭州云栖科技有限公司", "P-2030-007", "2030 年度经销商大会", project_manager="王晓燕"),
    resource=BookedResource("国际会议中心 A 厅", "场地", specification="800 平方米，含 LED 主屏",
                            location="上海市浦东新区滨江大道 2727 号", supplier="上海国际会议中心"),
    start=datetime(2030, 5, 20, 8, 0), end=datetime(2030, 5, 22, 18, 0),
    fees=(FeeLine("场地租赁", Decimal(3), "天", Decimal(18000)),
          FeeLine("布场与撤场", Decimal(1), "次", Decimal("4500.50")),
          FeeLine("资料复印", Decimal(800), "份", Decimal("0.125"))),
    tax_rate=Decimal("0.06"), layout="课桌式", quantity=Decimal(1), quantity_unit="厅",
)


@pytest.fixture(scope="module")
def babel_app():
    """A bare Flask app with the kernel's language set-up: Chinese unless a user asks for English."""
    app = Flask(__name__)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(PLUGIN / "translations")
    Babel(app, default_locale="zh_Hans_CN")
    return app


@pytest.fixture
def render(babel_app):
    def run(data=CONTRACT, locale=None, **options):
        with babel_app.test_request_context():
            if locale is None:
                return render_contract(data, **options)
            with force_locale(locale):
                return render_contract(data, **options)

    return run


def text(pdf: bytes) -> str:
    """The PDF's text without whitespace, since table cells and lines wrap wherever they fit."""
    return "".join("".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


def squash(*parts: str) -> list[str]:
    return ["".join(p.split()) for p in parts]


def test_an_english_user_gets_the_whole_agreement_in_english_and_the_capitals_in_chinese(render):
    got = text(render(locale="en"))
    for expected in squash(
        "Booking contract", "Contract No.: HT-2030-0042", "Issue date: 2030-04-01",
        "Party A (service provider)", "上海会务通会展服务有限公司", "上海市静安区南京西路 1266 号 18 楼",
        "Unified social credit code", "91310000MA1FL1234X", "招商银行上海分行静安支行", "121908765432101",
        "Party B (customer)", "杭州云栖科技有限公司", "P-2030-007 2030 年度经销商大会", "Project manager", "王晓燕",
        "Resource", "国际会议中心 A 厅", "场地", "800 平方米，含 LED 主屏", "上海市浦东新区滨江大道 2727 号",
        "上海国际会议中心", "Booking period", "2030-05-20 08:00 to 2030-05-22 18:00", "Layout", "课桌式",
        "Quantity", "1 厅",
        "场地租赁", "¥18,000.00", "¥54,000.00", "布场与撤场", "¥4,500.50", "资料复印", "¥0.125", "¥100.00",
        "Subtotal", "¥58,600.50", "VAT at 6%", "¥3,516.03", "Total", "¥62,116.53",
        "Total in capitals (RMB): 陆万贰仟壹佰壹拾陆元伍角叁分",
        "Cancellation.", "Changes.", "Liability.", "Payment.",
        "Party A (seal): 上海会务通会展服务有限公司", "Party B (seal): 杭州云栖科技有限公司",
        "Authorised representative (signature):",
    ):
        assert expected in got
    assert "-V1" not in got and "replaces all earlier versions" not in got


@pytest.mark.skipif(not CATALOGUE.exists(), reason="the resources catalogue is built once the plugin's manifest exists")
def test_chinese_is_the_default_language(render):
    got = text(render())
    for expected in squash(
        "预订合同", "合同编号：HT-2030-0042", "出具日期：2030年4月1日", "甲方（服务方）", "乙方（客户）",
        "统一社会信用代码", "开户银行", "预订资源", "预订时段", "2030年5月20日 08:00 至 2030年5月22日 18:00",
        "费用项目", "单价", "小计", "增值税（6%）", "合计", "¥62,116.53", "合计人民币（大写）：陆万贰仟壹佰壹拾陆元伍角叁分",
        "取消", "变更", "责任", "付款", "甲方（盖章）：上海会务通会展服务有限公司", "授权代表（签字）：",
    ):
        assert expected in got
    assert "Booking contract" not in got


def test_a_later_version_carries_its_version_in_the_number(render):
    got = text(render(replace(CONTRACT, version=2), locale="en"))
    for expected in squash("Contract No.: HT-2030-0042-V2", "Version 2",
                           "This version replaces all earlier versions of the contract.",
                           "Contract HT-2030-0042-V2, page 1 of"):
        assert expected in got
    assert replace(CONTRACT, version=2).display_number == "HT-2030-0042-V2"
    assert CONTRACT.display_number == "HT-2030-0042"


def test_every_page_says_which_contract_and_which_page_of_how_many(render):
    many = tuple(FeeLine(f"茶歇第 {i} 场", Decimal(120), "人", Decimal(45)) for i in range(1, 61))
    reader = PdfReader(io.BytesIO(render(replace(CONTRACT, fees=many), locale="en")))
    pages = len(reader.pages)
    assert pages >= 3
    for number, page in enumerate(reader.pages, start=1):
        assert f"Contract HT-2030-0042, page {number} of {pages}" in page.extract_text()
    with_fees = ["".join(p.extract_text().split()) for p in reader.pages if "茶歇第" in p.extract_text()]
    assert len(with_fees) >= 2 and all("UnitpriceAmount" in page for page in with_fees)  # header repeated


def test_money_is_rounded_half_up_to_the_cent_line_by_line():
    data = replace(CONTRACT, fees=(FeeLine("矿泉水", Decimal(3), "箱", Decimal("0.125")),
                                   FeeLine("签到台", Decimal("1.5"), "天", Decimal("0.01"))),
                   tax_rate=Decimal("0.06"))
    assert [line.amount for line in data.fees] == [Decimal("0.38"), Decimal("0.02")]
    assert (data.subtotal, data.tax, data.total) == (Decimal("0.40"), Decimal("0.02"), Decimal("0.42"))
    assert replace(data, tax_rate=Decimal("0.05")).tax == Decimal("0.02")  # 0.020 exactly
    assert replace(data, tax_rate=Decimal("0.0375")).tax == Decimal("0.02")  # 0.015 rounds up


def test_a_discount_line_lowers_the_total_and_the_capitals_follow(render):
    data = replace(CONTRACT, fees=(FeeLine("场地租赁", Decimal(1), "天", Decimal(10000)),
                                   FeeLine("长期客户折扣", Decimal(1), "项", Decimal(-500))), tax_rate=Decimal(0))
    got = text(render(data, locale="en"))
    assert data.total == Decimal("9500.00")
    assert "-¥500.00" in got and "玖仟伍佰元整" in got


def test_text_people_typed_is_printed_as_typed_not_read_as_markup(render):
    data = replace(CONTRACT, client=replace(CONTRACT.client, customer_name="R&D <北京> 研究院"))
    assert "R&D<北京>研究院" in text(render(data, locale="en"))


def test_the_callers_terms_replace_the_default_ones(render):
    data = replace(CONTRACT, terms=("场地须于活动结束后 2 小时内恢复原状。", "Payment within 30 days."))
    got = text(render(data, locale="en"))
    assert "1.场地须于活动结束后2小时内恢复原状。" in got and "2.Paymentwithin30days." in got
    assert "Cancellation." not in got


def test_the_logo_is_printed_and_a_broken_one_is_left_out(render):
    buffer = io.BytesIO()
    PILImage.new("RGB", (300, 100), (200, 30, 30)).save(buffer, format="PNG")
    with_logo = render(replace(CONTRACT, agency=replace(AGENCY, logo=buffer.getvalue())), locale="en")
    broken = render(replace(CONTRACT, agency=replace(AGENCY, logo=buffer.getvalue()[:60])), locale="en")
    assert b"/Subtype /Image" in with_logo
    assert b"/Subtype /Image" not in broken and "Bookingcontract" in text(broken)


def test_party_a_comes_from_the_company_profile():
    profile = CompanyProfile(name="上海会务通会展服务有限公司", address="上海市静安区", phone="021-62881234",
                             tax_number="91310000MA1FL1234X", bank_name="招商银行", bank_account="1219", logo_id=7)
    agency = Agency.from_profile(profile, logo=b"png")
    assert agency == Agency("上海会务通会展服务有限公司", "上海市静安区", "91310000MA1FL1234X", "招商银行", "1219",
                            "021-62881234", b"png")


@pytest.mark.parametrize(("change", "field"), [
    ({"number": " "}, "number"),
    ({"version": 0}, "version"),
    ({"end": datetime(2030, 5, 20, 8, 0)}, "end"),
    ({"quantity": Decimal(0)}, "quantity"),
    ({"fees": ()}, "fees"),
    ({"tax_rate": Decimal(6)}, "tax_rate"),
    ({"tax_rate": 0.06}, "tax_rate"),
    ({"fees": (FeeLine("折扣", Decimal(1), "项", Decimal(-1)),)}, "fees"),
])
def test_bad_contract_data_is_refused_naming_the_field(change, field):
    with pytest.raises(ValidationFailed) as refused:
        replace(CONTRACT, **change)
    assert refused.value.field == field


@pytest.mark.parametrize(("line", "field"), [
    ({"quantity": Decimal(-1)}, "quantity"),
    ({"unit_price": 18000.0}, "unit_price"),
    ({"unit_price": "18000"}, "unit_price"),
])
def test_bad_fee_lines_are_refused_naming_the_field(line, field):
    with pytest.raises(ValidationFailed) as refused:
        FeeLine(**{"description": "场地租赁", "quantity": Decimal(1), "unit": "天", "unit_price": Decimal(1), **line})
    assert refused.value.field == field


@pytest.mark.skipif(not pdf_fonts.candidates(), reason="no TrueType CJK font installed on this machine")
def test_a_cjk_font_found_on_the_machine_is_embedded(render):
    pdf = render(locale="en")
    assert pdf_fonts.is_embedded(pdf_fonts.cjk_font())
    assert b"/FontFile2" in pdf and b"STSong-Light" not in pdf


def test_without_a_cjk_font_the_builtin_one_still_prints_chinese(render, monkeypatch, tmp_path):
    not_a_font = tmp_path / "broken.ttf"
    not_a_font.write_bytes(b"not a font")
    monkeypatch.setattr(pdf_fonts, "SYSTEM_FONTS", ())
    monkeypatch.setenv(pdf_fonts.ENV_VAR, str(not_a_font))
    assert pdf_fonts.candidates() == [not_a_font]
    pdf = render(locale="en")
    assert b"STSong-Light" in pdf and b"/FontFile2" not in pdf
    assert "上海会务通会展服务有限公司" in text(pdf) and "陆万贰仟壹佰壹拾陆元伍角叁分" in text(pdf)

"""The personal-data scanner: what it must catch, what it must let pass, masking, `allow`, the fixtures' content
(and the sample's, as a smoke check)."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURE_NAMES, FIXTURES, ROOT
from rightsite.guard import pii
from rightsite.guard.pii import LABELS, RULES, Finding, scan_text
from rightsite.load import split_front_matter

# rule -> (sentence, the exact text that must be found). Each sentence holds exactly one finding.
CATCH: dict[str, list[tuple[str, str]]] = {
    "pii.mobile": [
        ("消费者当场留下了手机号13912345678，方便工作人员回访。", "13912345678"),
        ("如需改约，请发短信至 139-1234-5678 与店长联系。", "139-1234-5678"),
        ("她的联系方式是+86 186 0012 3456，工作日均可接听。", "+86 186 0012 3456"),
        ("顾客在登记表上写的手机：１５８００００１２３４。", "１５８００００１２３４"),
        ("回访电话0086 13600001111已经接通。", "0086 13600001111"),
        ("tel：177 0000 8888（白天）", "177 0000 8888"),
    ],
    "pii.landline": [
        ("商户登记的座机是010-65123456，一直无人接听。", "010-65123456"),
        ("请致电（0755）8612 3456转8001预约上门维修。", "（0755）8612 3456转8001"),
        ("联系电话：021-6234-5678", "021-6234-5678"),
        ("店铺电话 0571-88886666，营业时间内接听。", "0571-88886666"),
        ("售后的号码是+86 21 6234 5678。", "+86 21 6234 5678"),
        ("她说家里座机 8888 6666 晚上有人。", "8888 6666"),
    ],
    "pii.id_card": [
        ("顾客身份证号为440306198511120024，已登记。", "440306198511120024"),
        ("证件号码：310115197806154418", "310115197806154418"),
        ("复印件上的号码是32050219950505123X。", "32050219950505123X"),
        ("身份证号码110105199003071238填错了一位。", "110105199003071238"),
        ("旧版身份证号码 110105900307123 仍在登记表上。", "110105900307123"),
        ("登记信息：510107 19921230 5676", "510107 19921230 5676"),
    ],
    "pii.bank_card": [
        ("退款账户：6222 0212 3456 7890 128", "6222 0212 3456 7890 128"),
        ("他提供的银行卡号为6228480402564890018。", "6228480402564890018"),
        ("储蓄卡 6217 0000 1000 1234 569 已经挂失。", "6217 0000 1000 1234 569"),
        ("顾客当场刷了4532015112830366这张卡。", "4532015112830366"),
        ("信用卡号：5525-0012-3456-7892", "5525-0012-3456-7892"),
        ("收款卡号 1234567890123456 请核对。", "1234567890123456"),
    ],
    "pii.email": [
        ("请把电子发票发到 li.xiaohong@qq.com，谢谢。", "li.xiaohong@qq.com"),
        ("投诉材料已发送至wangfang1988@163.com", "wangfang1988@163.com"),
        ("邮箱：ZHANG_Wei@Example.CN（大小写不限）", "ZHANG_Wei@Example.CN"),
        ("消费者留下的联系邮箱 chen-lei+shop@mail.example.org。", "chen-lei+shop@mail.example.org"),
        ("邮箱：ｌｉｎａ＠１６３．ｃｏｍ", "ｌｉｎａ＠１６３．ｃｏｍ"),
    ],
    "pii.qq": [
        ("店员的QQ号：12345678，可以发图片。", "12345678"),
        ("他的qq是 2876543210。", "2876543210"),
        ("可加扣扣：1234567咨询。", "1234567"),
        ("Q号 88886666，请备注来意。", "88886666"),
        ("ＱＱ：３１４１５９２６", "３１４１５９２６"),
    ],
    "pii.wechat": [
        ("店员的微信号：zhang_wei88，可以预约。", "zhang_wei88"),
        ("加我微信 lily-2024 发照片。", "lily-2024"),
        ("wx: chen_lei2024", "chen_lei2024"),
        ("WeChat：Tom1990cn", "Tom1990cn"),
        ("她的微信是wxid_a1b2c3d4e5f6。", "wxid_a1b2c3d4e5f6"),
    ],
    "pii.plate": [
        ("车牌号为沪A12345的车辆已经离场。", "沪A12345"),
        ("停在地下二层的浙A·7K2M9车主请挪车。", "浙A·7K2M9"),
        ("新能源车粤B·D12345充电超时。", "粤B·D12345"),
        ("登记的车牌是粤BD12345。", "粤BD12345"),
        ("货车粤B12345D停在卸货区。", "粤B12345D"),
        ("教练车苏E1234学占用了消防通道。", "苏E1234学"),
    ],
    "pii.passport": [
        ("护照号码E12345678，有效期至2030年。", "E12345678"),
        ("外籍顾客出示护照：G12345678。", "G12345678"),
        ("出示护照（EA1234567）办理退税。", "EA1234567"),
        ("退税单上的证件号E87654321需要核对。", "E87654321"),
        ("passport No. PE1234567", "PE1234567"),
    ],
    "pii.address": [
        ("消费者家住澄江市滨江区滨江路88号3栋2单元501室。", "澄江市滨江区滨江路88号3栋2单元501室"),
        ("请将商品寄到和平路12号院3号楼1单元202。", "和平路12号院3号楼1单元202"),
        ("收货地址：阳光花园小区5幢1203，电话另告。", "阳光花园小区5幢1203"),
        ("她住在幸福里小区12栋2单元1502室。", "幸福里小区12栋2单元1502室"),
        ("送货地址为人民路100弄12号301室。", "人民路100弄12号301室"),
        ("投诉人住某某小区5幢1203。", "某某小区5幢1203"),
        ("家住解放大道66号3-2-501", "解放大道66号3-2-501"),
    ],
    "pii.name": [
        ("消费者张伟表示，商品在第三天就出现了故障。", "张伟"),
        ("经协商，王小红女士称对处理结果满意。", "王小红"),
        ("据店员刘洋说，该批次商品已经下架。", "刘洋"),
        ("投诉人为张晓燕，已于当日受理。", "张晓燕"),
        ("顾客李建华反映柜台称重不准。", "李建华"),
        ("当事人陈晓明先生称，他从未收到过退款。", "陈晓明"),
        ("商户负责人刘建国表示愿意退货。", "刘建国"),
        ("登记表上的姓名：赵丽华。", "赵丽华"),
        ("消费者欧阳娜娜表示不满。", "欧阳娜娜"),
        ("顾客林小雨投诉店员态度差。", "林小雨"),
        ("李娜女士要求退还定金。", "李娜"),
    ],
}

# rule -> sentences that look like that kind of data but are not personal: nothing may be found in them.
PASS: dict[str, list[str]] = {
    "pii.mobile": [
        "已脱敏为138****5678，可以公开。",
        "订单号13812345678901已核对。",
        "会员编号1381234567共10位。",
        "消费维权热线400-820-6315，每日9:00–22:00。",
        "请拨打12315或12345反映。",
        "活动共发放优惠券1500份，核销率95%。",
        "日期写作20250315或2025年3月15日均可。",
    ],
    "pii.landline": [
        "标准编号GB/T 19012-2019，替代2008年版。",
        "活动时间2025-03-15 10:00–22:00。",
        "案件编号2025-017已经结案。",
        "热线电话400-820-6315、800-820-8820均为企业服务号码。",
        "报警请拨110，急救请拨120，火警119，交通事故122。",
        "金额合计￥1,280.00，另付运费12元。",
        "依据《消费者权益保护法》第五十五条和第24条处理。",
    ],
    "pii.id_card": [
        "系统流水号123456789012345678已打印。",
        "该批次追溯码为20250315000123456。",
        "身份证号已脱敏：110105********1239。",
        "证件号后四位1239已经核对。",
        "快递单号440306198511120025请保存好。",
        "营业执照统一社会信用代码91310000MA1FL1234X。",
    ],
    "pii.bank_card": [
        "退款已原路退回尾号8866的银行卡。",
        "订单号6228480402564890018请妥善保存。",
        "条形码6901234567892，产地中国。",
        "交易流水号4532015112830366已打印在小票上。",
        "合同编号 2025 0315 0001 2345 已归档。",
        "卡号尾号为8866。",
        "活动期间刷卡满5000元减300元。",
    ],
    "pii.email": [
        "也可登录 www.12315.cn 在线提交。",
        "关注@澄江汇官方微博获取活动信息。",
        "在线留言：https://www.chengjianghui.example/feedback",
        "投诉邮箱的地址在服务台和商场官网公布。",
        "邮箱格式应为“用户名@域名”。",
    ],
    "pii.qq": [
        "活动QQ群：123456789，欢迎加入。",
        "开通QQ音乐会员12个月送优惠券。",
        "对方只说了QQ尾号1234。",
        "请使用QQ邮箱或163邮箱接收电子发票。",
        "商品编号12345678，不是QQ号。",
    ],
    "pii.wechat": [
        "可使用微信支付或支付宝付款。",
        "关注微信公众号“澄江汇”查看活动。",
        "微信扫码即可领取优惠券。",
        "店员说微信号是abc，显然不完整。",
        "请在微信小程序“澄江汇”首页提交。",
        "支持 WeChat Pay 和 Alipay。",
    ],
    "pii.plate": [
        "停车场入口在B2层东侧。",
        "新A股上市首日涨幅较大。",
        "型号为沪A12的商品已经下架。",
        "湘A牌照的车辆可以进入。",
        "号牌只记得粤B1234，无法查询。",
    ],
    "pii.passport": [
        "型号E123456的电饭煲已经召回。",
        "乘坐高铁G1234次列车到达。",
        "订单E202503150001已发货。",
        "仓库货位G12345678已盘点。",
        "护照办理请到出入境管理部门。",
    ],
    "pii.address": [
        "请到一层北门中庭服务台办理。",
        "讲座在六层多功能厅举行。",
        "商场地址：澄江市滨江大道188号。",
        "澄江市滨江大道188号一层北门中庭服务台",
        "美食广场在B1层5号铺。",
        "地铁2号线5号出口步行300米即到。",
        "阳光花园3栋的住户可凭门禁卡领取。",
        "滨江路88号A座为写字楼。",
    ],
    "pii.name": [
        "消费者张某表示，商品在第三天就出现了故障。",
        "消费者李某某称其已保留小票。",
        "王女士称对处理结果满意。",
        "陈先生、赵先生随后到服务台反映情况。",
        "某服装店称该款式不参加活动。",
        "商户A表示同意退货。",
        "张某1与张某2均表示同意。",
        "周末来购物的顾客表示满意。",
        "顾客高兴地说，这次购物体验很好。",
        "消费者发现金额与小票不符。",
        "黄金饰品柜台称重时应使用顾客可见的天平。",
        "白银首饰的价格说明应当清楚。",
        "钟表维修店员说需要返厂。",
        "华为专柜店员表示可以换新。",
        "顾客方便时可以到服务台领取。",
        "常规检查显示商品合格，店员表示可以正常使用。",
        "消费者马上拨打了12315。",
        "店员向商户反映了顾客的意见。",
        "消费者于是向服务台投诉。",
        "顾客陈述称，该商品从未拆封。",
        "消费者付清尾款后才发现问题。",
        "小王说商品已售完，王总表示会尽快补货。",
        "消费者黄金周期间集中投诉，宣传部表示将加强宣传。",
    ],
}

# The look-alikes every rule must leave alone, in the sentences they usually come in.
LOOKALIKES = [
    "活动日期为2025-03-15，即2025年3月15日（系统里记为20250315）。",
    "羽绒服现价3299元，另一件标价￥1,280.00，预付卡余额5000元。",
    "依据消法第二十四条和第55条处理。",
    "本案编号2025-017，参照GB/T 19012-2019。",
    "商品条码6901234567892，条形码6901234567892。",
    "退款已退回尾号8866的卡。",
    "满意率达到98.5%，比上年提高12%。",
    "营业时间10:00–22:00，热线每日9:00–22:00。",
    "消费维权热线400-820-6315，也可拨打12315。",
    "本次活动共准备礼品1500份。",
]

CATCH_CASES = [pytest.param(rule, s, want, id=f"{rule}-{i}") for rule, items in CATCH.items()
               for i, (s, want) in enumerate(items)]
PASS_CASES = [pytest.param(rule, s, id=f"{rule}-{i}") for rule, items in PASS.items() for i, s in enumerate(items)]


@pytest.mark.parametrize("sentence", LOOKALIKES)
def test_common_lookalikes_pass(sentence):
    assert _brief(scan_text(sentence)) == []


def _brief(found: list[Finding]) -> list[tuple[str, str]]:
    return [(f.rule, f.text) for f in found]


def test_every_rule_has_a_corpus_and_a_label():
    assert set(CATCH) == set(PASS) == set(RULES) == set(LABELS)
    for rule in RULES:
        assert len(CATCH[rule]) >= 4 and len(PASS[rule]) >= 4, rule
        assert re.search(r"[\u4e00-\u9fff]", LABELS[rule]), rule


@pytest.mark.parametrize("rule, sentence, want", CATCH_CASES)
def test_catches(rule, sentence, want):
    assert sentence.count(want) == 1
    start = sentence.index(want)
    found = scan_text(sentence)
    assert _brief(found) == [(rule, want)]
    f = found[0]
    assert (f.start, f.end) == (start, start + len(want))
    assert sentence[f.start:f.end] == f.text
    assert f.label == LABELS[rule]


@pytest.mark.parametrize("rule, sentence", PASS_CASES)
def test_passes(rule, sentence):
    assert _brief(scan_text(sentence)) == []


def test_finds_several_in_one_text_in_order():
    text = "消费者张伟（手机13912345678，邮箱zw@163.com）家住滨江路88号3栋2单元501室，微信号：zhangwei_88。"
    assert [f.rule for f in scan_text(text)] == ["pii.name", "pii.mobile", "pii.email", "pii.address", "pii.wechat"]


# -- masking --

def _alnum(s: str) -> str:
    return re.sub(r"[\W_]", "", pii.normalize(s)).upper()


@pytest.mark.parametrize("rule, sentence, want", CATCH_CASES)
def test_masked_never_shows_the_whole_value(rule, sentence, want):
    f = scan_text(sentence)[0]
    m = f.masked()
    assert "*" in m
    assert f.text not in m
    assert _alnum(f.text) not in _alnum(m)
    shown = sum(c != "*" for c in m if not c.isspace())
    assert shown < len(re.sub(r"\s", "", f.text))


@pytest.mark.parametrize("rule, text, masked", [
    ("pii.mobile", "138 1234 5678", "138****5678"),
    ("pii.mobile", "+86-138-1234-5678", "138****5678"),
    ("pii.landline", "010-65123456", "010-****3456"),
    ("pii.id_card", "110105199003071239", "110105********1239"),
    ("pii.id_card", "110105900307123", "110105*****7123"),
    ("pii.bank_card", "6222 0212 3456 7890 128", "6222***********0128"),
    ("pii.email", "wangfang1988@163.com", "w***@163.com"),
    ("pii.plate", "沪A12345", "沪A***45"),
    ("pii.address", "滨江路88号3栋2单元501室", "滨江路**号*栋*单元***室"),
    ("pii.name", "张伟", "张*"),
    ("pii.name", "王小红", "王**"),
    ("pii.name", "欧阳娜娜", "欧阳**"),
])
def test_masked_examples(rule, text, masked):
    assert Finding(rule, 0, len(text), text).masked() == masked


# -- allow --

def test_allow_drops_exact_and_contained_texts():
    text = "请发邮件到weiquan@chengjianghui.example，或拨打021-6234 5678。"
    assert _brief(scan_text(text)) == [("pii.email", "weiquan@chengjianghui.example"),
                                       ("pii.landline", "021-6234 5678")]
    # exact, after dropping spaces and dashes
    assert _brief(scan_text(text, allow=["weiquan@chengjianghui.example", "02162345678"])) == []
    # contained in a longer allowed text
    assert _brief(scan_text(text, allow=["商场总机 021 6234 5678（工作日）"])) == [
        ("pii.email", "weiquan@chengjianghui.example")]
    # an allowed text that is only part of a finding does not hide it
    assert _brief(scan_text(text, allow=["6234", "chengjianghui"])) == _brief(scan_text(text))


def test_allow_per_record_entry_for_a_name():
    text = "消费者张伟表示满意。"
    assert _brief(scan_text(text)) == [("pii.name", "张伟")]
    assert scan_text(text, allow=("张伟",)) == []
    assert scan_text(text, allow=iter(["张伟"])) == []  # any iterable


@pytest.mark.parametrize("number", ["12315", "12345", "110", "120", "119", "122", "12331", "12358", "12365",
                                    "400-820-6315", "4008206315", "800-820-8820", "400 820 6315"])
def test_builtin_public_numbers_pass(number):
    assert scan_text(f"联系电话：{number}，QQ：{number}") == []


# -- content of the fixture projects, and of the sample as a smoke check --

PROJECTS = {name: FIXTURES / name for name in FIXTURE_NAMES} | {"sample": ROOT}
# public text fields of each frozen fixture, counted by hand from its files
FIXTURE_TEXTS = {"qinghe": 64, "nanyu": 54}


def _texts(root: Path):
    def fields(doc, names):
        for name in names:
            value = doc
            for part in name.split("."):
                value = value.get(part) if isinstance(value, dict) else None
            if value:
                yield name, str(value)

    for path in sorted((root / "data" / "cases").glob("*.yml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for name, value in fields(doc, ["title", "summary", "process", "result", "analysis", "tips", "merchant_tips"]):
            yield path, name, value
    for path in sorted((root / "data" / "events").glob("*.yml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for name, value in fields(doc, ["title", "location", "registration", "description", "note", "recap.summary"]):
            yield path, name, value
    for path in sorted((root / "data" / "standards").glob("*.yml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        yield from ((path, name, value) for name, value in fields(doc, ["summary"]))
        for i, clause in enumerate(doc.get("clauses") or []):
            if clause.get("text"):
                yield path, f"clauses[{i}].text", str(clause["text"])
    for path in sorted((root / "content" / "handbook").glob("*.md")):
        _, body, _ = split_front_matter(path.read_text(encoding="utf-8"))
        yield path, "body", body


def _record_files(root: Path) -> set[Path]:
    return {p for folder, pattern in (("data/cases", "*.yml"), ("data/events", "*.yml"),
                                      ("data/standards", "*.yml"), ("content/handbook", "*.md"))
            for p in (root / folder).glob(pattern)}


@pytest.mark.parametrize("name", list(PROJECTS))
def test_content_has_no_personal_data(name):
    root = PROJECTS[name]
    site = yaml.safe_load((root / "data" / "site.yml").read_text(encoding="utf-8"))
    allow = [str(c["value"]) for c in site["channels"]]
    texts = list(_texts(root))
    assert {path for path, _, _ in texts} == _record_files(root)  # every record and chapter is scanned
    if name in FIXTURE_TEXTS:
        assert len(texts) == FIXTURE_TEXTS[name]
    hits = [f"{path.relative_to(root)} {field}: [{f.rule}] {f.text}"
            for path, field, value in texts for f in scan_text(value, allow)]
    assert hits == []  # speed is measured by `make bench`, not here


@pytest.mark.parametrize("name, kind, rule", [("qinghe", "email", "pii.email"), ("nanyu", "hotline", "pii.landline")])
def test_channel_values_would_be_found_without_allow(name, kind, rule):
    """The allow list is what keeps the mall's own e-mail or number out, not a blind spot of the scanner."""
    site = yaml.safe_load((FIXTURES / name / "data" / "site.yml").read_text(encoding="utf-8"))
    value = next(str(c["value"]) for c in site["channels"] if c["kind"] == kind)
    assert _brief(scan_text(f"投诉渠道：{value}")) == [(rule, value)]
    assert scan_text(f"投诉渠道：{value}", [value]) == []


# -- jieba --

def test_jieba_is_loaded_once():
    assert pii._posseg() is pii._posseg()


def test_no_jieba_chatter_on_stderr():
    code = ("import sys; sys.path.insert(0, %r)\n"
            "from rightsite.guard.pii import scan_text\n"
            "print(len(scan_text('消费者张伟表示不满。')))") % str(ROOT / "scripts")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "1"
    assert done.stderr == ""


def test_offsets_are_those_of_the_original_text():
    text = "全角：手机１３９１２３４５６７８，姓名：赵丽华。"
    for f in scan_text(text):
        assert text[f.start:f.end] == f.text
    assert _brief(scan_text(text)) == [("pii.mobile", "１３９１２３４５６７８"), ("pii.name", "赵丽华")]


# -- disguises: the same data written to slip past a scan ---------------------------------------

DISGUISED = [
    ("pii.mobile", "顾客手机 138\u20601234\u20605678，已回访。", "138\u20601234\u20605678", "138****5678"),
    ("pii.mobile", "顾客手机 1\u00ad38\u00ad1234\u00ad5678，已回访。", "1\u00ad38\u00ad1234\u00ad5678", "138****5678"),
    ("pii.mobile", "顾客手机 138\u200b1234\u200b5678，已回访。", "138\u200b1234\u200b5678", "138****5678"),
    ("pii.mobile", "回电号码 138.1234.5678。", "138.1234.5678", "138****5678"),
    ("pii.mobile", "回电号码 138/1234/5678。", "138/1234/5678", "138****5678"),
    ("pii.mobile", "回电号码 1 3 8 1 2 3 4 5 6 7 8。", "1 3 8 1 2 3 4 5 6 7 8", "138****5678"),
    ("pii.mobile", "回电号码 138 . 1234 . 5678。", "138 . 1234 . 5678", "138****5678"),
    ("pii.mobile", "回电号码一三八一二三四五六七八。", "一三八一二三四五六七八", "138****5678"),
    ("pii.mobile", "回电号码幺三八 一二三四 五六七八。", "幺三八 一二三四 五六七八", "138****5678"),
    ("pii.mobile", "回电号码①③⑧①②③④⑤⑥⑦⑧。", "①③⑧①②③④⑤⑥⑦⑧", "138****5678"),
    ("pii.mobile", "回电号码 ❶❸❽❶❷❸❹❺❻❼❽。", "❶❸❽❶❷❸❹❺❻❼❽", "138****5678"),
    ("pii.mobile", "回电号码１３８．１２３４．５６７８。", "１３８．１２３４．５６７８", "138****5678"),
    ("pii.landline", "店铺座机 0571.8888.6666。", "0571.8888.6666", "********6666"),
    ("pii.landline", "店铺座机 0571/8888/6666。", "0571/8888/6666", "********6666"),
    ("pii.plate", "顾客的车牌粤b12345停在地库。", "粤b12345", "粤b***45"),
    ("pii.plate", "顾客的车牌浙a·d2345停在地库。", "浙a·d2345", "浙a***45"),
    ("pii.email", "请发到 zhang(at)163.com 。", "zhang(at)163.com", "z***@163.com"),
    ("pii.email", "请发到 li.na [at] qq [dot] com 。", "li.na [at] qq [dot] com", "l***@qq [dot] com"),
    ("pii.email", "请发到 wangfang艾特163点com。", "wangfang艾特163点com", "w***@163点com"),
    ("pii.email", "请发到 chen @ 163.com 。", "chen @ 163.com", "c***@163.com"),
    ("pii.wechat", "店员留了微 信：zhangwei_1988。", "zhangwei_1988", "zha*******988"),
    ("pii.wechat", "店员留了V 信：zhangwei_1988。", "zhangwei_1988", "zha*******988"),
    ("pii.qq", "店员的Q Q：12345678。", "12345678", None),
    ("pii.name", "消费者张\u200b伟表示满意。", "张\u200b伟", "张**"),
    ("pii.mobile", "<!-- 顾客手机 13912345678 -->", "13912345678", "139****5678"),
    ("pii.mobile", '<span title="顾客 13912345678">详情</span>', "13912345678", "139****5678"),
    ("pii.mobile", "![13912345678](x.png)", "13912345678", "139****5678"),
]


@pytest.mark.parametrize("rule, sentence, want, masked", DISGUISED, ids=[f"{d[0]}-{i}" for i, d in enumerate(DISGUISED)])
def test_disguised_data_is_caught(rule, sentence, want, masked):
    found = scan_text(sentence)
    assert _brief(found) == [(rule, want)]
    start = sentence.index(want)
    assert (found[0].start, found[0].end) == (start, start + len(want))  # offsets of the original text
    if masked:
        assert found[0].masked() == masked


DISGUISE_LOOKALIKES = [
    "活动时间 2025.03.01-2025.03.31，每日 10:00-22:00。",
    "依据第1.2.3条规定，版本 v1.2.3.4567。",
    "订单号 1234 5678 9012 已退款，金额 1 234 567 元。",
    "价格12.80/斤，3/4/5 号柜台，0.5/1.0/2.0 升装。",
    "ISBN 978-7-5086-1234-5，GB 7718-2011 与 GB 28050-2011。",
    "统一社会信用代码 91330100MA2B1234X5。",
    "1/2/3/4/5/6/7/8/9/10/11 月均有活动。",
    "第一二三四五六七八章节按顺序阅读；本店有一二三四五六七个档口。",
    "满100减10，满200减25，满300减40。",
    "请发邮件到信箱，我们 at 工作日回复，点 com 结尾的网址不要点。",
    "微信搜索公众号“青禾里生活”，Q 群号码见海报。",
    "①号门进入，②号电梯上三楼，③号柜台办理。",
    "粤式点心与京味小吃同场；浙江省a类商户。",
]


@pytest.mark.parametrize("sentence", DISGUISE_LOOKALIKES)
def test_disguise_lookalikes_pass(sentence):
    assert _brief(scan_text(sentence)) == []


# ---- bare names: no role word, the name opens a sentence or clause --------------------------------
BARE_NAMES = [
    ("张伟在店内办了会员卡。", "张伟"), ("王芳到维权站反映问题。", "王芳"), ("赵磊向店员索要发票。", "赵磊"),
    ("2025年5月，陈建国在超市买了一箱牛奶。", "陈建国"), ("孙丽把衣服送去干洗。", "孙丽"), ("刘洋被店员拦下。", "刘洋"),
    ("李秀英从三楼下来。", "李秀英"), ("欧阳娜娜在试衣间丢了手机。", "欧阳娜娜"),
]
# sentences that open with a word starting with a surname, followed by the same verbs
BARE_LOOKALIKES = [
    "黄金在国际市场上涨。", "高端商品在一楼。", "方太在三楼开了体验店。", "周末到商场的人多。", "万达在北区。",
    "明天到店领取。", "常规商品在货架上。", "安全通道在东侧。", "石榴在秋季上市。", "林区到商场有班车。",
    "白天在门口排队。", "江南风味到店品尝。", "华联在负一层。", "于是到服务台登记。", "金额在收据上写明。",
    "孔雀在花园里。", "温度在二十度左右。", "余额在会员中心查询。", "钟表在二楼维修。", "包装在拆开后不能退。",
    "马桶在卫生间。", "沈阳到北京的车票。", "董事会在会上决定。", "宋体在海报上显得小。", "方便面在促销。",
    "常温下到期的牛奶。", "程序在后台运行。", "任何人到店都可以。", "许多顾客在周末来。", "朱古力在柜台。",
    "王女士在店内办了会员卡。", "张某到维权站反映问题。", "商户A在三楼。",
]


@pytest.mark.parametrize("sentence, name", BARE_NAMES)
def test_a_bare_name_opening_a_clause_is_caught(sentence, name):
    assert [(f.rule, f.text) for f in scan_text(sentence)] == [("pii.name", name)]


@pytest.mark.parametrize("sentence", BARE_LOOKALIKES)
def test_bare_name_lookalikes_pass(sentence):
    assert _brief(scan_text(sentence)) == []

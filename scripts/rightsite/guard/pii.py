"""Personal data (个人信息) in Chinese text: a pure function from a string to findings.

`scan_text(text, allow)` finds mobile and landline numbers, resident ID numbers, bank card
numbers, e-mail addresses, QQ numbers, WeChat ids, vehicle plates, passport numbers, detailed
home addresses and personal names, written the way people write them in Chinese text
(+86/0086, spaces and dashes, full-width digits and colons, after 电话/手机/QQ/微信 …).

Design, in short:

* The text is first mapped character by character (same length, so offsets stay valid) to a
  normalized copy: full-width digits, letters and ＋－：（）＠ become ASCII, every dash (–—−…)
  becomes "-", every middle dot becomes "·". All number rules run on that copy with
  precompiled regular expressions; `Finding.text` is always the slice of the original text.
* Digit rules look at what surrounds a number (never a digit, never "digit + space/dash",
  so a mobile number is not found inside an ID or card number) and validate it:
  ID numbers need a real province code, a real birth date and the GB 11643 check character
  (or a 身份证/证件号 context word right before them); 15-digit IDs need a province and a date.
* Bank cards (16-19 digits, plain or in groups of four) are flagged when a card context word
  (卡号、银行卡、账号、借记卡、信用卡 …) precedes them, or else when they pass the Luhn check
  AND start with a known BIN prefix (62 UnionPay, 4 Visa, 5 Mastercard, 3 JCB/Amex/Diners),
  unless an order/barcode/invoice word (订单号、条码、发票 …) precedes them. Luhn alone is not
  enough: one random number in ten passes it. 尾号 is no card word: 尾号8866 is four digits
  and never a card number.
* QQ numbers, WeChat ids and (non-E) passport numbers are only flagged right after their
  context words; "E" + 8 digits is flagged on its own. A QQ群 number is a group, not a person.
* Addresses need a road + house number (滨江路88号) or a residential compound (某某小区)
  directly followed by building/unit/room details (3栋2单元501室, 5幢1203, 3-2-501). A road
  and number alone (the mall's own 滨江大道188号) or a floor (六层多功能厅) is not personal.
* Names use jieba part-of-speech tags (nr) plus a surname check plus context: a role word
  before (消费者、顾客、店员、投诉人 …) or a speech verb/title after (表示、称、说、反映、先生、女士 …).
  jieba's dictionary tags many ordinary two-character words as nr (陈述、付清、华为、白银 …), so a
  two-character candidate that is a dictionary word counts only with strong context (a title
  after it, or 姓名/名叫 before it); names jieba did not know (张伟、王芳) or longer names are
  enough with ordinary context. The anonymized forms pass: a surname alone or with 某/某某/
  先生/女士 (张某、李某某、王女士、陈先生), 某服装店, 商户A. They are recognised by rule, not by
  segmentation, so no user words are needed. jieba is loaded lazily, once, as a private
  tokenizer (the search plugin's user dictionary loaded into the global jieba cannot change
  the result), and only runs on short windows next to a context word with a surname beside it.
* Findings that overlap are resolved by rule priority (ID > card > e-mail > QQ > WeChat >
  passport > mobile > landline > plate > address > name), then allowed texts are dropped:
  the built-in public numbers (12315, 110, 400/800 numbers …) and the `allow` strings
  (channel values of the mall, `pii_allow` entries), compared after removing spaces and dashes.
"""
from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from typing import Iterable

LABELS: dict[str, str] = {
    "pii.mobile": "手机号码",
    "pii.landline": "固定电话",
    "pii.id_card": "身份证号码",
    "pii.bank_card": "银行卡号",
    "pii.email": "电子邮箱",
    "pii.qq": "QQ号码",
    "pii.wechat": "微信号",
    "pii.plate": "车牌号码",
    "pii.passport": "护照号码",
    "pii.address": "详细住址",
    "pii.name": "个人姓名",
}
RULES = tuple(LABELS)
# Overlapping findings: the earlier rule wins.
PRIORITY = {rule: i for i, rule in enumerate((
    "pii.id_card", "pii.bank_card", "pii.email", "pii.qq", "pii.wechat", "pii.passport",
    "pii.mobile", "pii.landline", "pii.plate", "pii.address", "pii.name"))}

# Public service numbers: never personal data.
BUILTIN_ALLOW: tuple[str, ...] = ("12315", "12345", "110", "120", "119", "122", "12331", "12358", "12365")

# ---------------------------------------------------------------------------------------------
# Normalization: one character in, one character out, so offsets stay the same.

_FW = {0xFF10 + i: str(i) for i in range(10)}
_FW.update({0xFF21 + i: chr(0x41 + i) for i in range(26)})
_FW.update({0xFF41 + i: chr(0x61 + i) for i in range(26)})
_FW.update({ord(a): b for a, b in {
    "＋": "+", "－": "-", "：": ":", "（": "(", "）": ")", "＠": "@", "．": ".", "＿": "_", "＃": "#",
    "\u3000": " ", "\u00a0": " ", "\t": " ",
    "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-", "−": "-", "﹣": "-",
    "・": "·", "•": "·", "‧": "·", "∙": "·",
}.items()})
# circled, parenthesized and dingbat numerals (①, ⑴, ⒈, ❶, ➀, ⓵) are digits people type to dodge a scan
for _first, _zero in ((0x2460, None), (0x2474, None), (0x2488, None), (0x2776, None), (0x2780, None), (0x278A, None),
                      (0x24F5, None)):
    _FW.update({_first + i: str(i + 1) for i in range(9)})
_FW.update({0x24EA: "0", 0x24FF: "0", 0x1F10B: "0", 0x1F10C: "0"})
_FW.update({ord(c): "/" for c in "／⁄∕"})
_CN_DIGIT = {ord(a): b for a, b in zip("零〇一二三四五六七八九幺", "001234567891")}
# 7 or more Chinese numerals in a row (幺三八一二三四五六七八) are a number written out: digits
_CN_RUN = re.compile(r"[零〇一二三四五六七八九幺](?:[ \-.·/]?[零〇一二三四五六七八九幺0-9]){6,}")
# invisible characters (zero-width space and joiners, word joiner, soft hyphen, BOM, bidi marks):
# removed before scanning, findings mapped back to the original offsets
_INVISIBLE = re.compile(r"[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180e\u200b-\u200f\u202a-\u202e"
                        r"\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0]")
_CANON_DROP = re.compile(r"[\s\-·]+")
_NON_DIGIT = re.compile(r"\D")
_GROUP_SEP = re.compile(r"[ \-·.]")
_SPACES = re.compile(r"\s+")
_ADDRESS_NUMBER = re.compile(r"[0-9A-Za-z一二三四五六七八九十百零〇两]")


def normalize(text: str) -> str:
    """Full-width to ASCII, dashes to "-", dots to "·", circled numerals and runs of Chinese
    numerals to digits; same length as the input."""
    out = text.translate(_FW)
    if _CN_RUN.search(out):
        out = _CN_RUN.sub(lambda m: m.group(0).translate(_CN_DIGIT), out)
    return out


def _fold(text: str) -> tuple[str, list[int] | None]:
    """`text` without invisible characters, and the original offset of each kept character
    (None when nothing was removed)."""
    if not _INVISIBLE.search(text):
        return text, None
    keep = [i for i, c in enumerate(text) if not _INVISIBLE.match(c)]
    return "".join(text[i] for i in keep), keep


def _canon(text: str) -> str:
    """What `allow` compares: normalized, without spaces and dashes, lower case."""
    return _CANON_DROP.sub("", normalize(text)).lower()


def _digits(text: str) -> str:
    return _NON_DIGIT.sub("", normalize(_INVISIBLE.sub("", text)).translate(_CN_DIGIT))


_SERVICE = re.compile(r"(?:400|800)\d{7}")
_WITH_COUNTRY_CODE = re.compile(r"(?:0086|86)\d{10}")


def _is_service_number(text: str) -> bool:
    """400/800 numbers (with or without +86) and the public short numbers."""
    d = _digits(text)
    if _WITH_COUNTRY_CODE.fullmatch(d):
        d = d[-10:]
    return bool(_SERVICE.fullmatch(d)) or d in BUILTIN_ALLOW


# ---------------------------------------------------------------------------------------------
# The finding


@dataclass(frozen=True)
class Finding:
    """One piece of personal data: which rule, where (offsets in the scanned text), what."""

    rule: str
    start: int
    end: int
    text: str

    @property
    def label(self) -> str:
        return LABELS.get(self.rule, self.rule)

    def masked(self) -> str:
        """The value with its middle hidden, e.g. 138****5678, 张*, 110105********1234."""
        return _MASKERS.get(self.rule, _mask_generic)(self.text)


def _stars(n: int) -> str:
    return "*" * max(n, 1)


def _mask_generic(value: str) -> str:
    v = _SPACES.sub("", value)
    if len(v) <= 2:
        return v[:1] + "*"
    keep = max(1, len(v) // 4)
    return v[:keep] + _stars(len(v) - 2 * keep) + v[-keep:]


def _mask_mobile(value: str) -> str:
    d = _digits(value)
    if len(d) > 11:
        d = d[-11:]
    return d[:3] + "****" + d[-4:]


def _mask_landline(value: str) -> str:
    m = LANDLINE_RE.search(normalize(value))
    if m is None:  # a local number without area code
        d = _digits(value)
        return _stars(len(d) - 4) + d[-4:]
    local = _NON_DIGIT.sub("", m.group("local"))
    area = m.group("a1") or m.group("a2") or m.group("a3")
    return "0" + area + "-" + _stars(len(local) - 4) + local[-4:]


def _mask_id(value: str) -> str:
    v = _GROUP_SEP.sub("", normalize(value)).upper()
    return v[:6] + _stars(len(v) - 10) + v[-4:]


def _mask_card(value: str) -> str:
    d = _digits(value)
    return d[:4] + _stars(len(d) - 8) + d[-4:]


def _mask_email(value: str) -> str:
    v = normalize(value)
    at = re.search(_AT, v, re.I) if "@" not in v else re.search("@", v)
    local, domain = (v[: at.start()], v[at.end():]) if at else (v, "")
    return local.strip()[:1] + "***@" + domain.strip()


def _mask_plate(value: str) -> str:
    v = _GROUP_SEP.sub("", normalize(value))
    return v[:2] + _stars(len(v) - 4) + v[-2:]


def _mask_address(value: str) -> str:
    return _ADDRESS_NUMBER.sub("*", normalize(value))


def _mask_name(value: str) -> str:
    sur = value[:2] if value[:2] in _COMPOUND_SURNAMES else value[:1]
    return sur + _stars(len(value) - len(sur))


_MASKERS = {
    "pii.mobile": _mask_mobile,
    "pii.landline": _mask_landline,
    "pii.id_card": _mask_id,
    "pii.bank_card": _mask_card,
    "pii.email": _mask_email,
    "pii.plate": _mask_plate,
    "pii.address": _mask_address,
    "pii.name": _mask_name,
}

# ---------------------------------------------------------------------------------------------
# Number rules. All patterns run on the normalized text.

_NB = r"(?<![0-9])(?<![0-9][ -])"  # no digit (or digit + separator) right before
_CC = r"(?:(?:\+|00)86[ -]?|\(\+?86\)[ ]?)"  # country code

MOBILE_RE = re.compile(_NB + rf"(?:{_CC})?1[3-9]\d(?:[ -]?\d{{4}}){{2}}(?![0-9])")

# a phone number written with other separators between its digits (138.1234.5678, 138/1234/5678,
# 1 3 8 1 2 3 4 5 6 7 8, 0571.8888.6666): any of . / _ · space or dash, up to three between digits
_DSEP = r"[ ./_·\-]{0,3}"
SPACED_PHONE_RE = re.compile(r"(?<![0-9])(?<![0-9][ ./_·\-])(?<![0-9][ ./_·\-]{2})(?<![0-9][ ./_·\-]{3})(?:\+?86" + _DSEP + r")?"
                             r"[01](?:" + _DSEP + r"\d){9,11}(?!" + _DSEP + r"\d)")
# how people split a phone number: 138.1234.5678, 0571/8888/6666, 021 6234 5678, 1 3 8 1 …;
# a row of small numbers from a table (0  23  6  12  4050) is not one
_PHONE_GROUPS = {(3, 4, 4), (3, 8), (4, 3, 4), (2, 3, 3, 3), (3, 3, 5), (3, 7), (4, 7), (3, 8), (4, 8), (3, 4, 4),
                 (4, 4, 4), (4, 3, 4), (3, 3, 4), (4, 4, 3)}


def _phone_shaped(run: str) -> bool:
    groups = [len(g) for g in re.findall(r"\d+", run)]
    seps = set(re.findall(r"\D+", run))
    if len(groups) > 1 and groups[0] == 2 and run.lstrip("+").startswith("86"):
        groups = groups[1:]  # the country code
    if all(g == 1 for g in groups):
        return len(seps) <= 1
    return len(seps) <= 1 and (tuple(groups) in _PHONE_GROUPS or len(groups) == 1)


_MOBILE_DIGITS = re.compile(r"(?:86)?1[3-9]\d{9}")
_AREA = r"(?:10|2\d|(?!400|800)[3-9]\d{2})"  # without the leading 0
LANDLINE_RE = re.compile(
    _NB + rf"(?:{_CC}\(?0?(?P<a1>{_AREA})\)?|\(0(?P<a2>{_AREA})\)|0(?P<a3>{_AREA}))[ -]?"
    r"(?P<local>[2-9]\d{2,3}[ -]?\d{4})(?:[ ]?(?:转|分机|ext\.?|x|#)[ ]?\d{1,5}|-\d{1,4})?(?![0-9])")
_LANDLINE_DIGITS = re.compile(rf"(?:86)?0{_AREA}[2-9]\d{{6,7}}")
_SEP = r"[ :]*(?:是|为)?[ :]*"
LOCAL_PHONE_RE = re.compile(  # no area code: only right after a phone word
    r"(?:电话|座机|固话|(?<![A-Za-z])(?:tel|Tel|TEL|phone|Phone|PHONE)(?![A-Za-z]))(?:号码|号)?"
    + _SEP + r"(?P<v>[2-9]\d{2,3}[ -]?\d{4})(?![0-9])")

ID18_RE = re.compile(r"(?<![0-9A-Za-z])(?<![0-9][ -])[1-9]\d{5}[ -]?\d{4}[ -]?\d{4}[ -]?\d{3}[0-9Xx](?![0-9A-Za-z])")
ID15_RE = re.compile(r"(?<![0-9A-Za-z])(?<![0-9][ -])[1-9]\d{14}(?![0-9A-Za-z])")
ID_CONTEXT_RE = re.compile(r"身份证|证件号|身份号码|公民身份|居民身份|ID ?(?:No|号)", re.I)
_PROVINCES = frozenset("11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 "
                       "50 51 52 53 54 61 62 63 64 65 71 81 82 83 91".split())
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

CARD_RE = re.compile(
    r"(?<![0-9A-Za-z])(?<![0-9][ -])(?:\d{16,19}|\d{4}(?:[ -]\d{4}){3}(?:[ -]\d{1,3})?)"
    r"(?![0-9A-Za-z])(?![ -]\d)")
CARD_CONTEXT_RE = re.compile(r"卡号|银行卡|借记卡|信用卡|储蓄卡|银联卡|工资卡|账号|帐号|账户|帐户|收款卡|开户行|转账至|打款至")
NOT_CARD_CONTEXT_RE = re.compile(
    r"订单|单号|条码|条形码|货号|流水号|交易号|批号|批次|发票|运单|快递|物流|序列号|串号|编号|编码|IMEI|SN|追溯码|溯源码|券码|兑换码|合同号",
    re.I)
_CARD_BINS = ("62", "4", "5", "3")

EMAIL_RE = re.compile(
    r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9][A-Za-z0-9._%+\-]{0,63}@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![A-Za-z0-9\-])")

_AT = r"(?:\s*(?:\(\s*at\s*\)|\[\s*at\s*\]|\{\s*at\s*\}|<\s*at\s*>|（\s*at\s*）|【\s*at\s*】|艾特|圈a)\s*|\s+at\s+|\s*@\s+|\s+@\s*)"
_DOT = r"(?:\s*(?:\(\s*dot\s*\)|\[\s*dot\s*\]|\{\s*dot\s*\}|（\s*dot\s*）|点)\s*|\s+dot\s+|\.)"
OBFUSCATED_EMAIL_RE = re.compile(
    r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9][A-Za-z0-9._%+\-]{0,63}" + _AT +
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?" + _DOT + r")+(?:com|cn|net|org|edu|gov|info|biz|me|io|top|vip|xyz|"
    r"hk|tw|mo|co|cc|tv|[a-z]{2})(?![A-Za-z0-9\-])", re.I)
QQ_RE = re.compile(r"(?:(?<![A-Za-z])(?:[Qq] ?[Qq])(?: ?号 ?码| ?号)?|扣 ?扣(?: ?号 ?码| ?号)?|(?<![A-Za-z])Q ?号 ?码?)"
                   + _SEP + r"(?P<v>[1-9]\d{4,10})(?![0-9])")

WECHAT_RE = re.compile(
    r"(?:[微威薇] ?信|[Vv] ?信|(?<![A-Za-z])(?:wx|WX|Wx|vx|VX|weixin|Weixin|WeChat|Wechat|wechat|WECHAT)(?![A-Za-z]))"
    r"(?:号码|号|ID|Id|id)?" + _SEP + r"(?P<v>[A-Za-z][-_A-Za-z0-9]{5,19})(?![-_A-Za-z0-9])")
WXID_RE = re.compile(r"(?<![A-Za-z0-9_])wxid_[A-Za-z0-9]{6,24}(?![A-Za-z0-9_])")
_WECHAT_STOP = frozenset({"wechat", "weixin", "wechatpay", "wxpay", "mini", "miniprogram"})

_PROV = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_PL = "A-HJ-NP-Z"  # plate letters: no I, no O
PLATE_RE = re.compile(
    rf"[{_PROV}][{_PL}][ ·.\-]?(?:[DF][{_PL}0-9]\d{{4}}|\d{{5}}[DF]|[{_PL}0-9]{{4}}[{_PL}0-9挂学警港澳领])(?![A-Za-z0-9])")

PASSPORT_RE = re.compile(r"(?<![A-Za-z0-9])E\d{8}(?![A-Za-z0-9])")
PASSPORT_CONTEXT_RE = re.compile(
    r"(?:护照|(?<![A-Za-z])passport|通行证)(?:号码|号|[ ]?No\.?)?[ :(是为]{0,4}"
    r"(?P<v>[A-Za-z]\d{8}|[A-Za-z]{2}\d{7})(?![A-Za-z0-9])", re.I)

# ---------------------------------------------------------------------------------------------
# Addresses: road + house number, or a residential compound, directly followed by details.

_CJK = r"\u4e00-\u9fff"
_NUM = r"(?:\d{1,5}|[一二三四五六七八九十百零〇两]{1,4})"
_ROAD = r"(?:大道|大街|路|街|巷|弄|胡同|道)"
_COMM = r"(?:小区|花园|公寓|家园|新村|苑|府|公馆|大厦|社区|村|园|城|湾|里|庭|居|阁|邸|山庄|广场|宿舍|大院|别墅)"
_TOKEN = rf"(?:{_NUM}|[A-Z])[ ]?(?:号楼|栋|幢|座|单元|层|楼|室|号房|房|户|号)"
_ROOM = r"\d{3,5}(?:室|房|号)?(?![0-9.,%元年月日个件份人次万千百平米岁天\-])"
_DASH = r"\d{1,3}(?:-\d{1,3})?-\d{3,4}(?:室|号|房)?(?![0-9\-])"
_DETAIL = rf"(?:(?:{_TOKEN})+(?:{_ROOM})?|{_DASH})"
ADDRESS_ROAD_RE = re.compile(
    rf"(?P<suf>{_ROAD})[ ]?\d{{1,5}}[ ]?(?:弄[ ]?\d{{1,4}}[ ]?)?号院?"  # 滨江路88号, 人民路100弄12号
    rf"(?:[ ]?[{_CJK}]{{1,10}}?{_COMM})?[ ]?(?P<det>{_DETAIL})")
ADDRESS_COMM_RE = re.compile(rf"(?P<suf>{_COMM})[ ]?(?P<det>{_DETAIL})")
_BUILDING_RE = re.compile(r"栋|幢|号楼")
_ROOM_LEVEL_RE = re.compile(r"单元|室|房|户|\d-\d|\d{3,5}号?$")
_ADDR_STOP = frozenset("住在于址到至往寄送是为家的了从向及与和或、")

# ---------------------------------------------------------------------------------------------
# Names

_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔"
    "向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕"
    "单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚"
    "娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池"
    "查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴"
    "盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊乌母裘亓修邰赫杭况那"
    "宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由萧")
_COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 上官 诸葛 东方 皇甫 令狐 慕容 司徒 尉迟 长孙 宇文 公孙 夏侯 端木 独孤 南宫 西门 轩辕 呼延 "
    "澹台 公冶 申屠 太史 闻人 万俟 单于 濮阳 淳于 钟离 完颜 拓跋 赫连 百里 东郭 第五".split())
# A role word right before a name (消费者张伟) ...
_PRE_WEAK = (
    "消费者 顾客 客户 当事人 投诉人 被投诉人 举报人 申请人 被申请人 店员 营业员 导购员 导购 收银员 店长 店主 经理 "
    "主管 员工 工作人员 职员 客服 保安 厨师 技师 维修员 快递员 骑手 司机 业主 患者 家属 家长 学员 会员 市民 游客 "
    "租户 老人 儿子 女儿 丈夫 妻子 母亲 父亲 同事 朋友 负责人 联系人 法定代表人 代理人 律师 法官 记者 网友 买家 "
    "卖家 老板 商户 商家 本人 孩子 小孩 宝宝 学生 教练 老师 医生 美容师 理发师 设计师 销售 售货员 服务员").split()
# ... or a naming word (strong: even a dictionary word after it is a name).
_PRE_STRONG = "姓名 名叫 叫做 名字叫 名字是 署名".split()
# A speech verb after a name (张伟表示) ...
_FOLLOW_WEAK = (
    "表示 称 说 反映 投诉 告诉 介绍 认为 坦言 回忆 证实 承认 提出 要求 指出 解释 称其 声称 同学 老师 师傅 "
    "阿姨 经理 店长 律师 医生 教练").split()
# ... or, for a name that opens a sentence or clause, a verb or preposition (张伟在店内办了会员卡).
_FOLLOW_BARE = "在 到 向 把 被 从 去 买 办 带 拿 给 因 于 来 找 用".split()
_CLAUSE_START = frozenset("。！？；，、：“‘（(\n ")
# ... or a title (strong).
_FOLLOW_STRONG = ("先生", "女士", "小姐")
_TITLES = ("先生", "女士", "小姐", "老师", "师傅", "阿姨", "同学", "经理", "店长", "律师", "医生", "教练")
_HONORIFIC_GIVEN = frozenset("总 姐 哥 叔 姨 伯 婶 嫂 婆 爷 奶 工 师 老 氏 家 记 局 处 科 董 主 总监".split())
# Characters that end nouns but (almost) never a given name: 黄金周, 宣传部, 许可证, 安全性.
_NOT_NAME_END = frozenset("部性证县市省区宫塔厂店馆局司卡券费价法条款品厅处室所站场队组社团赛节期率量单表书周门楼阁庙桥岩砂卜业台柜架机器货")
_NAME_STOP = frozenset(set(_PRE_WEAK) | set(_PRE_STRONG) | set(_FOLLOW_WEAK) | set(_FOLLOW_STRONG) | set(
    "华为 白银 黄金 金额 钟表 周末 高兴 方便 常规 马上 于是 顾客 顾问 李宁 海尔 格力 苏宁 国美 万达 华润 安踏 "
    "周大福 周生生 老凤祥 六福 金六福 谢瑞麟 海澜之家 森马 太平鸟 雅戈尔 罗莱 富安娜 方太 苏泊尔 九阳 欧派 "
    "索菲亚 顾家 康师傅 金龙鱼 鲁花 汤臣倍健 屈臣氏 万宁 华联 沃尔玛 宜家 石头 云南 温州 常州 江南 明码 文明 "
    "明白 阳光 白领 宝贝 保健 康复 师傅 小姐 和尚 王朝 黄金周 宣传部 石家庄 朱古力".split()))
_CTX_WORDS = sorted(set(_PRE_WEAK) | set(_PRE_STRONG) | set(_FOLLOW_WEAK) | set(_FOLLOW_STRONG) | set(_FOLLOW_BARE),
                    key=len, reverse=True)
NAME_CONTEXT_RE = re.compile("|".join(map(re.escape, _CTX_WORDS)))
_PRE_RE = re.compile("(?:" + "|".join(map(re.escape, sorted(_PRE_WEAK + _PRE_STRONG, key=len, reverse=True)))
                     + r")[ :：是为叫]{0,2}$")
_PRE_STRONG_RE = re.compile("(?:" + "|".join(map(re.escape, _PRE_STRONG)) + r"|叫)[ :：是为]{0,2}$")
_FOLLOW_WEAK_RE = re.compile("|".join(map(re.escape, sorted(_FOLLOW_WEAK, key=len, reverse=True))))
_FOLLOW_STRONG_RE = re.compile("|".join(_FOLLOW_STRONG))
_PRE_AT_RE = re.compile("(?:" + "|".join(map(re.escape, sorted(_PRE_WEAK + _PRE_STRONG, key=len, reverse=True)))
                        + r")[ :：是为叫]{0,2}")
_FOLLOW_AT_RE = re.compile("|".join(map(re.escape, sorted([*_FOLLOW_WEAK, *_FOLLOW_STRONG, *_FOLLOW_BARE],
                                                           key=len, reverse=True))))
_FOLLOW_BARE_RE = re.compile("|".join(map(re.escape, _FOLLOW_BARE)))
_FUNCTION_TAGS = ("p", "c", "u", "d", "r", "v", "f", "q", "e", "o", "y", "uj", "ul", "uv", "uz", "ud", "ug")
_WINDOW_BREAK = re.compile(r"[。！？；!?;\n]")
_CJK_ONLY = re.compile(rf"[{_CJK}]+")
_LATIN_RE = re.compile(r"[A-Za-z]")
_DIGIT_RE = re.compile(r"[0-9]")

_POS = None  # (POSTokenizer, word_tag_tab), loaded on first use


def _posseg():
    """jieba's part-of-speech tokenizer, loaded once, private to this module."""
    global _POS
    if _POS is None:
        logging.getLogger("jieba").setLevel(logging.WARNING)
        import jieba
        import jieba.posseg

        jieba.setLogLevel(logging.WARNING)
        tokenizer = jieba.Tokenizer()
        # importing jieba.posseg already read the word-tag table for its default tokenizer;
        # share a copy instead of parsing dict.txt a second time (~0.4 s)
        pos = jieba.posseg.POSTokenizer.__new__(jieba.posseg.POSTokenizer)
        pos.tokenizer = tokenizer
        pos.word_tag_tab = dict(jieba.posseg.dt.word_tag_tab)
        pos.tokenizer.initialize()
        _POS = (pos, pos.word_tag_tab)
    return _POS


# ---------------------------------------------------------------------------------------------
# Checks


def _id18_valid(d: str) -> bool:
    if d[:2] not in _PROVINCES or not _date_ok(d[6:14]):
        return False
    total = sum(int(c) * w for c, w in zip(d[:17], _ID_WEIGHTS))
    return _ID_CHECK[total % 11] == d[17].upper()


def _date_ok(yyyymmdd: str) -> bool:
    try:
        day = dt.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return False
    return 1900 <= day.year <= 2099


def _luhn(d: str) -> bool:
    total = 0
    for i, c in enumerate(reversed(d)):
        n = int(c)
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def _before(norm: str, start: int, width: int = 16) -> str:
    return norm[max(0, start - width):start]


def _context_pos(pattern: re.Pattern, norm: str, start: int, width: int = 16) -> int:
    """Distance from the end of the last context word before `start` (-1: none)."""
    window = _before(norm, start, width)
    last = None
    for m in pattern.finditer(window):
        last = m
    return -1 if last is None else len(window) - last.end()


def _scan_numbers(text: str, norm: str, out: list[Finding]) -> None:
    def add(rule: str, start: int, end: int) -> None:
        out.append(Finding(rule, start, end, text[start:end]))

    for m in ID18_RE.finditer(norm):
        d = _GROUP_SEP.sub("", m.group())
        if _id18_valid(d) or _context_pos(ID_CONTEXT_RE, norm, m.start()) >= 0:
            add("pii.id_card", m.start(), m.end())
    for m in ID15_RE.finditer(norm):
        d = m.group()
        if (d[:2] in _PROVINCES and _date_ok("19" + d[6:12])) or _context_pos(ID_CONTEXT_RE, norm, m.start()) >= 0:
            add("pii.id_card", m.start(), m.end())
    for m in CARD_RE.finditer(norm):
        d = _NON_DIGIT.sub("", m.group())
        card = _context_pos(CARD_CONTEXT_RE, norm, m.start())
        other = _context_pos(NOT_CARD_CONTEXT_RE, norm, m.start())
        if card >= 0 and (other < 0 or card <= other):
            add("pii.bank_card", m.start(), m.end())
        elif other < 0 and _luhn(d) and d.startswith(_CARD_BINS):
            add("pii.bank_card", m.start(), m.end())
    for m in MOBILE_RE.finditer(norm):
        add("pii.mobile", m.start(), m.end())
    for m in LANDLINE_RE.finditer(norm):
        add("pii.landline", m.start(), m.end())
    for m in SPACED_PHONE_RE.finditer(norm):
        if not _phone_shaped(m.group()):
            continue
        d = _NON_DIGIT.sub("", m.group())
        if _MOBILE_DIGITS.fullmatch(d):
            add("pii.mobile", m.start(), m.end())
        elif _LANDLINE_DIGITS.fullmatch(d):
            add("pii.landline", m.start(), m.end())
    for m in LOCAL_PHONE_RE.finditer(norm):
        add("pii.landline", m.start("v"), m.end("v"))
    for m in QQ_RE.finditer(norm):
        add("pii.qq", m.start("v"), m.end("v"))
    for m in PASSPORT_CONTEXT_RE.finditer(norm):
        add("pii.passport", m.start("v"), m.end("v"))
    for m in PASSPORT_RE.finditer(norm):
        add("pii.passport", m.start(), m.end())


def _scan_ascii(text: str, norm: str, out: list[Finding]) -> None:
    if "@" in norm:
        for m in EMAIL_RE.finditer(norm):
            out.append(Finding("pii.email", m.start(), m.end(), text[m.start():m.end()]))
    for m in OBFUSCATED_EMAIL_RE.finditer(norm):  # zhang(at)163.com, li [at] qq [dot] com
        if not EMAIL_RE.fullmatch(m.group()):
            out.append(Finding("pii.email", m.start(), m.end(), text[m.start():m.end()]))
    for m in WECHAT_RE.finditer(norm):
        if m.group("v").lower() not in _WECHAT_STOP:
            out.append(Finding("pii.wechat", m.start("v"), m.end("v"), text[m.start("v"):m.end("v")]))
    for m in WXID_RE.finditer(norm):
        out.append(Finding("pii.wechat", m.start(), m.end(), text[m.start():m.end()]))


def _scan_plates(text: str, norm: str, out: list[Finding]) -> None:
    for m in PLATE_RE.finditer(norm.upper()):  # 粤b12345 is the same plate as 粤B12345
        tail = _GROUP_SEP.sub("", m.group())[2:]
        if len(tail) == 5 and sum(c.isdigit() for c in tail) < 3:
            continue
        out.append(Finding("pii.plate", m.start(), m.end(), text[m.start():m.end()]))


def _address_start(norm: str, suffix_start: int) -> int | None:
    """Walk left from the road/compound suffix over its name (at least 2 CJK characters)."""
    i = suffix_start
    taken = 0
    while i > 0 and taken < 12:
        c = norm[i - 1]
        if not ("\u4e00" <= c <= "\u9fff") or (taken >= 2 and c in _ADDR_STOP):
            break
        i -= 1
        taken += 1
    return i if taken >= 2 else None


def _scan_addresses(text: str, norm: str, out: list[Finding]) -> None:
    for pattern, road in ((ADDRESS_ROAD_RE, True), (ADDRESS_COMM_RE, False)):
        for m in pattern.finditer(norm):
            det = m.group("det").rstrip()
            room = bool(_ROOM_LEVEL_RE.search(det))
            if not (room or (road and _BUILDING_RE.search(det))):
                continue
            start = _address_start(norm, m.start("suf"))
            if start is None:
                continue
            end = m.start("det") + len(det)
            out.append(Finding("pii.address", start, end, text[start:end]))


# -- names --


def _maybe_name_after(text: str, pos: int) -> bool:
    """A surname starts at `pos`, and not as 王某/王女士 (the anonymized forms)."""
    sur = _surname(text[pos:pos + 2])
    if not sur:
        return False
    rest = text[pos + len(sur):pos + len(sur) + 2]
    return bool(rest) and rest[0] != "某" and not rest.startswith(_FOLLOW_STRONG) and _CJK_ONLY.match(rest) is not None


def _maybe_name_before(text: str, pos: int) -> bool:
    """Two to four CJK characters before `pos` start with a surname (not 王某, not just 王)."""
    for k in (2, 3, 4):
        chunk = text[max(0, pos - k):pos]
        if len(chunk) == k and _CJK_ONLY.fullmatch(chunk) and "某" not in chunk and _surname(chunk):
            return True
    return False


def _windows(text: str) -> list[tuple[int, int]]:
    """Short spans around context words that have a surname next to them, cut at sentence ends, merged."""
    spans: list[tuple[int, int]] = []
    for m in NAME_CONTEXT_RE.finditer(text):
        pre = _PRE_AT_RE.match(text, m.start())
        if pre is not None and _maybe_name_after(text, pre.end()):
            lo, hi = pre.end(), min(len(text), pre.end() + 6)
        elif _FOLLOW_AT_RE.match(text, m.start()) and _maybe_name_before(text, m.start()):
            lo, hi = max(0, m.start() - 6), m.end()
        else:
            continue
        brk = None
        for brk in _WINDOW_BREAK.finditer(text, lo, m.start()):
            pass
        if brk is not None:
            lo = brk.end()
        nxt = _WINDOW_BREAK.search(text, m.end(), hi)
        if nxt is not None:
            hi = nxt.start()
        if spans and lo <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], hi))
        else:
            spans.append((lo, hi))
    return spans


def _surname(word: str) -> str:
    if word[:2] in _COMPOUND_SURNAMES:
        return word[:2]
    return word[:1] if word[:1] in _SURNAMES else ""


def _strip_title(word: str) -> str:
    for t in _TITLES:
        if word.endswith(t) and len(word) > len(t):
            return word[: -len(t)]
    return word


def _context(text: str, start: int, end: int) -> int:
    """0: no context, 1: a role word before or a speech verb after, 2: a naming word before or a title after."""
    before = text[max(0, start - 8):start]
    after = text[end:end + 5].lstrip()
    if _PRE_STRONG_RE.search(before) or _FOLLOW_STRONG_RE.match(after):
        return 2
    if _PRE_RE.search(before) or _FOLLOW_WEAK_RE.match(after):
        return 1
    if (start == 0 or text[start - 1] in _CLAUSE_START) and _FOLLOW_BARE_RE.match(text, end):
        return 1  # a bare name opening a clause: 张伟在店内……
    return 0


def _follows(text: str, pos: int) -> bool:
    return bool(_FOLLOW_STRONG_RE.match(text, pos) or _FOLLOW_WEAK_RE.match(text, pos))


def _name_ok(text: str, cand: str, start: int, end: int, dict_word: bool) -> bool:
    if not 2 <= len(cand) <= 4 or not _CJK_ONLY.fullmatch(cand) or cand in _NAME_STOP:
        return False
    sur = _surname(cand)
    given = cand[len(sur):]
    if not sur or not given or len(given) > 2:
        return False  # a surname alone (王女士, 陈先生) is the accepted anonymized form
    if cand[-1] in _NOT_NAME_END:
        return False
    if "某" in cand or given in _HONORIFIC_GIVEN or text[end:end + 1] == "某":
        return False  # 张某, 李某某, 王总, 李姐
    level = _context(text, start, end)
    if dict_word and len(cand) == 2:
        return level >= 2  # jieba tags many plain words nr (陈述, 付清, 华为): need a title or 姓名
    return level >= 1


def _scan_names(text: str, out: list[Finding]) -> None:
    windows = _windows(text)
    if not windows:
        return
    pos, tags = _posseg()
    found: dict[int, Finding] = {}
    for lo, hi in windows:
        toks = []
        at = lo
        for pair in pos.cut(text[lo:hi]):
            toks.append((pair.word, pair.flag, at, at + len(pair.word)))
            at += len(pair.word)
        for i, (word, flag, s, e) in enumerate(toks):
            nxt = toks[i + 1] if i + 1 < len(toks) else None
            cands: list[tuple[str, int, int, bool]] = []
            is_nr = flag.startswith("nr")
            if is_nr:
                core = _strip_title(word)
                cands.append((core, s, s + len(core), word in tags and core == word))
            if nxt is not None and _surname(word) == word and not flag.startswith(_FUNCTION_TAGS):
                # surname + given name split by jieba: 林|小雨, 周|海涛, 欧阳|娜娜, 孙|国庆|先生
                nword, nflag, _, ne = nxt
                if (nflag.startswith("nr") or (_FOLLOW_STRONG_RE.match(text, ne)
                                                and not nflag.startswith(_FUNCTION_TAGS))) and len(nword) <= 2:
                    cands.append((word + nword, s, ne, False))
            if (is_nr and nxt is not None and len(nxt[0]) == 1 and len(word) <= 3
                    and not nxt[1].startswith(_FUNCTION_TAGS) and not _follows(text, e) and _follows(text, nxt[3])):
                # a name cut one character short: 欧阳明|月 表示
                cands.append((word + nxt[0], s, nxt[3], False))
            for cand, cs, ce, dict_word in sorted(cands, key=lambda c: c[2] - c[1], reverse=True):
                if _name_ok(text, cand, cs, ce, dict_word):
                    found.setdefault(cs, Finding("pii.name", cs, ce, text[cs:ce]))
                    break
    out.extend(found.values())


# ---------------------------------------------------------------------------------------------


def _allowed(finding: Finding, allowed: list[str]) -> bool:
    if finding.rule in ("pii.mobile", "pii.landline", "pii.qq") and _is_service_number(finding.text):
        return True
    c = _canon(finding.text)
    return any(c == a or c in a for a in allowed)


def _resolve(found: list[Finding]) -> list[Finding]:
    kept: list[Finding] = []
    for f in sorted(found, key=lambda f: (PRIORITY[f.rule], f.start - f.end, f.start)):
        if all(f.end <= k.start or f.start >= k.end for k in kept):
            kept.append(f)
    return sorted(kept, key=lambda f: (f.start, f.end))


def scan_text(text: str, allow: Iterable[str] = ()) -> list[Finding]:
    """Every piece of personal data in `text`, in order; texts in `allow` (and public numbers) pass."""
    if not text:
        return []
    original = text
    text, where = _fold(text)
    norm = normalize(text)
    found: list[Finding] = []
    if _DIGIT_RE.search(norm):
        _scan_numbers(text, norm, found)
        _scan_plates(text, norm, found)
        _scan_addresses(text, norm, found)
    if "@" in norm or _LATIN_RE.search(norm) or "艾特" in norm or "圈a" in norm:
        _scan_ascii(text, norm, found)
    _scan_names(text, found)
    allowed = [a for a in (_canon(str(x)) for x in (*BUILTIN_ALLOW, *allow) if x is not None) if a]
    kept = [f for f in _resolve(found) if not _allowed(f, allowed)]
    if where is None:
        return kept
    return [Finding(f.rule, where[f.start], where[f.end - 1] + 1, original[where[f.start]:where[f.end - 1] + 1]) for f in kept]

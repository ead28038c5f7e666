"""data/site.yml: the mall, the group, the public complaint channels."""
from __future__ import annotations

import re
from typing import Literal


from pydantic import Field, model_validator

from .common import Date, Id, OptText, Record, Text


class Mall(Record):
    name: Text = Field(title="商场名称")
    short_name: OptText = Field(None, title="简称")
    address: OptText = Field(None, title="地址")


class Group(Record):
    name: Text = Field(title="小组名称")
    short_name: OptText = Field(None, title="简称")
    owner: Text = Field(title="负责部门", description="站点资料（如投诉渠道）由谁维护")


class Channel(Record):
    id: Id = Field(title="渠道编号")
    kind: Literal["hotline", "email", "online", "desk", "12315", "wechat"] = Field(
        title="类型", description="hotline 电话 / email 邮箱 / online 网上留言 / desk 现场接待 / 12315 / wechat 微信公众号或小程序")
    name: Text = Field(title="名称")
    value: Text = Field(title="号码、地址、网址或账号名", description="wechat 填公众号或小程序的名称")
    hours: OptText = Field(None, title="服务时间")
    note: OptText = Field(None, title="说明")
    url: OptText = Field(None, title="链接")
    image: OptText = Field(None, title="二维码图片",
                           description="可选：content/ 下的图片路径（如 assets/wechat-qr.png），网页和海报上显示")
    verified: Date = Field(title="最近核实日期", description="最近一次有人确认该渠道可用的日期")

    @model_validator(mode="after")
    def _value_fits_kind(self):
        """The value becomes a tel:/mailto:/https: link: load.check_fields parses it (and `url`)
        against its kind's scheme allowlist (rightsite.urls), at the value's own line."""
        if self.image is not None and not re.fullmatch(r"(?:[A-Za-z0-9_-]+/)*[A-Za-z0-9_.-]+\.(?:png|jpg|jpeg|svg)", self.image):
            raise ValueError(f"“{self.image[:40]}”应为 content/ 下的图片路径，如 assets/wechat-qr.png（png、jpg 或 svg）。"
                             " The image must be a path under content/, e.g. assets/wechat-qr.png.")
        return self


class Right(Record):
    name: Text = Field(title="权利名称", description="如 安全权")
    law: Id = Field(title="法律条款", description="data/laws.yml 中的编号，如 cpl-7")


class HomeRights(Record):
    title: Text = Field(title="标题", description="如 消费者的九项权利")
    intro: OptText = Field(None, title="引言")
    chapter: OptText = Field(None, title="详见手册章节", description="content/handbook/ 下的文件名（不含 .md）")
    items: list[Right] = Field(min_length=1, title="各项权利")


class Home(Record):
    """What the home page features; every part is optional and is left out when absent."""

    intro: OptText = Field(None, title="导语", description="首页热线下面的一段话")
    complaint_chapter: OptText = Field(None, title="投诉指南章节",
                                       description="content/handbook/ 下讲如何投诉的章节文件名（不含 .md）")
    rights: HomeRights | None = Field(None, title="消费者权利")


class ReviewPolicy(Record):
    """How often things must be looked at again (the guard's staleness rules)."""

    chapter_months: int = Field(12, ge=1, le=120, title="手册章节复核周期（月）")
    case_years: int = Field(3, ge=1, le=50, title="案例复核周期（年）")
    channel_months: int = Field(6, ge=1, le=120, title="投诉渠道核实周期（月）")
    recap_days: int = Field(14, ge=1, le=365, title="活动结束后多少天内须填写回顾")
    law_months: int = Field(12, ge=1, le=120, title="法条原文核对周期（月）")


class ListedMerchant(Record):
    name: Text = Field(title="商户名称", description="公开显示的店名")
    code: str = Field(title="商户内部编号", pattern=r"^[A-Z]{1,4}-?[0-9]{2,8}$",
                      description="data/inspections 中该商户的编号，用于核对检查结果；网页上不显示")
    since: Date = Field(title="列入日期")
    note: OptText = Field(None, title="说明", description="如 承诺线下七日无理由退货")


class MerchantList(Record):
    """Opt-in: a public, named list of merchants that passed their inspections (放心消费承诺 / 示范店)."""

    title: Text = Field("放心消费承诺商户", title="名单标题", description="如 放心消费承诺商户、诚信示范店")
    intro: OptText = Field(None, title="说明", description="名单页开头的一段话：评定办法、承诺内容")
    merchants: list[ListedMerchant] = Field(min_length=1, title="商户")


class Site(Record):
    site_name: OptText = Field(None, title="网站名称", description="不写则为“商场简称＋消费者权益保障”")
    site_description: OptText = Field(None, title="网站简介", description="搜索结果和分享链接中显示的一句话")
    mall: Mall
    group: Group
    base_url: Text = Field(title="网站地址", pattern=r"^https?://.+/$")
    repo_url: OptText = Field(None, title="代码仓库地址")
    edit_uri: OptText = Field(None, title="编辑链接路径")
    channels: list[Channel] = Field(min_length=1, title="投诉渠道")
    promise: OptText = Field(None, title="服务承诺", description="如 1 个工作日内确认收到、7 个工作日内答复；显示在投诉渠道页")
    icp: OptText = Field(None, title="ICP 备案号",
                         description="如 浙ICP备2026012345号-1；填写后显示在每页页脚，并链接到工信部备案系统")
    police_record: OptText = Field(None, title="公安联网备案号", description="如 浙公网安备33010602012345号；可选，显示在页脚")
    since: int | None = Field(None, ge=1990, le=2100, title="网站开通年份", description="页脚版权年份从此年起，如 2024")
    public_drafts: list[int] = Field(
        default_factory=list, title="提前公开的草稿年度报告",
        description="草稿状态的年度报告只在编辑预览（make serve）中显示；列在这里的年份（如 2025）在公开网站上也显示，标明草稿")
    home: Home = Field(default_factory=Home, title="首页")
    review: ReviewPolicy = Field(default_factory=ReviewPolicy, title="复核周期")
    merchant_list: MerchantList | None = Field(
        None, title="公开商户名单",
        description="可选：公开一份检查合格的商户名单（放心消费承诺 / 示范店），单独成页；不写则网站不出现任何商户")
    logo: OptText = Field(None, title="标志图片",
                          description="可选：content/ 下的图片路径（如 assets/logo.png，png、jpg 或 svg），"
                                      "印在手册和标准汇编的封面、活动海报和投诉渠道海报上；不写则不印标志")

    @model_validator(mode="after")
    def _logo_is_a_content_image(self):
        """The logo is printed from the project (the PDFs load nothing else): a plain path under content/."""
        if self.logo and not re.fullmatch(r"(?:[A-Za-z0-9_-]+/)*[A-Za-z0-9_.-]+\.(?:png|jpg|jpeg|svg)", self.logo):
            raise ValueError(f"logo：“{self.logo[:40]}”应为 content/ 下的图片路径，如 assets/logo.png（png、jpg 或 svg），"
                             "不能是网址。 The logo must be a path under content/, e.g. assets/logo.png.")
        return self

    @property
    def title(self) -> str:
        """The site's name in <title>, the header and the PDFs' metadata."""
        return self.site_name or f"{self.mall.short_name or self.mall.name}消费者权益保障"

    @property
    def organiser(self) -> str:
        """Who publishes: the mall and its group, without naming the mall twice when the
        group's own name already carries it (青禾里消费维权服务站)."""
        g = self.group.name
        if self.mall.name in g or (self.mall.short_name and self.mall.short_name in g):
            return g
        return f"{self.mall.name}{g}"

    def report_is_public(self, year: int, status: str) -> bool:
        """Whether the public site (pages, PDF, links) carries a year's report: once published,
        or while a draft only when the year is listed in `public_drafts`."""
        return status == "published" or year in self.public_drafts

    @property
    def description(self) -> str:
        return self.site_description or f"{self.organiser}：投诉渠道、维权手册、典型案例、宣传活动与服务标准"

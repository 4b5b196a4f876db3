"""seed_demo step: 民情日记 for the demo county, with open, overdue and closed items.

County scale only. For the first 24 cadres in post in the demo county's first two townships: entries
over the last 75 days written through ``diary.services`` (a few as 补记), each raising 0–2 items
with the county's default due date or a short one; older items are mostly closed with a note,
some are left open past their due date (overdue). Also a cadre login ``cadre`` (the first
township's first cadre in post) to try 我的驻村 and the diary pages on a phone.
Deterministic for a given ``rng``; running it twice adds nothing the second time.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction

from cadres.models import Posting
from core import periods
from core.models import StaffProfile
from demo.county import demo_county
from demo.logins import DEMO_PASSWORD
from diary.models import Entry, Item
from diary.services import ItemDraft, close_item, write_entry

DEMO_CADRE_USERNAME = "cadre"
DAYS = 75
# Enough to fill the ledger of two townships; every entry goes through the service (~20 ms).
MAX_CADRES = 24
HOUSEHOLDS = (
    "王大爷家",
    "李婶家",
    "张家（低保户）",
    "刘建国",
    "赵大娘家",
    "孙家（脱贫户）",
    "周会计",
    "吴家（五保户）",
)
HEARD = (
    "反映村西头路灯坏了三盏，晚上孩子放学看不清路。",
    "想扩大肉牛养殖，缺少启动资金，询问小额信贷政策。",
    "老人腿脚不便，医保报销材料不会填。",
    "水渠淤堵，春灌前需要清理。",
    "孩子考上大学，询问教育帮扶和助学贷款。",
    "对村务公开有意见，希望公布集体经济收支。",
    "邻里宅基地界线有纠纷，希望村里调解。",
    "种植的葵花销路不好，想对接收购企业。",
)
ITEMS = (
    ("更换村西头路灯", "村委会主任"),
    ("联系信用社办理小额信贷", "驻村第一书记"),
    ("帮助老人办理医保报销", "村医"),
    ("组织清理水渠", "村民小组长"),
    ("申请教育帮扶资金", "驻村工作队员"),
    ("公示集体经济收支", "村会计"),
    ("调解宅基地纠纷", "村调解委员会"),
    ("对接葵花收购企业", "驻村第一书记"),
)
CLOSING = ("已办结，群众满意。", "已协调有关部门解决。", "已上门回访，问题解决。")


def seed(*, scale, rng, stdout, today: dt.date | None = None) -> None:
    if scale != "county":
        stdout.write("民情日记：省级规模跳过")
        return
    county = demo_county()
    if county is None:
        return
    if Entry.objects.filter(village__township__county=county).exists():
        stdout.write("民情日记：演示日记已存在，跳过")
        return
    today = today or periods.today()
    townships = list(county.townships.order_by("code")[:2])
    postings = list(
        Posting.objects.active_on(today)
        .filter(village__township__in=townships)
        .select_related("cadre", "village")
        .order_by("village__township__code", "village__code", "id")[:MAX_CADRES]
    )
    with transaction.atomic():
        entries = items = 0
        for posting in postings:
            day = max(today - dt.timedelta(days=DAYS), posting.start_date)
            while day <= today:
                n = rng.randrange(len(HEARD))
                drafts = []
                for k in range(rng.choice((0, 1, 1, 2))):
                    what, who = ITEMS[(n + k) % len(ITEMS)]
                    due = day + dt.timedelta(days=rng.choice((7, 14))) if rng.random() < 0.4 else None
                    drafts.append(ItemDraft(what, who, due))
                # Most entries are written the same day; some a day or two later (补记).
                written = min(today, day + dt.timedelta(days=rng.choice((0, 0, 0, 0, 1, 2))))
                entry = write_entry(
                    cadre=posting.cadre,
                    day=day,
                    household=HOUSEHOLDS[rng.randrange(len(HOUSEHOLDS))],
                    content=HEARD[n],
                    items=drafts,
                    today=written,
                )
                entries += 1
                for item in Item.objects.filter(entry=entry):
                    items += 1
                    age = (today - item.raised_on).days
                    # Older items are mostly closed, a share is left open past its due date.
                    if age > 10 and rng.random() < 0.7:
                        closed_on = min(today, item.raised_on + dt.timedelta(days=rng.randint(2, 20)))
                        close_item(item=item, note=rng.choice(CLOSING), closed_on=closed_on, today=today)
                day += dt.timedelta(days=rng.choice((4, 5, 6, 7, 8)))
        login = _cadre_login(postings)
    overdue = Item.objects.filter(village__township__county=county).overdue_on(today).count()
    stdout.write(f"民情日记：{entries} 篇，诉求 {items} 件，其中逾期 {overdue} 件")
    if login:
        stdout.write(f"  干部账号（民情日记、我的驻村）: {login} / {DEMO_PASSWORD}")


def _cadre_login(postings) -> str | None:
    if not postings:
        return None
    user_model = get_user_model()
    if user_model.objects.filter(username=DEMO_CADRE_USERNAME).exists():
        return DEMO_CADRE_USERNAME
    cadre = postings[0].cadre
    if StaffProfile.objects.filter(cadre=cadre).exists():
        return None
    user = user_model.objects.create_user(DEMO_CADRE_USERNAME, password=DEMO_PASSWORD, first_name=cadre.name)
    StaffProfile.objects.create(user=user, role=StaffProfile.Role.CADRE, cadre=cadre)
    return DEMO_CADRE_USERNAME

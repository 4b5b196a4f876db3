"""Every periodic job of Zhucun, in one place. Times are Asia/Shanghai.

Each app registers its task under a name here; the beat process reads this dict.
"""

from celery.schedules import crontab

CELERY_BEAT_SCHEDULE = {
    # 1st of each month, 02:00: final monthly totals for the previous month, every county.
    "monthly-totals-previous-month": {
        "task": "attendance.tasks.compute_previous_month_all_counties",
        "schedule": crontab(minute=0, hour=2, day_of_month=1),
    },
    # Every night, 01:00: provisional totals for the current month, every county.
    "monthly-totals-current-month": {
        "task": "attendance.tasks.compute_current_month_all_counties",
        "schedule": crontab(minute=0, hour=1),
    },
    # 3rd day after each quarter ends (Jan/Apr/Jul/Oct 3rd, 03:00): rank the quarter just ended.
    "quarterly-ranking": {
        "task": "appraisal.tasks.rank_previous_quarter_all_counties",
        "schedule": crontab(minute=0, hour=3, day_of_month=3, month_of_year="1,4,7,10"),
    },
    # Every night, 00:30: the check-in partitions of this month and the next two (PostgreSQL).
    "checkin-partitions-ahead": {
        "task": "checkins.tasks.make_partitions_ahead_task",
        "schedule": crontab(minute=30, hour=0),
    },
    # Every 5 minutes: uploads whose check is stuck 检查中 past ZHUCUN_STUCK_CHECK_MINUTES become 检查失败.
    "fail-stuck-upload-checks": {
        "task": "attendance.tasks.fail_stuck_checks_task",
        "schedule": crontab(minute="*/5"),
    },
}

from attendance.intake.urls import urlpatterns as upload_urls
from attendance.leave.urls import urlpatterns as leave_urls
from attendance.totals.urls import urlpatterns as totals_urls

app_name = "attendance"
urlpatterns = upload_urls + leave_urls + totals_urls

from attendance.urls_leave import urlpatterns as leave_urls
from attendance.urls_totals import urlpatterns as totals_urls
from attendance.urls_upload import urlpatterns as upload_urls

app_name = "attendance"
urlpatterns = upload_urls + leave_urls + totals_urls

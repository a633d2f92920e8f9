from django.urls import include, path

from .views import archive, calendar, county, deadlines, extensions, holidays, home, lookup, notifications, pdf, units
from .views.deadline_batch import DeadlineRemindView
from .views.registers import RegisterPrintView
from .views.reply_attachments import ReplyAttachmentDownloadView
from .views.search import SearchView

app_name = "core"

urlpatterns = [
    path("", home.HomeView.as_view(), name="home"),
    path("lookup/<slug:kind>/", lookup.LookupView.as_view(), name="lookup"),
    path("search/", SearchView.as_view(), name="search"),
    path("calendar/", calendar.CalendarMonthView.as_view(), name="calendar"),
    path("calendar/week/", calendar.CalendarWeekView.as_view(), name="calendar_week"),
    path("calendar.ics", calendar.CalendarIcsView.as_view(), name="calendar_ics"),
    path("county/", county.CountyOverviewView.as_view(), name="county_overview"),
    path("county/<slug:code>/", county.CountyTownshipView.as_view(), name="county_township"),
    path("notifications/", notifications.NotificationListView.as_view(), name="notification_list"),
    path("notifications/<int:pk>/open/", notifications.NotificationOpenView.as_view(), name="notification_open"),
    path("notifications/read-all/", notifications.NotificationReadAllView.as_view(), name="notification_read_all"),
    path("deadlines/", deadlines.DeadlineListView.as_view(), name="deadline_list"),
    path("deadlines/new/", deadlines.DeadlineCreateView.as_view(), name="deadline_create"),
    path("deadlines/remind/", DeadlineRemindView.as_view(), name="deadline_remind"),
    path("deadlines/<int:pk>/", deadlines.DeadlineDetailView.as_view(), name="deadline_detail"),
    path("deadlines/<int:pk>/subject/", deadlines.DeadlineSubjectView.as_view(), name="deadline_subject"),
    path("deadlines/<int:pk>/extend/", deadlines.DeadlineExtendView.as_view(), name="deadline_extend"),
    path("deadlines/<int:pk>/meet/", deadlines.DeadlineMeetView.as_view(), name="deadline_meet"),
    path("extension-requests/", extensions.ExtensionQueueView.as_view(), name="extension_queue"),
    path("reply-attachments/<int:pk>/", ReplyAttachmentDownloadView.as_view(), name="reply_attachment"),
    path("units/", units.UnitListView.as_view(), name="unit_list"),
    path("units/new/", units.UnitCreateView.as_view(), name="unit_create"),
    path("units/<int:pk>/", units.UnitDetailView.as_view(), name="unit_detail"),
    path("units/<int:pk>/edit/", units.UnitUpdateView.as_view(), name="unit_update"),
    path("holidays/", holidays.HolidayListView.as_view(), name="holiday_list"),
    path("holidays/new/", holidays.HolidayCreateView.as_view(), name="holiday_create"),
    path("holidays/<int:pk>/delete/", holidays.HolidayDeleteView.as_view(), name="holiday_delete"),
    path("registers/<str:key>/", RegisterPrintView.as_view(), name="register_print"),
    path("pdf/start/<str:report>/", pdf.PdfJobStartView.as_view(), name="pdfjob_start"),
    path("pdf/<uuid:pk>/", pdf.PdfJobDetailView.as_view(), name="pdfjob_detail"),
    path("pdf/<uuid:pk>/download/", pdf.PdfJobDownloadView.as_view(), name="pdfjob_download"),
    path("archive/", archive.ArchiveHomeView.as_view(), name="archive_home"),
    path("archive/assign/", archive.ArchiveAssignView.as_view(), name="archive_assign"),
    path(
        "archive/catalogue/<int:year>/<str:retention>/<str:org>.<str:fmt>",
        archive.CatalogueView.as_view(),
        name="archive_catalogue",
    ),
    path("archive/exports/start/", archive.ExportStartView.as_view(), name="archive_export_start"),
    path("archive/exports/<int:pk>/", archive.ExportDetailView.as_view(), name="archive_export_detail"),
    path("archive/exports/<int:pk>/resume/", archive.ExportResumeView.as_view(), name="archive_export_resume"),
    path("archive/exports/<int:pk>/download/", archive.ExportDownloadView.as_view(), name="archive_export_download"),
    path("archive/disposal/", include("congress_office.archive_disposal_urls")),
    path("archive/exports/<int:pk>/verify/", archive.ExportVerifyView.as_view(), name="archive_export_verify"),
]

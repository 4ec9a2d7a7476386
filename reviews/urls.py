from django.urls import path

from reviews import views

app_name = "reviews"

urlpatterns = [
    path("versions/<int:version_id>/findings/", views.version_findings, name="version_findings"),
    path("versions/<int:version_id>/scope/", views.version_scope, name="version_scope"),
    path("versions/<int:version_id>/review/", views.version_review, name="version_review"),
    path("queue/", views.my_queue, name="my_queue"),
    path("<int:review_id>/", views.review_detail, name="review_detail"),
    path("<int:review_id>/clauses/", views.review_clauses, name="review_clauses"),
    path("<int:review_id>/clauses/<int:clause_id>/", views.clause_detail, name="clause_detail"),
    path("<int:review_id>/clauses/<int:clause_id>/tags/", views.clause_tag, name="clause_tag"),
    path("<int:review_id>/comments/", views.comment_add, name="comment_add"),
    path("<int:review_id>/findings/new/", views.finding_manual, name="finding_manual"),
    path(
        "<int:review_id>/findings/approve-remaining/", views.findings_approve_remaining,
        name="findings_approve_remaining",
    ),
    path("<int:review_id>/findings/<int:finding_id>/decide/", views.finding_decide, name="finding_decide"),
    path(
        "<int:review_id>/findings/<int:finding_id>/evidence/", views.finding_evidence_add,
        name="finding_evidence_add",
    ),
    path(
        "<int:review_id>/findings/<int:finding_id>/evidence/<int:evidence_id>/remove/",
        views.finding_evidence_remove, name="finding_evidence_remove",
    ),
    path("<int:review_id>/transition/", views.review_transition, name="review_transition"),
    path("<int:review_id>/assign/", views.review_assign, name="review_assign"),
    path("<int:review_id>/timeline/", views.review_timeline, name="review_timeline"),
    path("<int:review_id>/report/", views.review_report, name="review_report"),
    path("<int:review_id>/report/status/", views.report_status, name="report_status"),
    path("<int:review_id>/report/rebuild/", views.report_rebuild, name="report_rebuild"),
    path("<int:review_id>/report.pdf", views.report_pdf, name="report_pdf"),
    path("<int:review_id>/findings.csv", views.report_csv, name="report_csv"),
    path("<int:review_id>/findings.json", views.report_json, name="report_json"),
]

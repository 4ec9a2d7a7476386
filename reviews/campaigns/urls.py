from django.urls import path

from reviews.campaigns import views

app_name = "campaigns"

urlpatterns = [
    path("", views.campaign_list, name="campaign_list"),
    path("new/", views.campaign_create, name="campaign_create"),
    path("<int:campaign_id>/", views.campaign_detail, name="campaign_detail"),
    path("<int:campaign_id>/assign/", views.campaign_assign, name="campaign_assign"),
    path("<int:campaign_id>/assignments/add/", views.assignment_add, name="assignment_add"),
    path("<int:campaign_id>/agreement/", views.campaign_agreement, name="campaign_agreement"),
    path("<int:campaign_id>/agreement.csv", views.agreement_csv, name="agreement_csv"),
    path(
        "<int:campaign_id>/adjudication/", views.campaign_adjudication, name="campaign_adjudication"
    ),
    path("<int:campaign_id>/adjudication/<int:clause_id>/", views.adjudicate, name="adjudicate"),
    path("<int:campaign_id>/export/", views.campaign_export, name="campaign_export"),
    path("<int:campaign_id>/uncertain/", views.active_learning, name="active_learning"),
    path("assignments/<int:assignment_id>/", views.assignment_annotate, name="assignment_annotate"),
    path(
        "assignments/<int:assignment_id>/remove/", views.assignment_remove, name="assignment_remove"
    ),
    path("assignments/<int:assignment_id>/done/", views.assignment_done, name="assignment_done"),
    path(
        "assignments/<int:assignment_id>/reopen/", views.assignment_reopen, name="assignment_reopen"
    ),
    path(
        "assignments/<int:assignment_id>/clauses/<int:clause_id>/toggle/",
        views.clause_toggle,
        name="clause_toggle",
    ),
    path(
        "assignments/<int:assignment_id>/clauses/<int:clause_id>/mark/",
        views.clause_mark,
        name="clause_mark",
    ),
    path(
        "assignments/<int:assignment_id>/clauses/<int:clause_id>/spans/",
        views.span_add,
        name="span_add",
    ),
    path(
        "assignments/<int:assignment_id>/spans/<int:span_id>/delete/",
        views.span_delete,
        name="span_delete",
    ),
    path("training/", views.training_list, name="training_list"),
    path("training/<int:job_id>/", views.training_detail, name="training_detail"),
    path("models/<int:model_id>/promote/", views.model_promote, name="model_promote"),
    path("models/rollback/", views.model_rollback, name="model_rollback"),
]

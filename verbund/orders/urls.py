from django.urls import path

from verbund.orders import views

app_name = "orders"
urlpatterns = [
    path("bestellungen/", views.order_list, name="order_list"),
    path("bestellungen/neu/<int:product_id>/", views.order_new, name="order_new"),
    path("bestellungen/vorschau/<int:product_id>/", views.order_preview, name="order_preview"),
    path("bestellungen/<int:order_id>/", views.order_detail, name="order_detail"),
    path("bestellungen/<int:order_id>/bestaetigen/", views.order_decide, {"decision": "confirm"}, name="order_confirm"),
    path("bestellungen/<int:order_id>/ablehnen/", views.order_decide, {"decision": "reject"}, name="order_reject"),
    path("bestellungen/<int:order_id>/zurueckziehen/", views.order_withdraw, name="order_withdraw"),
    path("vertragsmappe/", views.contract_folder_home, name="contract_folder_home"),
    path("vertragsmappe/<int:member_id>/", views.contract_folder, name="contract_folder"),
    path("vertragsmappe/<int:member_id>/export.csv", views.contract_folder_csv, name="contract_folder_csv"),
    path("vertragsmappe/<int:member_id>/export.pdf", views.contract_folder_pdf, name="contract_folder_pdf"),
    path("abonnements/<int:subscription_id>/", views.subscription_edit, name="subscription_edit"),
    path(
        "abonnements/<int:subscription_id>/aendern/",
        views.subscription_request,
        {"kind": "change"},
        name="subscription_change",
    ),
    path(
        "abonnements/<int:subscription_id>/kuendigen/",
        views.subscription_request,
        {"kind": "cancel"},
        name="subscription_cancel",
    ),
]

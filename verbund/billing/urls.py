from django.urls import path

from verbund.billing import views, views_seller

app_name = "billing"
urlpatterns = [
    path("laeufe/", views.run_list, name="run_list"),
    path("laeufe/<int:run_id>/", views.run_detail, name="run_detail"),
    path("laeufe/<int:run_id>/ausstellen/", views.run_issue, name="run_issue"),
    path("laeufe/<int:run_id>/download/", views.run_download, name="run_download"),
    path("rechnungen/", views.invoice_list, name="invoice_list"),
    path("rechnungen/<int:invoice_id>/", views.invoice_detail, name="invoice_detail"),
    path("rechnungen/<int:invoice_id>/xml/", views.invoice_download_xml, name="invoice_xml"),
    path("rechnungen/<int:invoice_id>/cii/", views.invoice_download_cii, name="invoice_cii"),
    path("rechnungen/<int:invoice_id>/pdf/", views.invoice_download_pdf, name="invoice_pdf"),
    path("rechnungen/<int:invoice_id>/gutschrift/", views.invoice_credit, name="invoice_credit"),
    path("rechnungssteller/", views_seller.seller_list, name="seller_list"),
    path("rechnungssteller/<int:provider_id>/", views_seller.seller_detail, name="seller_detail"),
    path("rechnungssteller/<int:provider_id>/bearbeiten/", views_seller.seller_edit, name="seller_edit"),
]

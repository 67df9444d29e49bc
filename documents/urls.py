"""Documents URLs. Their paths are the ones they had under cohorts and projects: printed
certificates and bookmarks keep working."""

from django.urls import path

from . import audit, dashboard_views, siasn_views, sign_in_sheet, views, visit_report
from .ledger_views import (
    ledger_mine,
    ledger_mine_file,
    ledger_people,
    ledger_speaker,
    ledger_speaker_file,
    ledger_widyaiswara,
    ledger_widyaiswara_file,
)

app_name = "documents"

urlpatterns = [
    path("studi-lapangan/<int:pk>/laporan.pdf", visit_report.visit_report, name="visit_report"),
    path(
        "angkatan/<int:pk>/sertifikat/terbitkan/",
        views.certificates_issue,
        name="certificates_issue",
    ),
    path("sertifikat/penerbitan/<int:pk>/", views.batch_detail, name="batch_detail"),
    path(
        "angkatan/<int:cohort_pk>/sertifikat/siasn/",
        siasn_views.siasn_sync_page,
        name="siasn_sync",
    ),
    path(
        "angkatan/<int:cohort_pk>/sertifikat/siasn/kirim/",
        siasn_views.siasn_push,
        name="siasn_push",
    ),
    path(
        "angkatan/<int:cohort_pk>/sertifikat/siasn/<int:pk>/kirim/",
        siasn_views.siasn_push,
        name="siasn_retry",
    ),
    path("sertifikat/penerbitan/<int:pk>/status/", views.batch_status, name="batch_status"),
    path(
        "sertifikat/penerbitan/<int:pk>/gabungan.pdf",
        views.batch_file,
        {"kind": "pdf"},
        name="batch_pdf",
    ),
    path(
        "sertifikat/penerbitan/<int:pk>/semua.zip",
        views.batch_file,
        {"kind": "zip"},
        name="batch_zip",
    ),
    path("sertifikat/<int:pk>/unduh/", views.certificate_download, name="certificate_download"),
    path("sertifikat/<int:pk>/", views.certificate_detail, name="certificate_detail"),
    path(
        "sertifikat/<int:pk>/cabut/",
        views.certificate_change,
        {"action": "revoke"},
        name="certificate_revoke",
    ),
    path(
        "sertifikat/<int:pk>/terbitkan-ulang/",
        views.certificate_change,
        {"action": "reissue"},
        name="certificate_reissue",
    ),
    path("instansi/<int:pk>/nomor-sertifikat/", views.numbering, name="numbering"),
    path(
        "instansi/<int:pk>/sertifikat/",
        views.institution_certificate,
        name="institution_certificate",
    ),
    path(
        "angkatan/<int:pk>/tahap/<int:phase_pk>/laporan/",
        views.phase_report_request,
        name="phase_report_request",
    ),
    path(
        "angkatan/<int:pk>/tahap/<int:phase_pk>/hari/<isodate:day>/daftar-hadir.pdf",
        sign_in_sheet.sign_in_sheet,
        name="sign_in_sheet",
    ),
    path("laporan/<int:pk>/", views.phase_report_download, name="phase_report"),
    path("angkatan/<int:cohort_pk>/laporan-akhir.pdf", views.final_report, name="final_report"),
    path(
        "angkatan/<int:cohort_pk>/laporan-akhir.xlsx",
        views.final_report_xlsx,
        name="final_report_xlsx",
    ),
    path(
        "angkatan/<int:cohort_pk>/peserta-unduh.<str:kind>",
        views.roster_report,
        name="roster_report",
    ),
    path("laporan/tugas/<int:pk>/", views.report_job, name="report_job"),
    path("laporan/tugas/<int:pk>/status/", views.report_job_status, name="report_job_status"),
    path("laporan/tugas/<int:pk>/unduh/", views.report_job_download, name="report_job_download"),
    path("laporan/tugas/<int:pk>/ulang/", views.report_job_retry_view, name="report_job_retry"),
    path("dokumen/", views.documents, name="documents"),
    path("dasbor/", dashboard_views.dashboard_choose, name="dashboard_choose"),
    path("instansi/<int:pk>/dasbor/", dashboard_views.dashboard, name="dashboard"),
    path("instansi/<int:pk>/dasbor.pdf", dashboard_views.dashboard_pdf, name="dashboard_pdf"),
    path("log-audit/", audit.audit_log, name="audit_log"),
    path("log-audit.<str:kind>", views.audit_log_export, name="audit_log_export"),
    # The widyaiswara ledger (documents.ledger_views).
    path("catatan-mengajar/", ledger_mine, name="ledger_mine"),
    path("catatan-mengajar.xlsx", ledger_mine_file, {"kind": "xlsx"}, name="ledger_mine_xlsx"),
    path("catatan-mengajar.pdf", ledger_mine_file, {"kind": "pdf"}, name="ledger_mine_pdf"),
    path("catatan-mengajar/semua/", ledger_people, name="ledger_people"),
    path("catatan-mengajar/widyaiswara/<int:pk>/", ledger_widyaiswara, name="ledger_widyaiswara"),
    path(
        "catatan-mengajar/widyaiswara/<int:pk>.xlsx",
        ledger_widyaiswara_file,
        {"kind": "xlsx"},
        name="ledger_widyaiswara_xlsx",
    ),
    path(
        "catatan-mengajar/widyaiswara/<int:pk>.pdf",
        ledger_widyaiswara_file,
        {"kind": "pdf"},
        name="ledger_widyaiswara_pdf",
    ),
    path("catatan-mengajar/narasumber/<int:pk>/", ledger_speaker, name="ledger_speaker"),
    path(
        "catatan-mengajar/narasumber/<int:pk>.xlsx",
        ledger_speaker_file,
        {"kind": "xlsx"},
        name="ledger_speaker_xlsx",
    ),
    path(
        "catatan-mengajar/narasumber/<int:pk>.pdf",
        ledger_speaker_file,
        {"kind": "pdf"},
        name="ledger_speaker_pdf",
    ),
]

# The participants' evaluation report of a cohort (documents.evaluation_report).
from .evaluation_report import evaluation_report_pdf, evaluation_report_xlsx  # noqa: E402

urlpatterns += [
    path(
        "angkatan/<int:cohort_pk>/evaluasi.xlsx",
        evaluation_report_xlsx,
        name="evaluation_report_xlsx",
    ),
    path(
        "angkatan/<int:cohort_pk>/evaluasi.pdf", evaluation_report_pdf, name="evaluation_report_pdf"
    ),
]

# The LAN report pack of a cohort (documents.lan_report).
from .lan_report import lan_report_pdf, lan_report_xlsx  # noqa: E402

urlpatterns += [
    path("angkatan/<int:cohort_pk>/laporan-lan.xlsx", lan_report_xlsx, name="lan_report_xlsx"),
    path("angkatan/<int:cohort_pk>/laporan-lan.pdf", lan_report_pdf, name="lan_report_pdf"),
]

# Signing through BSrE (documents.bsre_views).
from . import bsre_views  # noqa: E402

urlpatterns += [
    path(
        "instansi/<int:pk>/penanda-tangan/",
        bsre_views.institution_signer,
        name="institution_signer",
    ),
    path("tanda-tangan/", bsre_views.signing_queue, name="signing_queue"),
    path(
        "sertifikat/penerbitan/<int:pk>/tanda-tangan/",
        bsre_views.batch_signing,
        name="batch_signing",
    ),
]

# Verifiable credentials (documents.credential_views).
from . import credential_views  # noqa: E402

urlpatterns += [
    path(
        "sertifikat/<int:pk>/kredensial.jwt",
        credential_views.credential_download,
        name="credential_download",
    ),
    path("kredensial/kunci.json", credential_views.credential_keys, name="credential_keys"),
    path(
        "kredensial/status/<int:list_number>/",
        credential_views.credential_status_list,
        name="credential_status_list",
    ),
    path(
        "kredensial/penerbit/<int:pk>/",
        credential_views.credential_issuer,
        name="credential_issuer",
    ),
    path(
        "kredensial/verifikasi/",
        credential_views.credential_verify_page,
        name="credential_verify",
    ),
    path(
        "kredensial/verifikasi.json",
        credential_views.credential_verify_json,
        name="credential_verify_json",
    ),
]

# The signatories certificates print (documents.signatory_views, issue 18).
from . import signatory_views  # noqa: E402

urlpatterns += [
    path(
        "instansi/<int:pk>/sertifikat/penanda-tangan/",
        signatory_views.certificate_signatories,
        name="certificate_signatories",
    ),
    path(
        "instansi/<int:pk>/sertifikat/penanda-tangan/<int:signatory_pk>/",
        signatory_views.certificate_signatory_edit,
        name="certificate_signatory_edit",
    ),
    path(
        "instansi/<int:pk>/sertifikat/penanda-tangan/<int:signatory_pk>/hapus/",
        signatory_views.certificate_signatory_delete,
        name="certificate_signatory_delete",
    ),
]

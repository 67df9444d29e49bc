"""`manage.py broker_check`: see documents.broker_check."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from kombu.exceptions import OperationalError

from documents.broker_check import broker_check

PROGRESS_EVERY_SECONDS = 2


class Command(BaseCommand):
    help = gettext_lazy(
        "Periksa broker: kirim pekerjaan pemeriksaan ke pekerja Celery yang berjalan dan tunggu "
        "semuanya kembali, masing-masing tepat sekali."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--messages", type=int, default=100, help=_("jumlah pekerjaan (bawaan 100)")
        )
        parser.add_argument(
            "--producers",
            type=int,
            default=1,
            help=_("jumlah pengirim yang mengirim bersamaan (bawaan 1)"),
        )
        parser.add_argument(
            "--timeout",
            type=float,
            default=300,
            help=_("berapa detik menunggu semuanya kembali (bawaan 300)"),
        )

    def handle(self, *args, messages, producers, timeout, **options):
        if messages < 1:
            raise CommandError(_("Kirim setidaknya satu pekerjaan."))
        shown = 0.0

        def progress(sent, counts, seconds):
            nonlocal shown
            if seconds - shown < PROGRESS_EVERY_SECONDS and len(counts) < messages:
                return
            shown = seconds
            self.stdout.write(
                _("Terkirim %(sent)s, kembali %(back)s dari %(total)s (%(seconds)s detik)")
                % {
                    "sent": sent,
                    "back": len(counts),
                    "total": messages,
                    "seconds": number_format(seconds, 1),
                }
            )

        try:
            result = broker_check(
                messages=messages, producers=producers, timeout=timeout, progress=progress
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        except OperationalError as error:
            raise CommandError(
                _("Broker tidak dapat dihubungi: %(error)s") % {"error": error}
            ) from error
        figures = {
            "sent": result.sent,
            "lost": result.lost,
            "duplicates": result.duplicates,
            "seconds": number_format(result.seconds, 1),
        }
        if not result.sound:
            raise CommandError(
                _(
                    "Broker bermasalah: dari %(sent)s pekerjaan, %(lost)s hilang dan "
                    "%(duplicates)s dijalankan lebih dari sekali (%(seconds)s detik). Apakah "
                    "pekerja Celery berjalan?"
                )
                % figures
            )
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Broker sehat: %(sent)s pekerjaan dikirim, semuanya dijalankan tepat sekali "
                    "dalam %(seconds)s detik (%(lost)s hilang, %(duplicates)s ganda)."
                )
                % figures
            )
        )

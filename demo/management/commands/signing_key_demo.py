from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from demo.signing_key import signing_key_create


class Command(BaseCommand):
    help = "Buat kunci tanda tangan swasertifikasi untuk demo (sekali; yang ada tidak diganti)."

    def handle(self, *args, **options):
        path = Path(settings.DEMO_SIGNING_KEY_FILE)
        if path.is_file():
            self.stdout.write(f"Kunci tanda tangan demo sudah ada: {path}")
            return
        signing_key_create(path, settings.DEMO_SIGNING_KEY_PASSWORD, "Kepala BPSDM (demo)")
        self.stdout.write(f"Kunci tanda tangan demo dibuat: {path}")

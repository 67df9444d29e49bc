from django.core.management.base import BaseCommand

from demo.loaders import DEMO_PASSWORD, demo_data_load


class Command(BaseCommand):
    help = (
        "Muat data contoh: BPSDMD Banten (Latsar 2022 Angkatan 72-74 dan angkatan berjalan) "
        "dan BPSDM Jawa Timur (PKA Probolinggo 2019, bersama BKD Kabupaten Probolinggo)."
    )

    def handle(self, *args, **options):
        result = demo_data_load()
        self.stdout.write(self.style.SUCCESS("Data contoh siap. Login demo (kata sandi sama):"))
        for role, username, note in result.logins:
            line = f"  {role:<14} {username:<20} {DEMO_PASSWORD}"
            self.stdout.write(f"{line}   ({note})" if note else line)

"""Every certificate gets a check code for lookups by number. Certificates issued before have
their code made here, one each (a callable default would give every row the same one); their
paper does not carry it, so their holders look them up with the birth date instead."""

import secrets

from django.db import migrations, models

import documents.models

# A copy of documents.models.check_code_new as it stands today (migrations keep their own).
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def codes_fill(apps, schema_editor):
    Certificate = apps.get_model("documents", "Certificate")
    certificates = list(Certificate.objects.filter(check_code=""))
    for certificate in certificates:
        certificate.check_code = "".join(secrets.choice(ALPHABET) for _ in range(6))
    Certificate.objects.bulk_update(certificates, ["check_code"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="certificate",
            name="check_code",
            field=models.CharField(default="", editable=False, max_length=6, verbose_name="kode cek"),
            preserve_default=False,
        ),
        migrations.RunPython(codes_fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="certificate",
            name="check_code",
            field=models.CharField(
                default=documents.models.check_code_new,
                editable=False,
                max_length=6,
                verbose_name="kode cek",
            ),
        ),
    ]

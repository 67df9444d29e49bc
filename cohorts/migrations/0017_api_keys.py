import django.db.models.deletion

import cohorts.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cohorts", "0016_speakers_and_session_jp"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ApiKey',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(help_text='Untuk apa kunci ini, mis. LMS Banten Ceria.', max_length=100, verbose_name='nama')),
                ('access', models.CharField(choices=[('read', 'Baca saja'), ('read_write', 'Baca dan tulis')], default='read', max_length=10, verbose_name='akses')),
                ('prefix', models.CharField(editable=False, max_length=12, unique=True, verbose_name='awalan kunci')),
                ('hashed_key', models.CharField(editable=False, max_length=64)),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='dibuat pada')),
                ('revoked_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='dicabut pada')),
                ('last_used_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='terakhir dipakai')),
                ('created_by', models.ForeignKey(editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='dibuat oleh')),
                ('institution', models.ForeignKey(help_text='Kunci hanya membaca dan menulis angkatan yang diselenggarakan instansi ini.', on_delete=django.db.models.deletion.PROTECT, related_name='api_keys', to='cohorts.institution', verbose_name='instansi')),
            ],
            options={
                'verbose_name': 'kunci API',
                'verbose_name_plural': 'kunci API',
                'ordering': ['-created_at'],
            },
        ),
        migrations.CreateModel(
            name='Webhook',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('url', models.URLField(max_length=500, verbose_name='alamat')),
                ('secret', models.CharField(default=cohorts.models.webhook_secret_new, editable=False, max_length=64, verbose_name='rahasia penanda tangan')),
                ('active', models.BooleanField(default=True, verbose_name='aktif')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='dibuat pada')),
                ('institution', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='webhooks', to='cohorts.institution', verbose_name='instansi')),
            ],
            options={
                'verbose_name': 'webhook',
                'verbose_name_plural': 'webhook',
                'ordering': ['institution', 'url'],
            },
        ),
        migrations.CreateModel(
            name='WebhookDelivery',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('event', models.CharField(max_length=40, verbose_name='peristiwa')),
                ('payload', models.JSONField(verbose_name='isi')),
                ('status', models.CharField(choices=[('pending', 'Menunggu'), ('sent', 'Terkirim'), ('failed', 'Gagal')], default='pending', max_length=10, verbose_name='status')),
                ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='percobaan')),
                ('error', models.TextField(blank=True, verbose_name='galat terakhir')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='dibuat pada')),
                ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='terkirim pada')),
                ('webhook', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='deliveries', to='cohorts.webhook', verbose_name='webhook')),
            ],
            options={
                'verbose_name': 'kiriman webhook',
                'verbose_name_plural': 'kiriman webhook',
                'ordering': ['-created_at', '-pk'],
            },
        ),
    ]

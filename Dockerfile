# Angkatan production image: gunicorn for the web, the same image for the Celery worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1

# WeasyPrint renders with Pango; libharfbuzz-subset0 keeps font subsetting fast.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY config ./config
COPY cohorts ./cohorts
COPY curriculum ./curriculum
COPY participants ./participants
COPY projects ./projects
RUN pip install .
COPY . .

RUN DJANGO_SETTINGS_MODULE=config.settings.production SECRET_KEY=build-only ALLOWED_HOSTS=build SITE_URL=https://build \
    STATIC_ROOT=/app/staticfiles python manage.py collectstatic --noinput

RUN useradd --create-home angkatan && mkdir -p /app/var /data/media && chown -R angkatan /app/var /data
USER angkatan

ENV DJANGO_SETTINGS_MODULE=config.settings.production STATIC_ROOT=/app/staticfiles MEDIA_ROOT=/data/media
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY . .
# EXTRAS=s3 adds django-storages for photos in an S3-compatible store (docs/deployment.md).
ARG EXTRAS=""
RUN pip install --no-cache-dir ".${EXTRAS:+[$EXTRAS]}"
# var/photos exists in the image so that a new volume mounted there belongs to mesoplan.
RUN useradd --create-home mesoplan && mkdir -p var/photos && chown -R mesoplan var
USER mesoplan
EXPOSE 8000

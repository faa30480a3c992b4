FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY . .
RUN pip install --no-cache-dir .
RUN useradd --create-home mesoplan && mkdir -p var && chown -R mesoplan var
USER mesoplan
EXPOSE 8000

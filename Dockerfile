FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN JSC_ENV=local python manage.py collectstatic --noinput -v 0
RUN useradd --system --home /app jsc && chown -R jsc /app
USER jsc
EXPOSE 8000
CMD ["gunicorn", "jsc.wsgi", "-c", "python:jsc.gunicorn_conf", "--bind", "0.0.0.0:8000", "--workers", "3"]

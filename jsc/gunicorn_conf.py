"""gunicorn settings shared by `make run`, the Dockerfile and docker-compose.

The access log leaves out query strings: the contract's `?search=` may carry a NIK,
and a NIK must never reach a log.
"""

accesslog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'

"""The disclosure office's web dashboard: FastAPI, server-rendered Jinja2 pages, a JSON API."""

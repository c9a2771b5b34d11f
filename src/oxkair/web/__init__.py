"""The web pages: server-rendered Jinja2 templates and a small vanilla-JS client of the JSON API."""

from oxkair.web.routes import router

__all__ = ["router"]

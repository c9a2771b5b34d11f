"""Demo data for `oxkair serve --demo`: institutions, users of both categories, cases in every status."""

from oxkair.demo.loader import DEMO_PASSWORD, DemoReport, load_demo

__all__ = ["DEMO_PASSWORD", "DemoReport", "load_demo"]

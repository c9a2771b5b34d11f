"""oxkair: HIPAA-grade backend for the Oxkair medical-coding application."""

__version__ = "0.1.0"

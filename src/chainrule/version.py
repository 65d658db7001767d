"""chainrule's version (its own module, so code inside the package reads it without importing the package)."""
__version__ = "0.1.0"

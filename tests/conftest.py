"""Suite-wide settings: deterministic property tests and a non-interactive Matplotlib backend."""
import matplotlib
from hypothesis import settings

matplotlib.use("Agg")

# Same examples on every run and every machine: CI must never turn red by chance.
settings.register_profile("deterministic", derandomize=True, database=None, deadline=None)
settings.load_profile("deterministic")

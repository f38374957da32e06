"""goalsite: turns a company's goal files into its goal transparency portal."""

from .pipeline import Build, build_portal
from .problems import Location, Problem, Severity

__version__ = "0.1.0"
__all__ = ["Build", "Location", "Problem", "Severity", "build_portal", "__version__"]

"""floorwatch: a live floor monitor and coaching companion for contact-center supervisors."""

__version__ = "0.1.0"

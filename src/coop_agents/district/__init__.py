"""Your own district: a workbook (or CSV folder, or GraphML file) of communities, social
organisations and extra ties, checked, read into a :class:`coop_agents.network.Structure` and
written back (``coop-agents district template | check | export``; see docs/district.md)."""

from coop_agents.district.files import (
    export_district,
    read_structure,
    structure_file_problems,
    write_table,
    write_template,
)

__all__ = ["read_structure", "structure_file_problems", "export_district", "write_table", "write_template"]
